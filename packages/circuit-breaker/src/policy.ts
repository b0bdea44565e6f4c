/**
 * `BreakerPolicy`: decides, from the outcomes seen while closed, when the breaker opens. Tiny and
 * pure so its counters live in any {@link BreakerStore}. {@link consecutiveFailures} is here,
 * {@link failureRate} in its own file.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';

/** What the policy counts right now (for snapshots). */
export interface PolicyCounts {
  failures: number;
  successes: number;
}

/**
 * A breaker policy over a serialisable (JSON) state `S`. Methods are pure: they return a new
 * state, never mutate the given one, and return the given state itself when nothing changed (the
 * breaker then skips a store write).
 *
 * @example
 * ```ts
 * // Opens after 3 failures in a row, ignoring successes in between.
 * const strict: BreakerPolicy<number> = {
 *   name: 'three-strikes',
 *   initial: () => 0,
 *   success: (n) => n,
 *   failure: (n) => ({ state: n + 1, trip: n + 1 >= 3 }),
 *   counts: (n) => ({ failures: n, successes: 0 }),
 * };
 * circuitBreaker({ policy: strict });
 * ```
 */
export interface BreakerPolicy<S = unknown> {
  /** Name, used as the reason when it trips. */
  readonly name: string;
  /**
   * True when the methods ignore `now`: the breaker then reads no clock on the success path of a
   * closed breaker (a clock read is the largest cost of that path).
   * @defaultValue false
   */
  readonly timeless?: boolean;
  /** Counters of a freshly closed breaker. */
  initial(now: number): S;
  /** Records a success. */
  success(state: S, now: number): S;
  /** Records a failure; `trip: true` opens the breaker. */
  failure(state: S, now: number): { state: S; trip: boolean };
  /** Current counts. */
  counts(state: S, now: number): PolicyCounts;
}

/** Options of {@link consecutiveFailures}. */
export interface ConsecutiveFailuresOptions {
  /** Failures in a row that open the breaker. @defaultValue 5 */
  failureThreshold?: number;
}

/** @internal Throws a {@link ConfigurationError} unless `value` is a number in range. */
export function check(owner: string, field: string, value: unknown, min: number, options: { integer?: boolean; max?: number; exclusiveMin?: boolean } = {}): void {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (options.exclusiveMin ? value > min : value >= min) &&
    (options.max === undefined || value <= options.max) &&
    (!options.integer || Number.isInteger(value));
  if (ok) return;
  let what: string;
  if (options.integer) what = min >= 1 ? 'a positive integer' : 'a non-negative integer';
  else if (options.max !== undefined) what = `a number in ${options.exclusiveMin ? '(' : '['}${min}, ${options.max}]`;
  else what = min > 0 || options.exclusiveMin ? 'a positive number' : 'a non-negative number';
  throw new ConfigurationError(`${owner}: ${field} must be ${what}, got ${String(value)}`);
}

/**
 * Opens after `failureThreshold` failures in a row; any success resets the count
 * (cockatiel's `ConsecutiveBreaker`). The default policy.
 *
 * @param options - see {@link ConsecutiveFailuresOptions}
 * @throws {@link ConfigurationError} when `failureThreshold` is not a positive integer
 * @example
 * ```ts
 * circuitBreaker({ policy: consecutiveFailures({ failureThreshold: 3 }) }); // = circuitBreaker({ failureThreshold: 3 })
 * ```
 */
export function consecutiveFailures(options: ConsecutiveFailuresOptions = {}): BreakerPolicy<{ failures: number }> {
  const threshold = options.failureThreshold ?? 5;
  check('consecutiveFailures', 'failureThreshold', threshold, 1, { integer: true });
  const zero = { failures: 0 };
  return {
    name: 'consecutive-failures',
    timeless: true,
    initial: () => zero,
    success: (s) => (s.failures === 0 ? s : zero),
    failure: (s) => {
      const failures = s.failures + 1;
      return { state: { failures }, trip: failures >= threshold };
    },
    counts: (s) => ({ failures: s.failures, successes: 0 }),
  };
}
