/**
 * Options of `failover()`, their defaults and their validation.
 * @module
 */
import { ConfigurationError, type Context } from '@lifeline/core';
import { shouldFailover } from './classify.js';
import { PrefillMemory } from './prefill-memory.js';
import type { TargetInfo } from './target.js';

/** How the targets are ordered for each call. */
export type StrategyName = 'ordered' | 'weighted' | 'least-latency' | 'round-robin';

/**
 * What happens when a stream breaks after content reached the caller:
 * - `'error'`: the caller gets a `StreamInterruptedError` (`contentDelivered: true`, `cause` = the
 *   original error) after the partial content — never a truncated answer passed off as complete;
 * - `'restart'`: a chunk `{ choices: [], lifeline: { event: 'restart', from, target, reason } }` tells
 *   the caller to discard what it has, and the answer starts again on the next target;
 * - `'continue'`: the next target continues the answer and the stream carries on where it broke:
 *   from the partial answer sent as an assistant prefill when the target accepts one (its
 *   `prefill`, else its adapter's `capabilities.prefill`), else by regenerating the answer, of which
 *   only what follows the delivered text is passed on — when it starts with exactly that text.
 */
export type MidStreamPolicy = 'error' | 'restart' | 'continue';

/**
 * Options of `failover()`.
 * @example
 * ```ts
 * const options: FailoverOptions = { strategy: 'least-latency', midStream: 'restart', hedgeAfterMs: 'p95' };
 * ```
 */
export interface FailoverOptions {
  /**
   * Order of the targets per call: `ordered` (as listed), `weighted` (random by `weight`, without
   * replacement), `least-latency` (lowest moving average of latency / time to first token first),
   * `round-robin` (the first target rotates per call).
   * @defaultValue `'ordered'`
   */
  strategy?: StrategyName;
  /**
   * Whether an error moves the call on to the next target. Replaces the default
   * ({@link shouldFailover}); compose with it to extend it. A caller's abort never fails over.
   * @defaultValue {@link shouldFailover}
   */
  failoverOn?: (error: unknown, ctx: Context) => boolean;
  /**
   * Called before each target is tried; `false` skips it without a request (e.g. a health check
   * or an external breaker's state). A skipped target is reported as a `CircuitOpenError`. Also
   * consulted to count the targets still waiting (`ALTERNATIVES_LEFT`, read by `retry()`), so keep
   * it a cheap predicate without side effects.
   * @defaultValue every target is available
   */
  isAvailable?: (target: TargetInfo, ctx: Context) => boolean;
  /**
   * Streams: what to do when a stream breaks after content was delivered. See {@link MidStreamPolicy}.
   * @defaultValue `'error'`
   */
  midStream?: MidStreamPolicy;
  /**
   * `'continue'`: where targets that refused a prefill (a 400 such as `This model does not support
   * assistant message prefill`) are remembered, per target and model; those are asked to regenerate
   * instead. Share one between several `failover()`s to share what they learn.
   * @defaultValue a `PrefillMemory` of this `failover()` (1 000 target/model pairs)
   */
  prefillMemory?: PrefillMemory;
  /**
   * Hedged requests: when an attempt has produced no first token (streams) or no response within
   * this many ms, the next target starts in parallel and the first to deliver wins. `'p95'` uses
   * the 95th percentile of the running target's recent latencies (no hedging until 20 are known).
   * @defaultValue `undefined` (no hedging)
   */
  hedgeAfterMs?: number | 'p95';
  /**
   * Most hedged attempts per call.
   * @defaultValue 1
   */
  maxHedges?: number;
  /**
   * Random source in [0, 1) of the `weighted` strategy.
   * @defaultValue `Math.random`
   */
  random?: () => number;
  /**
   * Smoothing factor of the latency moving average (`least-latency`): the weight of the newest sample.
   * @defaultValue 0.3
   */
  latencyAlpha?: number;
  /**
   * Latency sample recorded for a failed attempt (`least-latency`), so a target that fails fast
   * does not look fast.
   * @defaultValue 10_000
   */
  failurePenaltyMs?: number;
  /**
   * A latency estimate older than this is stale: `least-latency` tries the target first again (one
   * probe at a time) so a target that recovered wins traffic back.
   * @defaultValue 60_000
   */
  latencyStaleMs?: number;
}

