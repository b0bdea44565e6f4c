import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortError, abortReason, type AdapterCall, type ChatChunk, createClient, RateLimitError, ServerError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { chatChunk, chatResponse, textChunks } from './chat-fixtures.js';
import { fakeClock } from './fake-clock.js';
import { flush } from './flush.js';
import { scriptedAdapter } from './scripted-adapter.js';

const req = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'Hi' }] };

function call(overrides: Partial<AdapterCall> = {}): AdapterCall & { controller: AbortController } {
  const controller = new AbortController();
  return { controller, signal: controller.signal, metadata: {}, ...overrides };
}

async function drain(stream: AsyncIterable<ChatChunk>): Promise<{ chunks: ChatChunk[]; text: string; error?: unknown }> {
  const chunks: ChatChunk[] = [];
  try {
    for await (const c of stream) chunks.push(c);
  } catch (error) {
    return { chunks, text: textOf(chunks), error };
  }
  return { chunks, text: textOf(chunks) };
}
const textOf = (chunks: ChatChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

describe('scriptedAdapter: answers', () => {
  it('answers chat() by default with "Hello world", the requested model and usage 3 + 2', async () => {
    const adapter = scriptedAdapter();
    expect([adapter.name, adapter.kind]).toEqual(['fake', 'fake']);
    expect(await adapter.chat(req, call())).toEqual(chatResponse('Hello world', { model: 'gpt-4.1', usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }));
  });

  it('streams by default: role chunk, one chunk per word, finish, usage', async () => {
    const { chunks } = await drain(await scriptedAdapter().stream(req, call()));
    expect(chunks).toEqual(textChunks(['Hello', ' world'], { model: 'gpt-4.1' }));
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it('takes default text, pieces, usage, prompt tokens, name, kind and capabilities from options', async () => {
    const adapter = scriptedAdapter(undefined, { name: 'primary', kind: 'scripted', capabilities: { prefill: true }, text: 'Hello', pieces: ['Hel', 'lo', '!'], promptTokens: 10 });
    expect(adapter).toMatchObject({ name: 'primary', kind: 'scripted', capabilities: { prefill: true } });
    const r = await adapter.chat(req, call());
    expect([r.choices[0]?.message.content, r.usage]).toEqual(['Hello', { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 }]);
    const { chunks, text } = await drain(await adapter.stream(req, call()));
    expect(text).toBe('Hello!');
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 });
    const ids = scriptedAdapter('ok', { id: 'resp-7' });
    expect((await ids.chat(req, call())).id).toBe('resp-7');
    expect((await drain(await ids.stream(req, call()))).chunks.map((c) => c.id)).toEqual(['resp-7', 'resp-7', 'resp-7', 'resp-7', 'resp-7']);
    const none = scriptedAdapter(undefined, { usage: null });
    expect((await none.chat(req, call())).usage).toBeUndefined();
    expect((await drain(await none.stream(req, call()))).chunks.some((c) => c.usage)).toBe(false);
  });

  it('a step sets text, pieces, model, usage, finish reason, exact response or exact chunks', async () => {
    const exact = chatResponse('exact', { model: 'x' });
    const chunks = [chatChunk({ content: 'A' }), chatChunk({}, 'length')];
    const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
    const adapter = scriptedAdapter([{ text: 'Bonjour tout le monde', model: 'other', usage, finishReason: 'length' }, exact, { chunks }, { pieces: ['a', 'b'] }]);
    const first = await adapter.chat(req, call());
    expect(first).toEqual(chatResponse('Bonjour tout le monde', { model: 'other', usage, finishReason: 'length' }));
    expect(await adapter.chat(req, call())).toBe(exact);
    expect((await drain(await adapter.stream(req, call()))).chunks).toEqual(chunks);
    expect((await drain(await adapter.stream(req, call()))).text).toBe('ab');
  });

  it('reports responseInfo through call.onResponse (options for every call, the step for one)', async () => {
    const seen: unknown[] = [];
    const info = { status: 200, rateLimit: { remainingRequests: 9 } };
    const adapter = scriptedAdapter([{}, { responseInfo: { status: 203 } }], { responseInfo: info });
    await adapter.chat(req, call({ onResponse: (i) => seen.push(i) }));
    await adapter.stream(req, call({ onResponse: (i) => seen.push(i) }));
    expect(seen).toEqual([info, { status: 203 }]);
    await scriptedAdapter().chat(req, call({ onResponse: (i) => seen.push(i) }));
    expect(seen).toHaveLength(2);
  });
});

describe('scriptedAdapter: scripts and records', () => {
  it('plays an array step per call, then answers ok; records request, call, time and index', async () => {
    const clock = fakeClock(500);
    const down = new ServerError('down', { status: 503 });
    const adapter = scriptedAdapter(['ok', down], { clock });
    const c0 = call({ metadata: { tenant: 'acme' } });
    await adapter.chat(req, c0);
    clock.advance(250);
    await expect(adapter.stream(req, call())).rejects.toBe(down);
    await adapter.chat({ ...req, model: 'b' }, call());
    expect(adapter.calls.map((c) => [c.n, c.at, c.streaming, c.request.model])).toEqual([[0, 500, false, 'gpt-4.1'], [1, 750, true, 'gpt-4.1'], [2, 750, false, 'b']]);
    expect(adapter.calls[0]?.call).toBe(c0);
  });

  it('applies a single step to every call', async () => {
    const limited = new RateLimitError('slow down', { status: 429 });
    const adapter = scriptedAdapter(limited);
    await expect(adapter.chat(req, call())).rejects.toBe(limited);
    await expect(adapter.chat(req, call())).rejects.toBe(limited);
    await expect(adapter.stream(req, call())).rejects.toBe(limited);
  });

  it('asks a function per call: it may return a step or a response, return nothing, throw, or wait', async () => {
    const seen: Array<[string, number]> = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const adapter = scriptedAdapter(async (request, c, n) => {
      seen.push([request.model, n]);
      if (n === 0) return chatResponse('first');
      if (n === 1) throw new ServerError('second fails', { status: 500 });
      if (n === 2) await gate;
      return undefined;
    });
    expect((await adapter.chat(req, call())).choices[0]?.message.content).toBe('first');
    await expect(adapter.chat(req, call())).rejects.toThrow(new ServerError('second fails', { status: 500 }));
    let done = false;
    const third = adapter.chat(req, call()).then((r) => ((done = true), r));
    await flush();
    expect(done).toBe(false);
    release();
    expect((await third).choices[0]?.message.content).toBe('Hello world');
    expect(seen).toEqual([['gpt-4.1', 0], ['gpt-4.1', 1], ['gpt-4.1', 2]]);
  });
});

describe('scriptedAdapter: streams that fail', () => {
  const cut = () => new ServerError('stream cut', { status: 500 });

  it('{ error, afterChunks } delivers exactly k content chunks, then throws the error; chat() throws it at once', async () => {
    const error = cut();
    const adapter = scriptedAdapter({ error, afterChunks: 1, text: 'One two three' });
    const r = await drain(await adapter.stream(req, call()));
    expect(r.text).toBe('One');
    expect(r.error).toBe(error);
    expect(r.chunks.some((c) => c.choices[0]?.finish_reason)).toBe(false);
    await expect(adapter.chat(req, call())).rejects.toBe(error);
  });

  it('afterChunks: 0 sends the role chunk only; past the end it throws after all content, before finish and usage', async () => {
    const zero = await drain(await scriptedAdapter({ error: cut(), afterChunks: 0 }).stream(req, call()));
    expect(zero.chunks).toEqual([chatChunk({ role: 'assistant', content: '' }, null, { model: 'gpt-4.1' })]);
    expect(zero.error).toBeInstanceOf(ServerError);
    const past = await drain(await scriptedAdapter({ error: cut(), afterChunks: 9 }).stream(req, call()));
    expect(past.text).toBe('Hello world');
    expect(past.chunks).toHaveLength(3);
    expect((past.error as Error).message).toBe('stream cut');
  });

  it('counts content chunks in explicit chunk lists too', async () => {
    const chunks = [chatChunk({ content: 'Par' }), chatChunk({ content: 'is' }), chatChunk({}, 'stop')];
    const r = await drain(await scriptedAdapter({ chunks, error: cut(), afterChunks: 2 }).stream(req, call()));
    expect(r.chunks).toEqual(chunks.slice(0, 2));
    expect((r.error as Error).message).toBe('stream cut');
  });

  it('stallAfter goes silent until the signal aborts, then rejects with its reason (or abortError)', async () => {
    const c = call();
    const it = (await scriptedAdapter({ stallAfter: 1 }).stream(req, c))[Symbol.asyncIterator]();
    await it.next();
    expect((await it.next()).value.choices[0].delta.content).toBe('Hello');
    const next = it.next();
    let settled = false;
    void next.then(() => (settled = true), () => (settled = true));
    await flush();
    expect(settled).toBe(false);
    const reason = new Error('gave up');
    c.controller.abort(reason);
    await expect(next).rejects.toBe(reason);

    const c2 = call();
    const s2 = await scriptedAdapter({ stallAfter: 0 }, { abortError: abortReason }).stream(req, c2);
    const pending = drain(s2);
    await flush();
    c2.controller.abort();
    const { error } = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toBe('The operation was aborted by the caller');
  });

  it('hold awaits until() before every chunk after k content chunks', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    const s = await scriptedAdapter({ text: 'first second', hold: { afterChunks: 1, until: () => gate } }).stream(req, call());
    const done = (async () => {
      for await (const c of s) seen.push(c.choices[0]?.delta.content ?? (c.usage ? 'usage' : 'finish'));
    })();
    await flush();
    expect(seen).toEqual(['', 'first']);
    release();
    await done;
    expect(seen).toEqual(['', 'first', ' second', 'finish', 'usage']);
  });

  it('counts streams closed: completed, failed and abandoned, not the ones never iterated', async () => {
    const adapter = scriptedAdapter([{}, { error: cut(), afterChunks: 1 }, {}, {}]);
    await drain(await adapter.stream(req, call()));
    await drain(await adapter.stream(req, call()));
    for await (const _ of await adapter.stream(req, call())) break;
    await adapter.stream(req, call());
    expect(adapter.closed).toBe(3);
  });
});

