/**
 * `circuitBreaker()`: one breaker per target and model; stops calling a failing provider, probes
 * it after a break, and closes again when it answers.
 * @module
 */
import {
  type ChatChunk,
  CircuitOpenError,
  type Clock,
  type Context,
  LifelineError,
  type Middleware,
  type Next,
  primeStream,
  publish,
  systemClock,
  tapStream,
} from '@lifeline/core';
import { noteAttempt } from './attempt-record.js';
import { BreakerEngine, isPromiseLike } from './engine.js';
import { type BreakerKeySnapshot, initialRecord, type Outcome, type Permit, type Rejection } from './machine.js';
import { type CircuitBreakerOptions, resolveBreakerOptions } from './options.js';
import type { BreakerStore, MaybePromise } from './store.js';
import type { BreakerRecord, StateChange } from './state.js';

/** The middleware returned by {@link circuitBreaker}, with its management methods. */
export interface CircuitBreaker extends Middleware {
  /** Opens `key` by hand: every call is rejected until {@link CircuitBreaker.reset}. */
  isolate(key: string): Promise<void>;
  /** Closes `key` with fresh counters (also ends an isolation). */
  reset(key: string): Promise<void>;
  /** State, counts and next probe time per key, for health endpoints. */
  snapshot(): Promise<Record<string, BreakerKeySnapshot>>;
  /** Calls `listener` on every state change made by this process; returns the disposer. */
  onStateChange(listener: (change: StateChange) => void): () => void;
  /** The store holding the breakers. */
  readonly store: BreakerStore;
}

const SLOW: Outcome = { kind: 'failure', code: 'slow_call' };
const SUCCESS: Outcome = { kind: 'success' };
const NEUTRAL: Outcome = { kind: 'neutral' };

/**
 * A circuit breaker per key (default `target/model`, e.g. `primary/gpt-4.1`). Closed, it counts
 * outcomes with its policy (`consecutiveFailures` 5 by default, or `failureRate`); tripped, it
 * opens for `breakDurationMs` (doubling on each failed probe up to `maxBreakDurationMs`, or the
 * provider's Retry-After when longer) and rejects calls with a {@link CircuitOpenError} whose
 * `retryAfterMs` is the time until the next probe; then `halfOpenMaxProbes` probes go through —
 * success closes it, failure re-opens it. Place it inside `retry()` and outside `timeout()`.
 *
 * Failures: retryable provider errors, timeouts, interrupted streams (also after content: a
 * stream's outcome is recorded when it ends). Not failures: request errors (4xx), the caller's
 * abort or overall timeout. Transitions go to `onStateChange` listeners and `lifeline:breaker`.
 *
 * @param options - see {@link CircuitBreakerOptions}
 * @returns the middleware, carrying `isolate`, `reset`, `snapshot`, `onStateChange` and `store`
 * @throws {@link ConfigurationError} when an option is invalid (naming the field and value)
 * @example
 * ```ts
 * import { createClient, timeout } from '@lifeline/core';
 * import { circuitBreaker } from '@lifeline/circuit-breaker';
 *
 * const breaker = circuitBreaker({ failureThreshold: 5, breakDurationMs: 30_000 });
 * const off = breaker.onStateChange((c) => console.warn(`${c.key}: ${c.from} → ${c.to} (${c.reason})`));
 * const client = createClient({ adapter, use: [retry(), breaker, timeout({ ms: 30_000 })] });
 * app.get('/api/health', async () => breaker.snapshot()); // { 'openai/gpt-4.1': { state: 'closed', … } }
 * ```
 */
