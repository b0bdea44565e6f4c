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