describe('scriptedAdapter: time', () => {
  it('delayMs, firstTokenDelayMs and chunkDelayMs wait on the given clock, exactly', async () => {
    const clock = fakeClock(0);
    const adapter = scriptedAdapter({ delayMs: 300, firstTokenDelayMs: 1_000, chunkDelayMs: 50, pieces: ['a', 'b', 'c'] }, { clock });
    const opened = adapter.stream(req, call());
    await clock.advanceAsync(299);
    expect(clock.pending()).toBe(1);
    await clock.advanceAsync(1);
    const arrivals: Array<[string, number]> = [];
    const done = (async () => {
      for await (const c of await opened) if (c.choices[0]?.delta.content) arrivals.push([c.choices[0].delta.content, clock.now()]);
    })();
    await clock.advanceAsync(2_000);
    await done;
    expect(arrivals).toEqual([['a', 1_300], ['b', 1_350], ['c', 1_400]]);
    expect(clock.delays).toEqual([300, 1_000, 50, 50]);
  });

  it('a hang or a delay rejects as soon as the signal aborts, and leaves no timer behind', async () => {
    const clock = fakeClock(0);
    const reason = new Error('timeout');
    const c1 = call();
    const hung = scriptedAdapter({ hang: true }, { clock }).chat(req, c1);
    c1.controller.abort(reason);
    await expect(hung).rejects.toBe(reason);
    const c2 = call();
    const slow = scriptedAdapter({ delayMs: 10_000 }, { clock }).chat(req, c2);
    await flush();
    expect(clock.pending()).toBe(1);
    c2.controller.abort(reason);
    await expect(slow).rejects.toBe(reason);
    expect(clock.pending()).toBe(0);
  });

  it('works as a pipeline target: an aborted stream surfaces as core’s AbortError', async () => {
    const adapter = scriptedAdapter({ stallAfter: 1 });
    const controller = new AbortController();
    const stream = createClient({ adapter }).stream(req, { signal: controller.signal });
    const pending = drain(stream);
    await flush();
    controller.abort();
    const { text, error } = await pending;
    expect(text).toBe('Hello');
    expect(error).toBeInstanceOf(AbortError);
    expect(adapter.calls[0]?.call.signal.aborted).toBe(true);
  });
});

describe('@lifeline/testing has no runtime dependency on @lifeline/core', () => {
  it('imports @lifeline/core only with `import type` outside tests', () => {
    const dir = new URL('.', import.meta.url).pathname;
    const offenders = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .filter((f) => /^\s*(import|export)\s+(?!type\b)[^;]*from\s+'@lifeline\/core'/m.test(readFileSync(join(dir, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
