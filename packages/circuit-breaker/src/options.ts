/**
 * Options of {@link circuitBreaker}, their defaults and their validation.
 * @module
 */
import {
  type Clock,
  ConfigurationError,
  type Context,
  isRetryable,
  StreamInterruptedError,
  TimeoutError,
} from '@lifeline/core';
import type { MachineConfig } from './machine.js';
import { type BreakerPolicy, check, consecutiveFailures } from './policy.js';
import { type BreakerStore, MemoryBreakerStore } from './store.js';

/**
 * Options of {@link circuitBreaker}.
 * @example
 * ```ts
 * const options: CircuitBreakerOptions = { policy: failureRate({ threshold: 0.3 }), breakDurationMs: 10_000, slowCallMs: 20_000 };
 * ```
 */
export interface CircuitBreakerOptions {
  /** Failures in a row that open a breaker (the `consecutiveFailures` policy). Not with `policy`. @defaultValue 5 */
  failureThreshold?: number;
  /** When a closed breaker opens: `consecutiveFailures(…)`, `failureRate(…)` or your own. @defaultValue `consecutiveFailures({ failureThreshold: 5 })` */
  policy?: BreakerPolicy;
  /** How long a breaker stays open before letting a probe through, in ms. @defaultValue 30000 */
  breakDurationMs?: number;
  /**
   * Longest break, in ms: each re-opening after a failed probe doubles the break up to this, and
   * a provider's Retry-After (when longer than the break) is honoured up to this.
   * @defaultValue 120000
   */
  maxBreakDurationMs?: number;
  /** Probes let through at once while half-open; other calls get `CircuitOpenError`. @defaultValue 1 */
  halfOpenMaxProbes?: number;
  /** A probe still running after this long is abandoned: its slot goes to the next call, its outcome is ignored. @defaultValue 60000 */
  probeTimeoutMs?: number;
  /**
   * Slow-call rule: a successful call slower than this (streams: time to first content) counts
   * as a failure. Off when undefined.
   * @defaultValue undefined
   */
  slowCallMs?: number;
  /**
   * One breaker per key.
   * @defaultValue `${ctx.target?.name ?? 'default'}/${ctx.request.model}` (e.g. `primary/gpt-4.1`); a target
   * already named after its model (`backup:claude-sonnet-4.5`, from failover) is its own key
   */
  key?: (ctx: Context) => string;
  /**
   * Whether an error is a failure of the target. Never consulted when the call itself was aborted
   * (caller's abort, overall timeout). Other errors count as successes when the provider answered
   * (an HTTP status), and not at all otherwise.
   * @defaultValue retryable errors (`isRetryable`), timeouts and interrupted streams
   */
  isFailure?: (error: unknown, ctx: Context) => boolean;
  /** Where breaker records live; share one to share breakers. @defaultValue a new `MemoryBreakerStore()` */
  store?: BreakerStore;
  /** Time source. @defaultValue `ctx.clock` for calls, the system clock for `snapshot()`, `isolate()`, `reset()` */
  clock?: Clock;
}

/** Every option resolved. */
export interface ResolvedBreakerOptions extends MachineConfig {
  slowCallMs: number | undefined;
  key: (ctx: Context) => string;
  isFailure: (error: unknown, ctx: Context) => boolean;
  store: BreakerStore;
  clock: Clock | undefined;
}

/** Keys already built, per target and model: the hot path then reuses one string (hash cached). */
const keys = new WeakMap<object, Map<string, string>>();
const MAX_MODELS_PER_TARGET = 1_000;
let lastTarget: object | undefined;
let lastModel: string | undefined;
// Stryker disable next-line StringLiteral: never returned, lastTarget starts undefined
let lastKey = '';

/** `${target name}/${model}`, e.g. `primary/gpt-4.1` (`default/…` without a target). */
function defaultKey(ctx: Context): string {
  const target = ctx.target;
  const model = ctx.request.model;
  if (!target) return `default/${model}`;
  if (target === lastTarget && model === lastModel) return lastKey;
  let byModel = keys.get(target);
  if (!byModel) keys.set(target, (byModel = new Map()));
  let key = byModel.get(model);
  if (key === undefined) {
    // A failover target that swaps the model is already named `<adapter>:<model>`: don't repeat it.
    key = target.name.endsWith(`:${model}`) ? target.name : `${target.name}/${model}`;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: a bound on a cache of equal strings, unobservable in the key returned
    if (byModel.size < MAX_MODELS_PER_TARGET) byModel.set(model, key);
  }
  lastTarget = target;
  lastModel = model;
  lastKey = key;
  return key;
}

