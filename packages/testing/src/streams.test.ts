import { afterEach, describe, expect, it, vi } from 'vitest';
import { settlesAfter, turnsUntil, watch } from '../../../test-support/turns.js';
import { startMockProvider } from './server.js';
import { chat, parseSse, readAll, readUntilQuiet, type SseEvent } from './test-utils.js';
import type { Flavor, MockProvider, StreamFaults } from './types.js';

let mock: MockProvider;
afterEach(async () => {
  vi.useRealTimers();
  await mock?.close();
});

const FLAVORS: Flavor[] = ['openai', 'anthropic', 'gemini'];
const TEXT = 'a b c d e';

function contentCount(flavor: Flavor, events: SseEvent[]): number {
  return events.filter((e) => {
    if (e.data === '[DONE]' || !isJson(e.data)) return false;
    if (flavor === 'anthropic') return e.event === 'content_block_delta';
    try {
      const d = JSON.parse(e.data);
      if (flavor === 'openai') return d.choices?.[0]?.delta?.content || d.choices?.[0]?.delta?.tool_calls;
      return Boolean(d.candidates);
    } catch {
      return false;
    }
  }).length;
}

function terminated(flavor: Flavor, events: SseEvent[]): boolean {
  const last = events.at(-1);
  if (flavor === 'openai') return last?.data === '[DONE]';
  if (flavor === 'anthropic') return last?.event === 'message_stop';
  return last !== undefined && JSON.parse(last.data).candidates?.[0]?.finishReason === 'STOP';
}

async function streamWith(flavor: Flavor, stream: StreamFaults) {
  mock = await startMockProvider({ flavor, text: TEXT, script: [{ stream }] });
  return chat(mock, { stream: true });
}

describe.each(FLAVORS)('%s stream faults', (flavor) => {
  it('a clean stream has 5 content chunks and its terminator', async () => {
    const events = parseSse(await (await streamWith(flavor, {})).text());
    expect(contentCount(flavor, events)).toBe(5);
    expect(terminated(flavor, events)).toBe(true);
  });

  it('cutAfter: 2 destroys the socket after 2 content chunks, no terminator', async () => {
    const res = await streamWith(flavor, { cutAfter: 2 });
    expect(res.status).toBe(200);
    const { text, error } = await readAll(res);
    expect(error).toBeInstanceOf(TypeError);
    const events = parseSse(text);
    expect(contentCount(flavor, events)).toBe(2);
    expect(terminated(flavor, events)).toBe(false);
  });

  it('cutAfter beyond the content cuts before the terminator', async () => {
    const { text, error } = await readAll(await streamWith(flavor, { cutAfter: 99 }));
    expect(error).toBeDefined();
    const events = parseSse(text);
    expect(contentCount(flavor, events)).toBe(5);
    if (flavor !== 'gemini') expect(terminated(flavor, events)).toBe(false);
    expect(error).toBeInstanceOf(TypeError);
  });

  it('stallAfter: 2 goes silent with the connection open; close() ends it', async () => {
    const res = await streamWith(flavor, { stallAfter: 2 });
    const { text, quiet, reader } = await readUntilQuiet(res, (t) => contentCount(flavor, parseSse(t)) >= 2);
    expect(quiet).toBe(true);
    expect(contentCount(flavor, parseSse(text))).toBe(2);
    await mock.close();
    await expect(reader.read()).rejects.toThrow();
  });

  it('malformedAfter: 1 sends one garbage data event, then carries on', async () => {
    const events = parseSse(await (await streamWith(flavor, { malformedAfter: 1 })).text());
    const bad = events.filter((e) => e.data !== '[DONE]' && !isJson(e.data));
    expect(bad).toHaveLength(1);
    expect(events.indexOf(bad[0]!)).toBeGreaterThan(0);
    expect(contentCount(flavor, events)).toBe(5);
    expect(terminated(flavor, events)).toBe(true);
  });

  it('errorAfter: 1 sends an in-band error after one chunk and ends the response', async () => {
    const { text, error } = await readAll(await streamWith(flavor, { errorAfter: 1 }));
    expect(error).toBeUndefined();
    const events = parseSse(text);
    expect(contentCount(flavor, events)).toBe(1);
    const last = events.at(-1)!;
    const body = JSON.parse(last.data);
    if (flavor === 'openai') {
      expect(body).toEqual({
        error: {
          message: 'The server had an error while processing your request. Sorry about that!',
          type: 'server_error',
          param: null,
          code: null,
        },
      });
    } else if (flavor === 'anthropic') {
      expect(last.event).toBe('error');
      expect(body).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    } else {
      expect(body.error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
    }
  });

  it('keepAliveComments adds SSE comment lines', async () => {
    const text = await (await streamWith(flavor, { keepAliveComments: true })).text();
    expect(text.startsWith(': keep-alive')).toBe(true);
    expect(contentCount(flavor, parseSse(text))).toBe(5);
  });

  it('firstTokenDelayMs sends headers at once and the first event later', async () => {
    // Only the timers are fake: the sockets are real, and the delay moves when told to.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const res = watch(streamWith(flavor, { firstTokenDelayMs: 150 }));
    await turnsUntil(res.settled, 'the response head, with no time passed');
    const first = watch((await res.promise).body!.getReader().read());
    const { value } = await settlesAfter(first, 150, 'the first event');
    expect(new TextDecoder().decode(value)).toMatch(/^(event|data): /);
  });

  it('chunkDelayMs spaces content chunks', async () => {
    const t0 = performance.now();
    await (await streamWith(flavor, { chunkDelayMs: 20 })).text();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
  });
});

describe('stream terminators', () => {
  it('openai noDone: finish_reason and usage but no [DONE]', async () => {
    mock = await startMockProvider({ text: TEXT, script: [{ stream: { noDone: true } }] });
    const res = await chat(mock, { stream: true, body: { model: 'm', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } } });
    const events = parseSse(await res.text());
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    expect(JSON.parse(events.at(-1)!.data).usage).toMatchObject({ completion_tokens: 5 });
    expect(JSON.parse(events.at(-2)!.data).choices[0].finish_reason).toBe('stop');
  });

  it('anthropic noDone: message_delta but no message_stop', async () => {
    mock = await startMockProvider({ flavor: 'anthropic', text: TEXT, script: [{ stream: { noDone: true } }] });
    const events = parseSse(await (await chat(mock, { stream: true })).text());
    expect(events.at(-1)!.event).toBe('message_delta');
  });

  it('stream faults do not affect a non-streaming request', async () => {
    mock = await startMockProvider({ script: [{ stream: { cutAfter: 0 } }] });
    expect((await chat(mock)).status).toBe(200);
  });

  it('chunks splits the text into exactly N pieces; chunkSize groups words', async () => {
    mock = await startMockProvider({ text: 'abcdefghij', chunks: 3 });
    let events = parseSse(await (await chat(mock, { stream: true })).text());
    expect(contentCount('openai', events)).toBe(3);
    await mock.close();
    mock = await startMockProvider({ text: 'a b c d e', chunkSize: 2 });
    events = parseSse(await (await chat(mock, { stream: true })).text());
    expect(contentCount('openai', events)).toBe(3);
  });
});

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
