/**
 * Options of {@link retry}, their defaults and their validation.
 * @module
 */
import { alternativesLeft, type Clock, ConfigurationError, type Context, isRetryable, TimeoutError } from '@lifeline/core';
import { type Backoff, BACKOFF_DEFAULTS, checkNumber, exponentialBackoff, type Jitter } from './backoff.js';
import { RetryBudget, type RetryBudgetOptions } from './budget.js';
import type { GiveUpEvent, RetryEvent } from './events.js';

/**
 * Options of {@link retry}.
 * @example
 * ```ts
 * const options: RetryOptions = { maxAttempts: 4, maxRetryAfterMs: 20_000, budget: sharedBudget };
 * ```
 */
export interface RetryOptions {
  /** Attempts in total, the first one included (`3` = 1 + 2 retries). @defaultValue 3 */
  maxAttempts?: number;
  /** Backoff ceiling of the first retry, in ms. @defaultValue 500 */
  initialDelayMs?: number;
  /** Largest backoff ceiling, in ms. @defaultValue 8000 */
  maxDelayMs?: number;
  /** Growth factor of the backoff ceiling per retry. @defaultValue 2 */
  multiplier?: number;
  /** How the backoff delay is drawn under its ceiling. @defaultValue 'full' */
  jitter?: Jitter;
  /** A custom backoff; replaces `initialDelayMs`, `maxDelayMs`, `multiplier` and `jitter`. @defaultValue exponential, as above */
  backoff?: Backoff;
  /**
   * Longest server-given Retry-After that is honoured, in ms. A longer hint means "give up on this
   * target now" (so `failover()` moves on) — retry neither sleeps that long nor ignores it.
   * @defaultValue 60000
   */
  maxRetryAfterMs?: number;
  /**
   * Time an attempt needs at least, in ms. Retry never sleeps past `ctx.deadline`: a backoff delay
   * is shortened to leave this much time, and when even that does not fit (or a Retry-After does
   * not fit) it gives up with the last error.
   * @defaultValue 500
   */
  minAttemptMs?: number;
  /**
   * Whether an error is worth another attempt. Never consulted for the caller's abort or an
   * overall timeout (those always end the call).
   * @defaultValue {@link defaultRetryOn}: `isRetryable(error)` (408, 409, 429 except quota, 5xx, 529,
   * connection errors, timeouts) — except a `TimeoutError` when a failover above still has other
   * targets (`alternativesLeft(ctx.state) > 0`): a silent target is not retried on the same route,
   * the backup is tried instead.
   */
  retryOn?: (error: unknown, ctx: Context, attempt: number) => boolean;
  /**
   * Retry budget: a shared {@link RetryBudget}, options for a budget private to this middleware,
   * or `false` for none.
   * @defaultValue a `RetryBudget` private to this middleware (ratio 0.2, 10 retries/s floor, 10 s window)
   */
  budget?: RetryBudget | RetryBudgetOptions | false;
  /** Key under which the budget counts a call. @defaultValue the target name (`ctx.target?.name ?? 'default'`) */
  budgetKey?: (ctx: Context) => string;
  /**
   * Time source for sleeps, the deadline and a private budget; use the client's clock.
   * @defaultValue `ctx.clock` (the private budget: the system clock)
   */
  clock?: Clock;
  /** Uniform random source in [0, 1) for jitter. @defaultValue `Math.random` */
  random?: () => number;
  /** Called before each wait, with the same payload as the `lifeline:retry` channel. @defaultValue none */
  onRetry?: (event: RetryEvent) => void;
  /** Called when retry gives up on a retryable error (attempts, budget, deadline, long Retry-After). @defaultValue none */
  onGiveUp?: (event: GiveUpEvent) => void;
}

/** Every option resolved: what the middleware runs with. */
export interface ResolvedRetryOptions {
  maxAttempts: number;
  backoff: Backoff;
  maxRetryAfterMs: number;
  minAttemptMs: number;
  retryOn: (error: unknown, ctx: Context, attempt: number) => boolean;
  budget: RetryBudget | undefined;
  budgetKey: (ctx: Context) => string;
  clock: Clock | undefined;
  random: () => number;
  onRetry: ((event: RetryEvent) => void) | undefined;
  onGiveUp: ((event: GiveUpEvent) => void) | undefined;
}

