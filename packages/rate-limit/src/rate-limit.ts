/**
 * `rateLimit()`: requests- and tokens-per-minute buckets, a bounded FIFO queue, and adaptive
 * slowdown from the provider's rate-limit headers.
 * @module
 */
import { type AttemptRecord, ConfigurationError, LifelineError, type Clock, type Context, type Middleware } from '@lifeline/core';
import { Admission } from './admission.js';
import { estimateRequestTokens } from './estimate.js';
import { MemoryRateLimitStore } from './memory-store.js';
import type { ProviderWindow, RateCost, RateLimits, RateLimitStore } from './store.js';
import { watchStream } from './watch-stream.js';

/** Options of {@link rateLimit}. Give `rpm`, `tpm`, or neither for adaptive-only limiting. */
export interface RateLimitOptions {
  /** Requests per minute per key (a full minute's allowance may burst). @defaultValue unlimited */
  rpm?: number;
  /** Tokens per minute per key, pre-debited from an estimate and corrected with real usage. @defaultValue unlimited */
  tpm?: number;
  /** The bucket key. @defaultValue target name (or `default`), plus `|tenant=<id>` when `metadata.tenant` is set */
  key?: (ctx: Context) => string;
  /** Calls that may wait per key; one more fails at once. @defaultValue 1000 */
  maxQueue?: number;
  /** Longest wait accepted; a call that would wait longer fails at once. The call's deadline also bounds it. @defaultValue 60000 */
  maxWaitMs?: number;
  /** Time source. @defaultValue ctx.clock */
  clock?: Clock;
  /** Where buckets live; share a Redis store across instances. @defaultValue a new MemoryRateLimitStore */
  store?: RateLimitStore;
  /** Slow down on the provider's headers (remaining requests/tokens, reset times) and on 429 Retry-After. @defaultValue true */
  adaptive?: boolean;
  /** Longest hold adaptive limiting imposes from one header or Retry-After, ms. @defaultValue 60000 */
  maxHoldMs?: number;
  /** Output tokens assumed for the estimate when the request sets no maximum. @defaultValue 1024 */
  defaultMaxTokens?: number;
}

/** The middleware returned by {@link rateLimit}, with its queues' depths. */
export interface RateLimitMiddleware extends Middleware {
  /** Calls waiting in the queue right now, per key that has any (`{}` when nobody waits). */
  queued(): Record<string, number>;
}

const DEFAULTS = { maxQueue: 1000, maxWaitMs: 60_000, adaptive: true, maxHoldMs: 60_000, defaultMaxTokens: 1024 } as const;

function positive(name: string, value: unknown, integer: boolean, allowZero = false): void {
  if (value === undefined) return;
  const ok = typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && (!integer || Number.isInteger(value));
  if (!ok) throw new ConfigurationError(`rateLimit: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}, got ${String(value)}`);
}

/** The default key: target name (or `default`), plus the tenant when there is one. */
export function defaultRateLimitKey(ctx: Context): string {
  const target = ctx.target?.name ?? 'default';
  const tenant = ctx.metadata.tenant;
  return tenant === undefined || tenant === null || tenant === '' ? target : `${target}|tenant=${String(tenant)}`;
}

/**
 * Client-side rate limiting. Each call takes 1 request and its estimated tokens (prompt
 * characters / 4 + max output tokens) from its key's buckets, waiting in a bounded FIFO queue
 * when they are empty; the estimate is corrected with the real usage (and retries inside are
 * charged) once known. Adaptive by default: when the provider's headers (`ctx.meta.rateLimit`)
 * say the remaining requests or tokens are spent, calls to that target hold until the reset
 * time, and a 429's Retry-After holds them too — before the provider starts refusing.
 *
 * @param options - limits, key, queue bounds, store
 * @returns the middleware, with `queued()`: the calls waiting per key
 * @throws {@link ConfigurationError} for an invalid option
 * @example
 * ```ts
 * const limit = rateLimit({ rpm: 500, tpm: 200_000, maxWaitMs: 10_000 });
 * createClient({ adapter, use: [limit] });
 * limit.queued(); // { openai: 3 } while three calls wait for openai's bucket
 * ```
 */
