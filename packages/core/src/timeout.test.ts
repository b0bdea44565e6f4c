import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeAdapter, textChunks } from '../test/fake-adapter.js';
import { createClient } from './client.js';
import { ConfigurationError, TimeoutError } from './errors.js';
import { timeout } from './timeout.js';

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
