import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortReason, sleep, throwIfAborted } from './abort.js';
import { type Clock, systemClock } from './clock.js';
import { AbortError, TimeoutError } from './errors.js';

/** The system clock, counting the timers it clears. */
function countingClock(): Clock & { cleared: number } {
  const clock = {
    cleared: 0,
    now: () => systemClock.now(),
    setTimeout: (fn: () => void, ms: number) => systemClock.setTimeout(fn, ms),
    clearTimeout(handle: unknown) {
      clock.cleared++;
      systemClock.clearTimeout(handle);
    },
  };
  return clock;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('abortReason()', () => {
  it('returns a LifelineError reason as is', () => {
    const reason = new TimeoutError('late', { kind: 'overall' });
    expect(abortReason({ reason })).toBe(reason);
  });

  it('wraps any other reason in an AbortError blaming the provider, with the reason as cause', () => {
    const reason = new DOMException('stop', 'AbortError');
    const error = abortReason({ reason }, 'openai');
    expect(error).toBeInstanceOf(AbortError);
    expect(error.message).toBe('The operation was aborted by the caller');
    expect(error.provider).toBe('openai');
    expect(error.cause).toBe(reason);
  });
});

describe('throwIfAborted()', () => {
  it('does nothing without a signal or before the abort', () => {
    expect(() => throwIfAborted(undefined)).not.toThrow();
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
  });

  it('throws the abort reason, blaming the provider', () => {
    const controller = new AbortController();
    controller.abort('stop');
    let error: unknown;
    try {
      throwIfAborted(controller.signal, 'anthropic');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).provider).toBe('anthropic');
    expect((error as AbortError).cause).toBe('stop');
  });
});

describe('sleep()', () => {
  it('resolves after ms, not before, and a negative ms at once', async () => {
    vi.useFakeTimers();
    let done = false;
    const slept = sleep(1_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await slept;
    expect(done).toBe(true);
    const negative = sleep(-5);
    await vi.advanceTimersByTimeAsync(0);
    await expect(negative).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once for a signal that is already aborted', async () => {
    const reason = new TimeoutError('late', { kind: 'overall' });
    await expect(sleep(1_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('rejects with the abort reason as soon as the signal aborts, and clears its timer', async () => {
    vi.useFakeTimers();
    const clock = countingClock();
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal, clock).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort('stop');
    const error = await slept;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe('stop');
    expect(clock.cleared).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('uses the given clock and leaves no abort listener behind once it resolves', async () => {
    vi.useFakeTimers();
    const clock = countingClock();
    const controller = new AbortController();
    await Promise.all([sleep(100, controller.signal, clock), vi.advanceTimersByTimeAsync(100)]);
    controller.abort();
    expect(clock.cleared).toBe(0);
  });
});
