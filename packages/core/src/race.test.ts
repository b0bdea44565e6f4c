import { afterEach, describe, expect, it, vi } from 'vitest';
import { Context } from './context.js';
import { AbortError, TimeoutError } from './errors.js';
import { raceContext } from './race.js';

const make = () => new Context({ request: { model: 'm', messages: [{ role: 'user', content: 'x' }] } });
const deadline = () => new TimeoutError('Request timed out after 5 ms (timeoutMs)', { kind: 'overall' });

/** A promise settled from outside. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('raceContext()', () => {
  it('settles like the work when the context is not aborted', async () => {
    await expect(raceContext(Promise.resolve(7), make())).resolves.toBe(7);
    const failure = new Error('boom');
    await expect(raceContext(Promise.reject(failure), make())).rejects.toBe(failure);
  });

  it('rejects with the abort reason at once, even if the work never settles', async () => {
    const ctx = make();
    const raced = raceContext(new Promise(() => {}), ctx);
    const reason = deadline();
    ctx.abort(reason);
    await expect(raced).rejects.toBe(reason);
  });

  it('rejects at once for a context that is already aborted', async () => {
    const ctx = make();
    ctx.abort();
    await expect(raceContext(new Promise(() => {}), ctx, 1_000)).rejects.toBeInstanceOf(AbortError);
  });

  it('with graceMs, gives the work that long after a deadline, then rejects with the deadline', async () => {
    vi.useFakeTimers();
    const ctx = make();
    const work = deferred<string>();
    let outcome: unknown;
    raceContext(work.promise, ctx, 100).then(
      (v) => (outcome = v),
      (e: unknown) => (outcome = e),
    );
    const reason = deadline();
    ctx.abort(reason);
    await vi.advanceTimersByTimeAsync(99);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toBe(reason);
    work.reject(new Error('late')); // swallowed: no unhandled rejection
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome).toBe(reason);
  });

  it('with graceMs, answers with work that settles within the grace, and clears the grace timer', async () => {
    vi.useFakeTimers();
    const ctx = make();
    const work = deferred<string>();
    const raced = raceContext(work.promise, ctx, 100);
    ctx.abort(deadline());
    await vi.advanceTimersByTimeAsync(50);
    expect(vi.getTimerCount()).toBe(1);
    work.resolve('fallback');
    await expect(raced).resolves.toBe('fallback');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with graceMs, a failure within the grace is the answer, and the grace timer is cleared', async () => {
    vi.useFakeTimers();
    const ctx = make();
    const work = deferred<string>();
    const raced = raceContext(work.promise, ctx, 100).catch((e: unknown) => e);
    ctx.abort(deadline());
    const failure = new Error('upstream');
    work.reject(failure);
    expect(await raced).toBe(failure);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives no grace for the caller's own abort", async () => {
    const ctx = make();
    const raced = raceContext(new Promise(() => {}), ctx, 60_000);
    ctx.abort(new AbortError('The operation was aborted'));
    await expect(raced).rejects.toThrow(new AbortError('The operation was aborted'));
  });

  it('stops watching the context once the work settled', async () => {
    vi.useFakeTimers();
    for (const fail of [false, true]) {
      const ctx = make();
      const raced = raceContext(fail ? Promise.reject(new Error('x')) : Promise.resolve(1), ctx, 100).catch(() => undefined);
      await raced;
      ctx.abort(deadline());
      expect(vi.getTimerCount()).toBe(0);
    }
  });
});