export function circuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const o = resolveBreakerOptions(options);
  const listeners = new Set<(change: StateChange) => void>();
  const emit = (change: StateChange): void => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (err) {
        process.emitWarning(`circuitBreaker: an onStateChange listener threw: ${String(err)}`, 'LifelineWarning');
      }
    }
    publish('lifeline:breaker', () => change);
  };
  const engine = new BreakerEngine(o, o.store, emit);
  const adminClock: Clock = o.clock ?? systemClock;

  const classify = (error: unknown, ctx: Context): Outcome => {
    if (ctx.aborted) return NEUTRAL;
    if (o.isFailure(error, ctx)) {
      const lifeline = error instanceof LifelineError ? error : undefined;
      return { kind: 'failure', code: lifeline?.code ?? 'unknown', retryAfterMs: lifeline?.retryAfterMs };
    }
    return error instanceof LifelineError && error.status !== undefined ? SUCCESS : NEUTRAL;
  };

  const middleware = async function circuitBreaker(ctx: Context, next: Next): Promise<void> {
    const key = o.key(ctx);
    const clock = o.clock ?? ctx.clock;
    const timed = o.slowCallMs !== undefined;
    const startedAt = timed ? clock.now() : 0;
    const acquired = engine.acquire(key, clock);
    const gate = isPromiseLike(acquired) ? await acquired : acquired;
    if ('rejected' in gate) throw openError(key, gate, ctx);
    let permit: Permit | undefined = gate;
    const from = ctx.meta.attemptLog.length;
    const probe = gate.probe;
    try {
      const run = next();
      // The terminal logs the attempt synchronously when nothing in between awaits: note it now
      // so `lifeline:attempt` observers see it; otherwise once the attempt settled.
      const noted = noteAttempt(ctx, from, key, probe);
      await run;
      if (!noted) noteAttempt(ctx, from, key, probe);
      if (ctx.streaming && ctx.stream) ctx.stream = await primeStream(ctx.stream);
    } catch (error) {
      noteAttempt(ctx, from, key, probe);
      const done = engine.settle(key, permit, classify(error, ctx), clock);
      if (isPromiseLike(done)) await done;
      throw error;
    }
    const endedAt = timed ? clock.now() : undefined;
    const slow = timed && endedAt! - startedAt > o.slowCallMs!;
    if (!ctx.streaming || !ctx.stream) {
      const done = engine.settle(key, permit, slow ? SLOW : SUCCESS, clock, endedAt);
      if (isPromiseLike(done)) await done;
      return;
    }
    // A probe is judged at the first content chunk (the provider answers), so the breaker does not
    // stay half-open for the length of a long stream; the rest of the stream counts as a closed call.
    if (permit.probe) permit = await engine.settle(key, permit, slow ? SLOW : SUCCESS, clock, endedAt);
    if (permit === undefined) return;
    ctx.stream = watch(ctx.stream, settleAtEnd(ctx, key, permit, slow, clock));
  };

  /** What settles a stream's permit once it ends (made only for streams, outside the per-call frame). */
  const settleAtEnd = (ctx: Context, key: string, counted: Permit, slow: boolean, clock: Clock) => (error: unknown) =>
    engine.settle(key, counted, error === undefined ? (slow ? SLOW : SUCCESS) : error === STOPPED ? NEUTRAL : classify(error, ctx), clock);

  const force = async (key: string, make: (prev: BreakerRecord, now: number) => BreakerRecord, reason: 'isolated' | 'reset') => {
    const now = adminClock.now();
    const stored = await o.store.get(key);
    const prev = stored?.record ?? initialRecord(o.policy, now);
    await engine.force(key, now, make(prev, now), reason);
  };

  return Object.assign(middleware, {
    store: o.store,
    isolate: (key: string) =>
      force(key, (prev, now) => ({ state: { name: 'isolated' as const, since: now }, policy: o.policy.initial(now), epoch: prev.epoch + 1, opens: prev.opens }), 'isolated'),
    reset: (key: string) =>
      force(key, (prev, now) => ({ state: { name: 'closed' as const, since: now }, policy: o.policy.initial(now), epoch: prev.epoch + 1, opens: 0 }), 'reset'),
    async snapshot() {
      const now = adminClock.now();
      const keys = new Set(engine.seen);
      if (o.store.keys) for (const key of await o.store.keys()) keys.add(key);
      const out: Record<string, BreakerKeySnapshot> = {};
      for (const key of [...keys].sort()) out[key] = await engine.describe(key, now);
      return out;
    },
    onStateChange(listener: (change: StateChange) => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  }) as CircuitBreaker;
}

function openError(key: string, gate: Rejection, ctx: Context): CircuitOpenError {
  const provider = ctx.target?.name;
  const wait = gate.retryAfterMs === undefined ? undefined : Math.max(0, Math.ceil(gate.retryAfterMs));
  let message: string;
  if (gate.state === 'isolated') message = `Circuit breaker "${key}" is isolated; call reset("${key}") to allow calls again`;
  else if (gate.state === 'half-open') message = `Circuit breaker "${key}" is half-open with ${gate.probesInFlight} probe(s) in flight; next probe in ${wait} ms`;
  else message = `Circuit breaker "${key}" is open; next probe in ${wait} ms`;
  return new CircuitOpenError(message, { provider, retryAfterMs: wait, breakerKey: key, breakerState: gate.state });
}

/** Marks a stream the consumer stopped reading (neither success nor failure). */
const STOPPED = Symbol('stopped');

/** Passes `stream` through and reports how it ended: `undefined` (completed), the error, or {@link STOPPED}. */
function watch(stream: AsyncIterable<ChatChunk>, onEnd: (error: unknown) => MaybePromise<unknown>): AsyncIterable<ChatChunk> {
  return tapStream(stream, { finally: (how, error) => onEnd(how === 'done' ? undefined : how === 'error' ? error : STOPPED) });
}
