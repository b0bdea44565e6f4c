import { afterEach, describe, expect, it, vi } from 'vitest';
import { settlesAfter, turnsUntil, watch } from '../../../test-support/turns.js';
import { startMockProvider } from './server.js';
import { chat, jsonOf } from './test-utils.js';
import type { Flavor, MockProvider } from './types.js';

let mock: MockProvider;
afterEach(async () => {
  vi.useRealTimers();
  await mock?.close();
});

const FLAVORS: Flavor[] = ['openai', 'anthropic', 'gemini'];

describe('transport steps', () => {
  it('delayMs and latencyMs delay the headers', async () => {
    // Only the timers are fake: the sockets are real, and the mock's delays move when told to.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    mock = await startMockProvider({ latencyMs: 30, script: [{ delayMs: 60 }, 'ok'] });
    /** Sends a chat; checks that its headers come `ms` after it arrived, not a millisecond before. */
    const answeredAfter = async (ms: number) => {
      const arrived = mock.requests.length + 1;
      const res = watch(chat(mock));
      await turnsUntil(() => mock.requests.length === arrived, 'the request');
      return (await settlesAfter(res, ms, 'the response head')).status;
    };
    expect(await answeredAfter(90)).toBe(200); // latencyMs + delayMs
    expect(await answeredAfter(30)).toBe(200); // latencyMs alone: delayMs was the first step's
  });

  it('hang never answers until the client gives up (and is still recorded)', async () => {
    mock = await startMockProvider({ script: [{ hang: true }] });
    const ac = new AbortController();
    const pending = fetch(`${mock.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
      signal: ac.signal,
    });
    // Recorded once it arrived (under load that can take a while), then still unanswered.
    await vi.waitFor(() => expect(mock.requests).toHaveLength(1), { timeout: 5_000, interval: 10 });
    const raced = await Promise.race([pending.then(() => 'answered'), new Promise((r) => setTimeout(() => r('hung'), 100))]);
    expect(raced).toBe('hung');
    ac.abort();
    await expect(pending).rejects.toThrow();
  });

  it('reset drops the TCP connection before any header (ECONNRESET)', async () => {
    mock = await startMockProvider({ script: [{ reset: true }, 'ok'] });
    const err = await chat(mock).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect(((err as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect((await chat(mock)).status).toBe(200);
  });

  for (const flavor of FLAVORS) {
    it(`${flavor}: malformedJson sends a 200 with an unparsable JSON body`, async () => {
      mock = await startMockProvider({ flavor, script: [{ malformedJson: true }] });
      const res = await chat(mock);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      await expect(jsonOf(res)).rejects.toThrow(SyntaxError);
    });
  }

  it('errorBody200: OpenRouter-style error in an HTTP 200 (openai flavour)', async () => {
    mock = await startMockProvider({ script: [{ errorBody200: true }, { errorBody200: { code: 429, message: 'Rate limited upstream' } }] });
    const r1 = await chat(mock);
    expect(r1.status).toBe(200);
    expect((await jsonOf(r1)).error).toMatchObject({ code: 502, message: 'Provider returned error' });
    expect((await jsonOf(chat(mock))).error).toMatchObject({ code: 429, message: 'Rate limited upstream' });
  });

  it('errorBody200: vendor envelopes for anthropic and gemini', async () => {
    mock = await startMockProvider({ flavor: 'anthropic', script: [{ errorBody200: true }] });
    const a = await chat(mock);
    expect(a.status).toBe(200);
    expect(await jsonOf(a)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    await mock.close();
    mock = await startMockProvider({ flavor: 'gemini', script: [{ errorBody200: { code: 503 } }] });
    const g = await chat(mock);
    expect(g.status).toBe(200);
    expect((await jsonOf(g)).error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
  });

  it('leadingBlankLines sends blank lines before the JSON (DeepSeek under load)', async () => {
    mock = await startMockProvider({ script: [{ leadingBlankLines: 3 }] });
    const text = await (await chat(mock)).text();
    expect(text.startsWith('\n\n\n{')).toBe(true);
    expect(JSON.parse(text.trim()).object).toBe('chat.completion');
  });
});