/**
 * Defaults of {@link retry}, as the official LLM SDKs retry.
 * @example
 * ```ts
 * retry({ maxAttempts: RETRY_DEFAULTS.maxAttempts + 2 }); // 5 attempts, other defaults kept
 * ```
 */
/**
 * The default `retryOn`: {@link isRetryable}, except that a `TimeoutError` is not retried on the
 * same target while a failover above still has other targets to try (core's
 * `alternativesLeft(ctx.state)`), so a silent provider costs one timeout, not one per retry.
 */
export function defaultRetryOn(error: unknown, ctx: Context): boolean {
  if (!isRetryable(error)) return false;
  return !(error instanceof TimeoutError && alternativesLeft(ctx.state) > 0);
}

export const RETRY_DEFAULTS = {
  maxAttempts: 3,
  initialDelayMs: BACKOFF_DEFAULTS.initialDelayMs,
  maxDelayMs: BACKOFF_DEFAULTS.maxDelayMs,
  multiplier: BACKOFF_DEFAULTS.multiplier,
  jitter: BACKOFF_DEFAULTS.jitter,
  maxRetryAfterMs: 60_000,
  minAttemptMs: 500,
  retryOn: defaultRetryOn,
  budgetKey: (ctx: Context) => ctx.target?.name ?? 'default',
  random: Math.random,
} satisfies Required<Omit<RetryOptions, 'backoff' | 'budget' | 'clock' | 'onRetry' | 'onGiveUp'>>;

function checkFunction(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigurationError(`retry: ${field} must be a function, got ${value === null ? 'null' : typeof value}`);
  }
}

/**
 * Validates `options` and fills in the defaults.
 * @throws {@link ConfigurationError} naming the field and the received value
 */
export function resolveRetryOptions(options: RetryOptions): ResolvedRetryOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(`retry: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const maxAttempts = options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts;
  checkNumber('retry', 'maxAttempts', maxAttempts, 1, true);
  const maxRetryAfterMs = options.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs;
  checkNumber('retry', 'maxRetryAfterMs', maxRetryAfterMs, 0);
  const minAttemptMs = options.minAttemptMs ?? RETRY_DEFAULTS.minAttemptMs;
  checkNumber('retry', 'minAttemptMs', minAttemptMs, 0);
  for (const field of ['retryOn', 'budgetKey', 'random', 'onRetry', 'onGiveUp'] as const) checkFunction(field, options[field]);
  if (options.backoff !== undefined && typeof options.backoff?.delayMs !== 'function') {
    throw new ConfigurationError(`retry: backoff must be an object with a delayMs(retry, random) method, got ${String(options.backoff)}`);
  }
  if (options.clock !== undefined && (typeof options.clock?.now !== 'function' || typeof options.clock.setTimeout !== 'function')) {
    throw new ConfigurationError(`retry: clock must implement now(), setTimeout() and clearTimeout(), got ${String(options.clock)}`);
  }
  let backoff = options.backoff;
  if (backoff === undefined) {
    try {
      backoff = exponentialBackoff({
        initialDelayMs: options.initialDelayMs,
        maxDelayMs: options.maxDelayMs,
        multiplier: options.multiplier,
        jitter: options.jitter,
      });
    } catch (err) {
      throw new ConfigurationError((err as Error).message.replace(/^exponentialBackoff:/, 'retry:'));
    }
  }
  const { budget } = options;
  let resolvedBudget: RetryBudget | undefined;
  if (budget instanceof RetryBudget) resolvedBudget = budget;
  else if (budget === false) resolvedBudget = undefined;
  else if (budget === undefined || (typeof budget === 'object' && budget !== null)) resolvedBudget = new RetryBudget({ clock: options.clock, ...budget });
  else throw new ConfigurationError(`retry: budget must be a RetryBudget, budget options or false, got ${String(budget)}`);
  return {
    maxAttempts,
    backoff,
    maxRetryAfterMs,
    minAttemptMs,
    retryOn: options.retryOn ?? RETRY_DEFAULTS.retryOn,
    budget: resolvedBudget,
    budgetKey: options.budgetKey ?? RETRY_DEFAULTS.budgetKey,
    clock: options.clock,
    random: options.random ?? RETRY_DEFAULTS.random,
    onRetry: options.onRetry,
    onGiveUp: options.onGiveUp,
  };
}