export function rateLimit(options: RateLimitOptions = {}): RateLimitMiddleware {
  positive('rpm', options.rpm, false);
  positive('tpm', options.tpm, false);
  positive('maxQueue', options.maxQueue, true, true);
  positive('maxWaitMs', options.maxWaitMs, false, true);
  positive('maxHoldMs', options.maxHoldMs, false);
  positive('defaultMaxTokens', options.defaultMaxTokens, true);
  if (options.key !== undefined && typeof options.key !== 'function') throw new ConfigurationError(`rateLimit: key must be a function (ctx) => string, got ${typeof options.key}`);
  const { maxQueue, maxWaitMs, adaptive, maxHoldMs, defaultMaxTokens } = { ...DEFAULTS, ...options };
  if (options.rpm === undefined && options.tpm === undefined && !adaptive) throw new ConfigurationError('rateLimit: give rpm, tpm, or leave adaptive on');
  const limits = { rpm: options.rpm, tpm: options.tpm };
  const keyOf = options.key ?? defaultRateLimitKey;
  const store = options.store ?? new MemoryRateLimitStore();
  const admission = new Admission(store);
  /** The built-in memory store itself (not a subclass, which may count differently): its corrections of uncounted quantities are no-ops (skipped). */
  const memory = Object.getPrototypeOf(store) === MemoryRateLimitStore.prototype;

  /** Corrects the estimate taken for `key` with the usage logged from `start` on (a store that answers later). */
  const correct = async (key: string, log: readonly AttemptRecord[], start: number, estimate: number, clock: Clock): Promise<void> => {
    const d = delta(log, start, estimate);
    await store.adjust(key, d, limits, clock.now());
    if (refunds(limits, d)) admission.wake(key);
  };

  /** Records the provider's window from the answer (or the error) with a store that answers later. */
  const observe = async (ctx: Context, providerKey: string, clock: Clock, error?: unknown): Promise<void> => {
    const now = clock.now();
    const window = windowOf(ctx, adaptive, maxHoldMs, now, error);
    if (window) await store.observe(providerKey, window, now);
  };
  /** What corrects a stream's estimate once it ends (made only for streams). */
  const correctAtEnd = (key: string, log: readonly AttemptRecord[], start: number, estimate: number, clock: Clock) => (): Promise<void> =>
    correct(key, log, start, estimate, clock).catch(() => {});

  // No closure inside the per-call frame: a closure would keep every variable it reads in a
  // context object allocated per call.
  const middleware: Middleware = async function rateLimit(ctx, next) {
    const clock = options.clock ?? ctx.clock;
    const key = keyOf(ctx);
    const providerKey = ctx.target?.name ?? 'default';
    const estimate = estimateRequestTokens(ctx.request, defaultMaxTokens);
    const cost: RateCost = { requests: 1, tokens: estimate };
    // Nobody waiting and the store answers at once (memory): admitted without a promise.
    if (!ctx.aborted && admission.tryNow(key, providerKey, cost, limits, clock.now())) {
      ctx.meta.queuedMs = 0;
    } else {
      const remaining = ctx.remainingMs();
      const bounded = remaining !== undefined && remaining < maxWaitMs;
      ctx.meta.queuedMs = await admission.admit(
        {
          key, providerKey, limits, maxQueue, provider: ctx.target?.name, signal: ctx.signal, cost,
          maxWaitMs: bounded ? Math.max(0, remaining) : maxWaitMs,
          maxWaitLabel: bounded ? "the call's deadline" : 'maxWaitMs',
        },
        clock,
      );
    }
    const log = ctx.meta.attemptLog;
    const start = log.length;

    try {
      await next();
    } catch (err) {
      await Promise.all([observe(ctx, providerKey, clock, err), correct(key, log, start, estimate, clock)]).catch(() => {});
      throw err;
    }
    if (store.observeNow !== undefined && store.adjustNow !== undefined && !(ctx.streaming && ctx.stream)) {
      // A store that answers at once: observed and corrected without a promise. The clock is read
      // only when something is written (the memory store writes nothing for a correction that
      // none of its buckets counts).
      let now: number | undefined;
      try {
        if (adaptive && ctx.meta.rateLimit !== undefined) {
          now = clock.now();
          const window = windowOf(ctx, adaptive, maxHoldMs, now);
          if (window) store.observeNow(providerKey, window, now);
        }
      } catch {
        // as with the async path: an observation that fails changes nothing
      }
      try {
        const d = delta(log, start, estimate);
        if (!(memory && uncounted(limits, d))) {
          store.adjustNow(key, d, limits, now ?? clock.now());
          if (refunds(limits, d)) admission.wake(key);
        }
      } catch {
        // as with the async path
      }
      return;
    }
    await observe(ctx, providerKey, clock).catch(() => {});
    if (ctx.streaming && ctx.stream) {
      ctx.stream = watchStream(ctx.stream, correctAtEnd(key, log, start, estimate, clock));
      return;
    }
    await correct(key, log, start, estimate, clock).catch(() => {});
  };
  return Object.assign(middleware, { queued: () => admission.depths() });
}

/** The provider's window from the last response's headers (and a 429's Retry-After), or undefined when there is nothing to observe. */
function windowOf(ctx: Context, adaptive: boolean, maxHoldMs: number, now: number, error?: unknown): ProviderWindow | undefined {
  if (!adaptive) return undefined;
  const cap = (at: number | undefined) => (at === undefined ? undefined : Math.min(at, now + maxHoldMs));
  const info = ctx.meta.rateLimit;
  const window: ProviderWindow = {};
  if (info) {
    window.remainingRequests = info.remainingRequests;
    window.resetRequestsAt = cap(info.resetRequestsAt);
    window.remainingTokens = info.remainingTokens;
    window.resetTokensAt = cap(info.resetTokensAt);
  }
  if (error instanceof LifelineError && error.code === 'rate_limit' && error.retryAfterMs !== undefined) window.holdUntil = now + Math.min(error.retryAfterMs, maxHoldMs);
  return info || window.holdUntil !== undefined ? window : undefined;
}

/** What the call used beyond (or below) what admission took: retries, real usage. */
function delta(log: readonly AttemptRecord[], start: number, estimate: number): RateCost {
  let tokens = 0;
  for (let i = start; i < log.length; i++) {
    const r = log[i]!;
    tokens += r.usage ? r.usage.total_tokens || r.usage.prompt_tokens + r.usage.completion_tokens : r.status === undefined ? 0 : estimate;
  }
  return { requests: log.length - start - 1, tokens: tokens - estimate };
}

/** Whether `d` gives back something a bucket counts (a refund may let waiters go early). */
function refunds(limits: RateLimits, d: RateCost): boolean {
  return (!!limits.rpm && d.requests < 0) || (!!limits.tpm && d.tokens < 0);
}

/** Whether `d` changes nothing a bucket counts (no requests bucket or no extra requests, likewise tokens). */
function uncounted(limits: RateLimits, d: RateCost): boolean {
  return (!limits.rpm || !d.requests) && (!limits.tpm || !d.tokens);
}