/**
 * Defaults of {@link circuitBreaker}.
 * @example
 * ```ts
 * circuitBreaker({ breakDurationMs: BREAKER_DEFAULTS.breakDurationMs / 3 });
 * ```
 */
export const BREAKER_DEFAULTS = {
  failureThreshold: 5,
  breakDurationMs: 30_000,
  maxBreakDurationMs: 120_000,
  halfOpenMaxProbes: 1,
  probeTimeoutMs: 60_000,
  key: defaultKey,
  isFailure: (error: unknown): boolean =>
    isRetryable(error) || error instanceof TimeoutError || error instanceof StreamInterruptedError,
} satisfies Required<Omit<CircuitBreakerOptions, 'policy' | 'slowCallMs' | 'store' | 'clock'>>;

function checkFunction(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigurationError(`circuitBreaker: ${field} must be a function, got ${value === null ? 'null' : typeof value}`);
  }
}

/**
 * Validates `options` and fills in the defaults.
 * @throws {@link ConfigurationError} naming the field and the received value
 */
export function resolveBreakerOptions(options: CircuitBreakerOptions): ResolvedBreakerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(`circuitBreaker: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const o = options;
  if (o.policy !== undefined && o.failureThreshold !== undefined) {
    throw new ConfigurationError('circuitBreaker: give either failureThreshold or policy, not both');
  }
  const failureThreshold = o.failureThreshold ?? BREAKER_DEFAULTS.failureThreshold;
  check('circuitBreaker', 'failureThreshold', failureThreshold, 1, { integer: true });
  const breakDurationMs = o.breakDurationMs ?? BREAKER_DEFAULTS.breakDurationMs;
  check('circuitBreaker', 'breakDurationMs', breakDurationMs, 0, { exclusiveMin: true });
  const maxBreakDurationMs = o.maxBreakDurationMs ?? Math.max(BREAKER_DEFAULTS.maxBreakDurationMs, breakDurationMs);
  check('circuitBreaker', 'maxBreakDurationMs', maxBreakDurationMs, 0, { exclusiveMin: true });
  if (maxBreakDurationMs < breakDurationMs) {
    throw new ConfigurationError(`circuitBreaker: maxBreakDurationMs (${maxBreakDurationMs}) must be ≥ breakDurationMs (${breakDurationMs})`);
  }
  const halfOpenMaxProbes = o.halfOpenMaxProbes ?? BREAKER_DEFAULTS.halfOpenMaxProbes;
  check('circuitBreaker', 'halfOpenMaxProbes', halfOpenMaxProbes, 1, { integer: true });
  const probeTimeoutMs = o.probeTimeoutMs ?? BREAKER_DEFAULTS.probeTimeoutMs;
  check('circuitBreaker', 'probeTimeoutMs', probeTimeoutMs, 0, { exclusiveMin: true });
  if (o.slowCallMs !== undefined) check('circuitBreaker', 'slowCallMs', o.slowCallMs, 0, { exclusiveMin: true });
  checkFunction('key', o.key);
  checkFunction('isFailure', o.isFailure);
  const policy = o.policy ?? consecutiveFailures({ failureThreshold });
  for (const method of ['initial', 'success', 'failure', 'counts'] as const) {
    if (typeof policy[method] !== 'function') {
      throw new ConfigurationError(`circuitBreaker: policy must implement ${method}(), got ${String(policy[method])}`);
    }
  }
  const store = o.store ?? new MemoryBreakerStore();
  for (const method of ['get', 'set', 'compareAndSet'] as const) {
    if (typeof store[method] !== 'function') {
      throw new ConfigurationError(`circuitBreaker: store must implement ${method}(), got ${String(store[method])}`);
    }
  }
  if (o.clock !== undefined && (typeof o.clock?.now !== 'function' || typeof o.clock.setTimeout !== 'function')) {
    throw new ConfigurationError(`circuitBreaker: clock must implement now(), setTimeout() and clearTimeout(), got ${String(o.clock)}`);
  }
  return {
    policy,
    breakDurationMs,
    maxBreakDurationMs,
    halfOpenMaxProbes,
    probeTimeoutMs,
    slowCallMs: o.slowCallMs,
    key: o.key ?? BREAKER_DEFAULTS.key,
    isFailure: o.isFailure ?? BREAKER_DEFAULTS.isFailure,
    store,
    clock: o.clock,
  };
}
