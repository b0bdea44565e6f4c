/** @module */
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { AbortError, LifelineError } from './errors.js';

/**
 * The error to throw for an aborted signal: its `reason` when that is a {@link LifelineError}
 * (a timeout aborts with a `TimeoutError`), else an {@link AbortError}.
 *
 * @param signal - the aborted signal (or anything with its `reason`, such as a `Context`)
 * @param provider - the target to blame, when known
 */
export function abortReason(signal: { readonly reason?: unknown }, provider?: string): LifelineError {
  const reason: unknown = signal.reason;
  if (reason instanceof LifelineError) return reason;
  return new AbortError('The operation was aborted by the caller', { provider, cause: reason });
}

/** Throws {@link abortReason} when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, provider?: string): void {
  if (signal?.aborted) throw abortReason(signal, provider);
}

/**
 * Waits `ms` milliseconds; rejects with {@link abortReason} as soon as `signal` aborts, and
 * clears its timer either way.
 *
 * @param ms - how long to wait
 * @param signal - aborts the wait
 * @param clock - timer source (default: the system clock)
 */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(abortReason(signal!));
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles like `work`, or rejects with {@link abortReason} as soon as `signal` aborts — so a
 * deadline holds even against code that ignores its signal. A late rejection of `work` is
 * swallowed.
 *
 * With `graceMs`, an abort whose reason is not the caller's own ({@link AbortError}) gives `work`
 * that long to settle first: a pipeline can still answer from a fallback (a stale cache entry, a
 * degraded answer) when the overall deadline fires.
 *
 * @param work - the promise to bound
 * @param signal - the signal that ends the wait
 * @param graceMs - time `work` keeps after a non-caller abort
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal, graceMs = 0): Promise<T> {
  if (signal.aborted && graceMs <= 0) {
    work.catch(() => {});
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const giveUp = () => {
      work.catch(() => {});
      reject(abortReason(signal));
    };
    const onAbort = () => {
      if (graceMs > 0 && !(abortReason(signal) instanceof AbortError)) {
        timer = setTimeout(giveUp, graceMs);
        timer.unref?.();
      } else giveUp();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        if (timer !== undefined) clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (timer !== undefined) clearTimeout(timer);
        reject(e);
      },
    );
  });
}
