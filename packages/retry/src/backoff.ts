/**
 * Backoff strategies: how long {@link retry} waits before the n-th retry when the provider gave
 * no Retry-After hint.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';

/**
 * A backoff strategy. Tiny on purpose: one method, pure, randomness injected.
 *
 * @example
 * ```ts
 * const constant: Backoff = { delayMs: () => 1_000 };
 * retry({ backoff: constant });
 * ```
 */
export interface Backoff {
  /**
   * Delay before retry number `retry` (1 for the first retry), in ms.
   *
   * @param retry - 1-based retry number
   * @param random - uniform random source in [0, 1)
   */
  delayMs(retry: number, random: () => number): number;
}

/**
 * How randomness spreads the delays of many clients retrying at once.
 * - `full`: uniform in [0, ceiling] (AWS "full jitter"; spreads best, the default).
 * - `equal`: ceiling/2 plus uniform in [0, ceiling/2] (never shorter than half).
 * - `none`: exactly the ceiling (only for tests and single clients).
 */
export type Jitter = 'full' | 'equal' | 'none';

/**
 * Options of {@link exponentialBackoff}.
 * @example
 * ```ts
 * const fast: ExponentialBackoffOptions = { initialDelayMs: 100, maxDelayMs: 2_000 };
 * ```
 */
export interface ExponentialBackoffOptions {
  /** Ceiling of the first retry's delay, in ms. @defaultValue 500 */
  initialDelayMs?: number;
  /** Largest ceiling, in ms. @defaultValue 8000 */
  maxDelayMs?: number;
  /** Growth factor of the ceiling per retry. @defaultValue 2 */
  multiplier?: number;
  /** Jitter mode. @defaultValue 'full' */
  jitter?: Jitter;
}

/**
 * Defaults of {@link exponentialBackoff}, as the official OpenAI and Anthropic SDKs use.
 * @example
 * ```ts
 * exponentialBackoff({ ...BACKOFF_DEFAULTS, jitter: 'equal' });
 * ```
 */
export const BACKOFF_DEFAULTS: Required<ExponentialBackoffOptions> = {
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  multiplier: 2,
  jitter: 'full',
};

/** @internal Throws a {@link ConfigurationError} unless `value` is a finite number ≥ `min`. */
export function checkNumber(owner: string, field: string, value: unknown, min: number, integer = false): void {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (integer && !Number.isInteger(value))
  ) {
    const what = integer ? (min > 0 ? 'a positive integer' : 'a non-negative integer') : min > 0 ? `a number ≥ ${min}` : 'a non-negative number';
    throw new ConfigurationError(`${owner}: ${field} must be ${what}, got ${String(value)}`);
  }
}

/**
 * Exponential backoff with jitter: the ceiling of retry `n` is
 * `min(maxDelayMs, initialDelayMs × multiplier^(n-1))`, and the delay is drawn under it
 * according to `jitter`. Delays are whole milliseconds.
 *
 * @param options - see {@link ExponentialBackoffOptions}
 * @returns the backoff
 * @throws {@link ConfigurationError} when an option is out of range
 * @example
 * ```ts
 * const backoff = exponentialBackoff({ initialDelayMs: 250, jitter: 'equal' });
 * backoff.delayMs(3, Math.random); // between 500 and 1000
 * ```
 */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): Backoff {
  const { initialDelayMs, maxDelayMs, multiplier, jitter } = { ...BACKOFF_DEFAULTS, ...stripUndefined(options) };
  checkNumber('exponentialBackoff', 'initialDelayMs', initialDelayMs, 0);
  checkNumber('exponentialBackoff', 'maxDelayMs', maxDelayMs, 0);
  checkNumber('exponentialBackoff', 'multiplier', multiplier, 1);
  if (maxDelayMs < initialDelayMs) {
    throw new ConfigurationError(`exponentialBackoff: maxDelayMs (${maxDelayMs}) must be ≥ initialDelayMs (${initialDelayMs})`);
  }
  if (jitter !== 'full' && jitter !== 'equal' && jitter !== 'none') {
    throw new ConfigurationError(`exponentialBackoff: jitter must be 'full', 'equal' or 'none', got ${String(jitter)}`);
  }
  return {
    delayMs(retry, random) {
      const ceiling = Math.min(maxDelayMs, initialDelayMs * multiplier ** Math.max(0, retry - 1));
      if (jitter === 'none') return Math.round(ceiling);
      if (jitter === 'equal') return Math.floor(ceiling / 2 + random() * (ceiling / 2 + 1));
      return Math.floor(random() * (ceiling + 1));
    },
  };
}

/** @internal Drops keys whose value is `undefined`, so spreading over defaults keeps the defaults. */
export function stripUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(value) as Array<keyof T>) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out;
}
