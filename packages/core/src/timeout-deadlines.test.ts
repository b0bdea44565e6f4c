import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeAdapter, textChunks } from '../test/fake-adapter.js';
import { createClient } from './client.js';
import { TimeoutError } from './errors.js';
import { timeout } from './timeout.js';

const req = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** Reads the stream to its end; resolves with the text, or with the error that ended it. */
function drain(s: AsyncIterable<{ choices: Array<{ delta: { content?: string | null } }> }>): Promise<string | unknown> {
  return (async () => {
    let t = '';
    for await (const c of s) t += c.choices[0]?.delta.content ?? '';
    return t;
  })().catch((e: unknown) => e);
}

describe('timeout(): which of a stream’s limits fires', () => {
  it('fires the total limit on time after the timer woke early for a first token that had come', async () => {
    const adapter = fakeAdapter({ name: 'p', chunks: textChunks(['a']), stallAfter: 2 });
    const s = createClient({ adapter, use: [timeout({ ms: 1_000, firstTokenMs: 300 })] }).stream(req);
    const done = drain(s);
    await vi.advanceTimersByTimeAsync(999);
    expect(adapter.calls[0]?.call.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const err = (await done) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.kind).toBe('total');
    expect(err.message).toBe('Timeout: attempt to p did not finish within 1000 ms (timeout({ ms }))');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires the first-token limit before a later total one', async () => {
    const adapter = fakeAdapter({ name: 'p', stallAfter: 1 });
    const s = createClient({ adapter, use: [timeout({ ms: 1_000, firstTokenMs: 300, idleMs: 5_000 })] }).stream(req);
    const done = drain(s);
    await vi.advanceTimersByTimeAsync(299);
    expect(adapter.calls[0]?.call.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const err = (await done) as TimeoutError;
    expect(err.kind).toBe('firstToken');
    expect(err.timeoutMs).toBe(300);
    expect(err.message).toBe('Timeout: no first token from p within 300 ms (timeout({ firstTokenMs }))');
    expect(adapter.calls[0]?.call.signal.aborted).toBe(true);
    expect(adapter.closed).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires the idle limit when it comes before the total and first-token ones, counted from the last chunk', async () => {
    const adapter = fakeAdapter({ name: 'p', chunkDelayMs: 100, chunks: textChunks(['a', 'b']), stallAfter: 3 });
    const s = createClient({ adapter, use: [timeout({ ms: 10_000, firstTokenMs: 5_000, idleMs: 500 })] }).stream(req);
    const done = drain(s);
    // Chunks at 100, 200, 300 ms; silence from then on.
    await vi.advanceTimersByTimeAsync(799);
    expect(adapter.calls[0]?.call.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const err = (await done) as TimeoutError;
    expect(err.kind).toBe('idle');
    expect(err.message).toBe('Timeout: stream from p went silent for 500 ms (timeout({ idleMs }))');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('on a tie, names the total limit before the first-token one, and the first-token one before idle', async () => {
    const hung = fakeAdapter({ name: 'p', stallAfter: 0 });
    const a = drain(createClient({ adapter: hung, use: [timeout({ ms: 400, firstTokenMs: 400 })] }).stream(req));
    await vi.advanceTimersByTimeAsync(400);
    expect(((await a) as TimeoutError).kind).toBe('total');
    // The stream opens at once: idle counts from the opening, first token from the start — both due at 400.
    const b = drain(createClient({ adapter: fakeAdapter({ name: 'p', stallAfter: 0 }), use: [timeout({ firstTokenMs: 400, idleMs: 400 })] }).stream(req));
    await vi.advanceTimersByTimeAsync(400);
    expect(((await b) as TimeoutError).kind).toBe('firstToken');
    expect(vi.getTimerCount()).toBe(0);
  });
});
