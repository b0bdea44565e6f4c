import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeAdapter, textChunks } from '../test/fake-adapter.js';
import { createClient } from './client.js';
import { ConfigurationError, TimeoutError } from './errors.js';
import type { Middleware } from './middleware.js';
import { timeout } from './timeout.js';
import type { ChatChunk } from './types.js';

const req = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('timeout()', () => {
  it('validates its options', () => {
    expect(() => timeout({})).toThrow(new ConfigurationError('timeout: give at least one of ms, firstTokenMs, idleMs'));
    expect(() => timeout({ ms: 0 })).toThrow(new ConfigurationError('timeout: ms must be a positive number of milliseconds, got 0'));
    expect(() => timeout({ idleMs: Number.NaN })).toThrow('timeout: idleMs must be a positive number of milliseconds, got NaN');
  });

  it('fails an attempt that exceeds ms with TimeoutError(kind total) naming the provider', async () => {
    const adapter = fakeAdapter({ name: 'slow', onCall: () => new Promise(() => {}) });
    const p = createClient({ adapter, use: [timeout({ ms: 1_000 })] }).chat(req).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(999);
    expect(adapter.calls[0]?.call.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const err = (await p) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.kind).toBe('total');
    expect(err.timeoutMs).toBe(1_000);
    expect(err.message).toBe('Timeout: attempt to slow did not finish within 1000 ms (timeout({ ms }))');
    expect(adapter.calls[0]?.call.signal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sets the per-attempt deadline seen by the adapter', async () => {
    vi.setSystemTime(5_000);
    const adapter = fakeAdapter();
    await createClient({ adapter, use: [timeout({ ms: 250 })] }).chat(req);
    expect(adapter.calls[0]?.call.deadline).toBe(5_250);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires even when the adapter ignores its abort signal', async () => {
    const adapter = fakeAdapter({ ignoreAbort: true, onCall: () => new Promise(() => {}) });
    const p = createClient({ adapter, use: [timeout({ ms: 100 })] }).chat(req).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await p).toBeInstanceOf(TimeoutError);
  });

  it('firstTokenMs fails a stream whose first content chunk is late', async () => {
    const adapter = fakeAdapter({ name: 'p', chunkDelayMs: 300 });
    const s = createClient({ adapter, use: [timeout({ firstTokenMs: 500 })] }).stream(req);
    const done = (async () => { for await (const _ of s); })().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    const err = (await done) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.kind).toBe('firstToken');
    expect(err.message).toBe('Timeout: no first token from p within 500 ms (timeout({ firstTokenMs }))');
    await expect(s.result).rejects.toBe(err);
    // The limit reached the upstream: its request aborted, its stream closed, its chunk timer cleared.
    expect(adapter.calls[0]?.call.signal.aborted).toBe(true);
    expect(adapter.closed).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('firstTokenMs does not fire once content arrived', async () => {
    const adapter = fakeAdapter({ chunkDelayMs: 100, chunks: textChunks(['a', 'b', 'c', 'd', 'e', 'f']) });
    const s = createClient({ adapter, use: [timeout({ firstTokenMs: 250 })] }).stream(req);
    const done = (async () => { let t = ''; for await (const c of s) t += c.choices[0]?.delta.content ?? ''; return t; })();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await done).toBe('abcdef');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('idleMs fails a stream that goes silent after content', async () => {
    const adapter = fakeAdapter({ name: 'p', stallAfter: 3 });
    const s = createClient({ adapter, use: [timeout({ idleMs: 2_000 })] }).stream(req);
    const got: string[] = [];
    const done = (async () => { for await (const c of s) got.push(c.choices[0]?.delta.content ?? ''); })().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(got).toEqual(['', 'Hello', ' world']);
    await vi.advanceTimersByTimeAsync(1);
    const err = (await done) as TimeoutError;
    expect(err.kind).toBe('idle');
    expect(err.message).toBe('Timeout: stream from p went silent for 2000 ms (timeout({ idleMs }))');
    expect(adapter.calls[0]?.call.signal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('idleMs fails a stream that stalls after chunks spaced in time, even when the adapter ignores its abort signal', async () => {
    const adapter = fakeAdapter({ name: 'p', chunkDelayMs: 100, chunks: textChunks(['a', 'b', 'c', 'd']), stallAfter: 4, ignoreAbort: true });
    const s = createClient({ adapter, use: [timeout({ idleMs: 2_000 })] }).stream(req);
    const got: string[] = [];
    const done = (async () => { for await (const c of s) got.push(c.choices[0]?.delta.content ?? ''); })().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(400);
    expect(got).toEqual(['', 'a', 'b', 'c']);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(got).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1);
    const err = (await done) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe('Timeout: stream from p went silent for 2000 ms (timeout({ idleMs }))');
    await expect(s.result).rejects.toBe(err);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('idleMs counts from the last chunk: chunks closer than the limit keep a stream alive, the silence after the last one fails it on time', async () => {
    // Chunks 1,500 ms apart under a 2,000 ms idle limit: 6 chunks take 9 s, far past one idle period.
    const adapter = fakeAdapter({ name: 'p', chunkDelayMs: 1_500, chunks: textChunks(['a', 'b', 'c', 'd', 'e']), stallAfter: 6 });
    const s = createClient({ adapter, use: [timeout({ idleMs: 2_000 })] }).stream(req);
    const got: string[] = [];
    const done = (async () => { for await (const c of s) got.push(c.choices[0]?.delta.content ?? ''); })().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(got).toEqual(['', 'a', 'b', 'c', 'd', 'e']);
    // The last chunk came at 9,000 ms: the stream fails at 11,000 ms, not a millisecond before.
    await vi.advanceTimersByTimeAsync(1_999);
    expect(got).toHaveLength(6);
    await vi.advanceTimersByTimeAsync(1);
    const err = (await done) as TimeoutError;
    expect(err.kind).toBe('idle');
    expect(err.message).toBe('Timeout: stream from p went silent for 2000 ms (timeout({ idleMs }))');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ms bounds a stream end to end, not just its opening', async () => {
    const adapter = fakeAdapter({ chunkDelayMs: 400, chunks: textChunks(['a', 'b', 'c', 'd']) });
    const s = createClient({ adapter, use: [timeout({ ms: 1_000 })] }).stream(req);
    const done = (async () => { for await (const _ of s); })().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(((await done) as TimeoutError).kind).toBe('total');
    expect(adapter.calls[0]?.call.signal.aborted).toBe(true);
    expect(adapter.closed).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('each retry attempt gets a fresh limit', async () => {
    let n = 0;
    const adapter = fakeAdapter({ onCall: () => (n++ === 0 ? new Promise(() => {}) : undefined) });
    const retryOnce = async (_ctx: unknown, next: () => Promise<void>) => {
      await next().catch(() => next());
    };
    const p = createClient({ adapter, use: [retryOnce, timeout({ ms: 100 })] }).chat(req);
    await vi.advanceTimersByTimeAsync(100);
    const { meta } = await p;
    expect(meta.attempts).toBe(2);
    expect(meta.attemptLog[0]).toMatchObject({ outcome: 'error', errorCode: 'timeout' });
  });
});

describe('timeout(): limits and timers', () => {
  const hang: Middleware = () => new Promise(() => {});

  it('names the option of a limit that is not a number', () => {
    expect(() => timeout({ firstTokenMs: '5' as unknown as number })).toThrow(new ConfigurationError('timeout: firstTokenMs must be a positive number of milliseconds, got 5'));
    expect(() => timeout({ ms: Number.POSITIVE_INFINITY })).toThrow(new ConfigurationError('timeout: ms must be a positive number of milliseconds, got Infinity'));
  });

  it('says nothing of a provider when no target is set', async () => {
    const p = createClient({ use: [timeout({ ms: 100 }), hang] }).chat(req).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(((await p) as Error).message).toBe('Timeout: attempt did not finish within 100 ms (timeout({ ms }))');
    const s = createClient({ use: [timeout({ firstTokenMs: 100 }), hang] }).stream(req);
    await vi.advanceTimersByTimeAsync(100);
    await expect(s.result).rejects.toThrow('Timeout: no first token within 100 ms (timeout({ firstTokenMs }))');
  });

  it('keeps the earlier of the call deadline and its own, and sets none without ms', async () => {
    vi.setSystemTime(5_000);
    const adapter = fakeAdapter();
    await createClient({ adapter, use: [timeout({ ms: 1_000 })] }).chat(req, { timeoutMs: 200 });
    expect(adapter.calls[0]?.call.deadline).toBe(5_200);
    await createClient({ adapter, use: [timeout({ idleMs: 100 })] }).chat(req);
    expect(adapter.calls[1]?.call.deadline).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('applies firstTokenMs and idleMs to streams only', async () => {
    const adapter = fakeAdapter({ onCall: () => new Promise((resolve) => setTimeout(resolve, 300)) });
    const p = createClient({ adapter, use: [timeout({ firstTokenMs: 100, idleMs: 100 })] }).chat(req);
    await vi.advanceTimersByTimeAsync(300);
    expect((await p).response.choices[0]?.message.content).toBe('Hello world');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('idleMs restarts on every chunk: a steady stream is never cut', async () => {
    const adapter = fakeAdapter({ chunkDelayMs: 100, chunks: textChunks(['a', 'b', 'c', 'd', 'e', 'f']) });
    const s = createClient({ adapter, use: [timeout({ idleMs: 250 })] }).stream(req);
    const done = (async () => {
      let t = '';
      for await (const c of s) t += c.choices[0]?.delta.content ?? '';
      return t;
    })();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await done).toBe('abcdef');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('idleMs also bounds the wait for the first chunk', async () => {
    const adapter = fakeAdapter({ stallAfter: 0 });
    const s = createClient({ adapter, use: [timeout({ idleMs: 500 })] }).stream(req);
    const done = (async () => {
      for await (const _ of s);
    })().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(((await done) as TimeoutError).kind).toBe('idle');
    expect(adapter.calls[0]?.call.signal.aborted).toBe(true);
    expect(adapter.closed).toBe(1);
  });

  it('clears its timers when an attempt fails, and when a stream ends', async () => {
    const failing = fakeAdapter({ onCall: () => Promise.reject(new Error('down')) });
    await expect(createClient({ adapter: failing, use: [timeout({ ms: 10_000 })] }).chat(req)).rejects.toThrow('down');
    expect(vi.getTimerCount()).toBe(0);
    const s = createClient({ adapter: fakeAdapter(), use: [timeout({ ms: 10_000, idleMs: 5_000 })] }).stream(req);
    for await (const _ of s);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes on a JSON answer given to a stream call', async () => {
    const answer: Middleware = async (ctx) => {
      ctx.response = { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'cached' }, finish_reason: 'stop' }] };
    };
    const s = createClient({ use: [timeout({ ms: 1_000, idleMs: 100 }), answer] }).stream(req);
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('cached');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('closes the upstream stream when the consumer stops early, even one without return()', async () => {
    const adapter = fakeAdapter({ chunks: textChunks(['a', 'b', 'c']) });
    const s = createClient({ adapter, use: [timeout({ ms: 1_000 })] }).stream(req);
    for await (const _ of s) break;
    expect(adapter.closed).toBe(1);
    const bare = {
      ...fakeAdapter(),
      stream: async () => {
        const chunks = textChunks(['a', 'b']);
        let i = 0;
        return { [Symbol.asyncIterator]: () => ({ next: async () => (i < chunks.length ? { value: chunks[i++]!, done: false } : { value: undefined, done: true }) }) } as AsyncIterable<ChatChunk>;
      },
    };
    const t = createClient({ adapter: bare, use: [timeout({ ms: 1_000 })] }).stream(req);
    for await (const _ of t) break;
    await expect(t.result).rejects.toThrow('The stream was stopped before it ended');
    expect(vi.getTimerCount()).toBe(0);
  });
});
