/**
 * Why and for how long a key of a pool is set aside after its attempt failed.
 * @module
 */
import { AuthenticationError, RateLimitError, type LifelineError } from '@lifeline/core';
import type { ResolvedKeyPoolOptions } from './options.js';
import type { KeyReason } from './store.js';

/**
 * Why an attempt's error sets its key aside: a 429 cools it down (`rate_limit`); a 401/403
 * (`auth`) or an exhausted quota (`quota`: a non-retryable `RateLimitError`) quarantines it;
 * anything else is not the key's doing (`undefined`).
 */
export function setAsideFor(error: unknown): KeyReason | undefined {
  if (error instanceof RateLimitError) return error.retryable ? 'rate_limit' : 'quota';
  if (error instanceof AuthenticationError) return 'auth';
  return undefined;
}

/**
 * How long a key stays aside, in ms: a cool-down is the error's `retryAfterMs`, else
 * `coolDownMs` doubled per earlier 429 in a row (`strikes`), capped by `maxCoolDownMs` (at least
 * 1 ms); a quarantine is `quarantineMs`.
 */
export function setAsideMs(reason: KeyReason, error: LifelineError, strikes: number, o: ResolvedKeyPoolOptions): number {
  if (reason !== 'rate_limit') return o.quarantineMs;
  const backoff = Math.min(o.maxCoolDownMs, o.coolDownMs * 2 ** Math.min(strikes, 30));
  return Math.max(1, Math.min(error.retryAfterMs ?? backoff, o.maxCoolDownMs));
}
