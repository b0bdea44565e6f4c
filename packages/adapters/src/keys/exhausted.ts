/**
 * The error a key pool raises when no key can take the attempt: every key is cooling down or
 * quarantined.
 * @module
 */
import { AuthenticationError, LifelineError, RateLimitError } from '@lifeline/core';
import type { KeyRecord } from './store.js';

/** What {@link poolExhausted} needs to know. */
export interface ExhaustedInput {
  provider: string;
  label: string;
  /** Keys in the pool. */
  size: number;
  /** The record of each key set aside (keys without one were claimed for a re-check elsewhere). */
  records: ReadonlyMap<string, KeyRecord>;
  now: number;
  /** The last error a key got in this call, if one was sent. */
  last: unknown;
}

/**
 * When at least one key is cooling down: a retryable `RateLimitError` (429) whose `retryAfterMs`
 * is the shortest wait until a key is back. When every key is quarantined: a non-retryable
 * `RateLimitError` if they all ran out of quota, else an `AuthenticationError` (the last key's
 * status, 401 by default). Either way failover moves on; `cause` is the last upstream error of the call.
 *
 * @returns the error to throw
 * @example
 * ```ts
 * // openai primary: all 3 API keys are set aside (3 cooling down after 429); the first is back in 10000 ms
 * ```
 */
export function poolExhausted(input: ExhaustedInput): LifelineError {
  const { provider, label, size, records, now, last } = input;
  const all = [...records.values()];
  const cooling = all.filter((r) => r.state === 'cooling' && r.until > now);
  const quarantined = all.filter((r) => r.state === 'quarantined');
  const upstream = last instanceof LifelineError ? last : undefined;
  const parts = [cooling.length > 0 && `${cooling.length} cooling down after 429`, quarantined.length > 0 && `${quarantined.length} quarantined`].filter(Boolean);
  const what = `all ${size} API keys are set aside (${parts.join(', ') || 'being re-checked'})`;
  const common = { provider, requestId: upstream?.requestId, cause: last };
  if (cooling.length > 0 || quarantined.length === 0) {
    // (No record at all: the keys' cool-downs ended while this call went through them.)
    const retryAfterMs = cooling.length === 0 ? 0 : Math.max(0, Math.min(...cooling.map((r) => r.until)) - now);
    return new RateLimitError(`${label}: ${what}; the first is back in ${retryAfterMs} ms`, { ...common, status: 429, retryable: true, retryAfterMs });
  }
  const recheck = quarantined.length > 0 ? Math.max(0, Math.min(...quarantined.map((r) => r.until)) - now) : undefined;
  const when = recheck === undefined ? '' : `; the next re-check is in ${recheck} ms`;
  if (quarantined.length > 0 && quarantined.every((r) => r.reason === 'quota')) {
    return new RateLimitError(`${label}: ${what}, out of quota${when}`, { ...common, status: upstream?.status ?? 429, retryable: false, providerCode: upstream?.providerCode });
  }
  return new AuthenticationError(`${label}: ${what}, refused by the provider (401/403)${when}`, { ...common, status: upstream?.status ?? 401, providerCode: upstream?.providerCode });
}
