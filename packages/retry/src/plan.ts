/**
 * The decision retry takes after a failed attempt: wait how long (and why), or give up (and why).
 * Pure, so every rule is tested without a pipeline.
 * @module
 */
import { LifelineError } from '@lifeline/core';
import type { DelaySource, GiveUpReason } from './events.js';
import type { ResolvedRetryOptions } from './options.js';

/** Wait `delayMs`, then try again. */
export interface RetryDecision {
  retry: true;
  delayMs: number;
  source: DelaySource;
}

/** Stop and rethrow the error. */
export interface GiveUpDecision {
  retry: false;
  reason: GiveUpReason;
}

/** What to do after a retryable failure. */
export type Decision = RetryDecision | GiveUpDecision;

/** The server's hint carried by `error` (already normalised by the adapters), if a usable one. */
export function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof LifelineError)) return undefined;
  const ms = error.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/**
 * Decides what follows failed attempt number `attempt` (1-based), given that the error is
 * retryable. Rules, in order:
 * 1. `attempt >= maxAttempts` → give up (`max-attempts`).
 * 2. The error's own Retry-After (read per attempt) sets the delay, without jitter; longer than
 *    `maxRetryAfterMs` → give up (`retry-after-too-long`).
 * 3. Otherwise the backoff draws the delay for retry number `attempt`.
 * 4. With a deadline, `delay + minAttemptMs` must fit in the time left. A Retry-After that does
 *    not fit → give up (`deadline`); a backoff delay is shortened to fit, or give up when even a
 *    zero delay does not.
 *
 * @param options - resolved options
 * @param error - the failed attempt's error
 * @param attempt - the failed attempt, 1-based
 * @param remainingMs - time left before the deadline, or `undefined` without one
 */
export function decide(options: ResolvedRetryOptions, error: unknown, attempt: number, remainingMs: number | undefined): Decision {
  if (attempt >= options.maxAttempts) return { retry: false, reason: 'max-attempts' };
  const hint = retryAfterOf(error);
  if (hint !== undefined) {
    if (hint > options.maxRetryAfterMs) return { retry: false, reason: 'retry-after-too-long' };
    if (remainingMs !== undefined && hint + options.minAttemptMs > remainingMs) return { retry: false, reason: 'deadline' };
    return { retry: true, delayMs: hint, source: 'retry-after' };
  }
  let delayMs = Math.max(0, options.backoff.delayMs(attempt, options.random));
  if (remainingMs !== undefined) {
    const room = remainingMs - options.minAttemptMs;
    if (room < 0) return { retry: false, reason: 'deadline' };
    delayMs = Math.min(delayMs, room);
  }
  return { retry: true, delayMs, source: 'backoff' };
}