/** Options after defaults. */
export type ResolvedFailoverOptions = Required<Omit<FailoverOptions, 'hedgeAfterMs' | 'isAvailable'>> &
  Pick<FailoverOptions, 'hedgeAfterMs' | 'isAvailable'>;

type Defaults = Readonly<Required<Omit<FailoverOptions, 'hedgeAfterMs' | 'isAvailable' | 'prefillMemory'>>>;

/**
 * The defaults of {@link FailoverOptions}.
 * @example
 * ```ts
 * FAILOVER_DEFAULTS.midStream; // 'error'
 * ```
 */
export const FAILOVER_DEFAULTS: Defaults = {
  strategy: 'ordered',
  failoverOn: shouldFailover,
  midStream: 'error',
  maxHedges: 1,
  random: Math.random,
  latencyAlpha: 0.3,
  failurePenaltyMs: 10_000,
  latencyStaleMs: 60_000,
};

const STRATEGIES: readonly StrategyName[] = ['ordered', 'weighted', 'least-latency', 'round-robin'];
const POLICIES: readonly MidStreamPolicy[] = ['error', 'restart', 'continue'];

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : typeof v === 'function' ? 'a function' : String(v));
const bad = (field: string, want: string, got: unknown) => new ConfigurationError(`failover: ${field} must be ${want}, got ${show(got)}`);
const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * Applies the defaults and validates every field.
 * @throws {@link ConfigurationError} naming the field and the value received
 */
export function resolveOptions(options: FailoverOptions | undefined): ResolvedFailoverOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw bad('options', 'an object', options);
  const o = { ...FAILOVER_DEFAULTS, ...stripUndefined(options ?? {}) } as ResolvedFailoverOptions;
  if (o.prefillMemory === undefined) o.prefillMemory = new PrefillMemory();
  else if (typeof o.prefillMemory !== 'object' || o.prefillMemory === null || typeof o.prefillMemory.rejects !== 'function' || typeof o.prefillMemory.learn !== 'function') {
    const got = typeof o.prefillMemory === 'object' && o.prefillMemory !== null ? 'an object without rejects() and learn()' : show(o.prefillMemory);
    throw new ConfigurationError(`failover: prefillMemory must be a PrefillMemory, got ${got}`);
  }
  if (!STRATEGIES.includes(o.strategy)) throw bad('strategy', `one of ${STRATEGIES.map((s) => `'${s}'`).join(', ')}`, o.strategy);
  if (!POLICIES.includes(o.midStream)) throw bad('midStream', `one of ${POLICIES.map((s) => `'${s}'`).join(', ')}`, o.midStream);
  if (typeof o.failoverOn !== 'function') throw bad('failoverOn', 'a function (error, ctx) => boolean', o.failoverOn);
  if (o.isAvailable !== undefined && typeof o.isAvailable !== 'function') throw bad('isAvailable', 'a function (target, ctx) => boolean', o.isAvailable);
  if (typeof o.random !== 'function') throw bad('random', 'a function returning a number in [0, 1)', o.random);
  if (o.hedgeAfterMs !== undefined && o.hedgeAfterMs !== 'p95' && !positive(o.hedgeAfterMs)) {
    throw bad('hedgeAfterMs', "a positive number of milliseconds or 'p95'", o.hedgeAfterMs);
  }
  if (!Number.isInteger(o.maxHedges) || o.maxHedges < 1) throw bad('maxHedges', 'a positive integer', o.maxHedges);
  if (!positive(o.latencyAlpha) || o.latencyAlpha > 1) throw bad('latencyAlpha', 'a number in (0, 1]', o.latencyAlpha);
  if (typeof o.failurePenaltyMs !== 'number' || !Number.isFinite(o.failurePenaltyMs) || o.failurePenaltyMs < 0) {
    throw bad('failurePenaltyMs', 'a non-negative number of milliseconds', o.failurePenaltyMs);
  }
  if (!positive(o.latencyStaleMs)) throw bad('latencyStaleMs', 'a positive number of milliseconds', o.latencyStaleMs);
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
