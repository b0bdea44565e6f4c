/**
 * `redisSingleFlight()`: the middleware that lets cross-process single-flight know how each
 * leader's call ends. Placed right outside `cache()`, it gives the Redis cache store the call's
 * signal and deadline (so a follower stops waiting when its own caller gives up), keeps a
 * leader's lock alive while its call runs, and releases it the moment the call fails — so the
 * followers in other processes stop waiting and call upstream themselves instead of waiting for
 * the lock to expire.
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type ChatChunk, ConfigurationError, type Context, type Middleware, type Next } from '@lifeline/core';

/** A lock held by the current call, as the scope sees it. */
export interface HeldLock {
  /** Releases the lock and tells the followers that no entry is coming. */
  release(): void;
}

/** What the cache store reads from the current call. */
export interface FlightScope {
  readonly signal: AbortSignal;
  /** Epoch ms by which the call must end, when it has a deadline. */
  readonly deadline: number | undefined;
  /** Locks taken during this call and not yet released by a `set`. */
  readonly locks: Set<HeldLock>;
}

const storage = new AsyncLocalStorage<FlightScope>();

/** @internal The scope of the call running now, if `redisSingleFlight()` wraps it. */
export function currentFlightScope(): FlightScope | undefined {
  return storage.getStore();
}

/** Options of {@link redisSingleFlight}. */
export interface RedisSingleFlightOptions {
  /**
   * After a leader's call answered, how long its lock may wait for the cache's write (which
   * releases it) before it is released as "no entry" (the answer was not storable), in ms.
   * @defaultValue 1000
   */
  releaseGraceMs?: number;
}

const DEFAULTS: Required<RedisSingleFlightOptions> = { releaseGraceMs: 1000 };

function releaseAll(scope: FlightScope): void {
  for (const lock of [...scope.locks]) lock.release();
  scope.locks.clear();
}

async function* watchEnd(stream: AsyncIterable<ChatChunk>, onEnd: (completed: boolean) => void): AsyncGenerator<ChatChunk> {
  let completed = false;
  try {
    for await (const chunk of stream) yield chunk;
    completed = true;
  } finally {
    onEnd(completed);
  }
}

/**
 * Scope of cross-process single-flight for a Redis cache store: put it immediately outside
 * `cache({ store: redisCacheStore })`. Without it single-flight still works, but a follower in
 * another process waits until the failed leader's lock expires (`lockTtlMs`), and cannot be
 * cancelled by its caller while it waits.
 *
 * @param options - grace period for the cache's write
 * @returns the middleware
 * @throws {@link ConfigurationError} when `releaseGraceMs` is not a non-negative number
 * @example
 * ```ts
 * const stores = createRedisStores({ url: process.env.REDIS_URL! });
 * createClient({ adapter, use: [fallbackResponse(), redisSingleFlight(), cache({ ttlMs: 600_000, store: stores.cache }), meter()] });
 * ```
 */
export function redisSingleFlight(options: RedisSingleFlightOptions = {}): Middleware {
  const grace = options.releaseGraceMs ?? DEFAULTS.releaseGraceMs;
  if (typeof grace !== 'number' || !Number.isFinite(grace) || grace < 0) {
    throw new ConfigurationError(`redisSingleFlight: releaseGraceMs must be a non-negative number, got ${String(grace)}`);
  }
  const later = (scope: FlightScope): void => {
    if (scope.locks.size === 0) return;
    const timer = setTimeout(() => releaseAll(scope), grace);
    timer.unref?.();
  };

  return async function redisSingleFlight(ctx: Context, next: Next): Promise<void> {
    const remaining = ctx.remainingMs();
    const scope: FlightScope = { signal: ctx.signal, deadline: remaining === undefined ? undefined : Date.now() + remaining, locks: new Set() };
    try {
      await storage.run(scope, () => next());
    } catch (error) {
      releaseAll(scope);
      throw error;
    }
    if (ctx.streaming && ctx.stream) {
      ctx.stream = watchEnd(ctx.stream, (completed) => (completed ? later(scope) : releaseAll(scope)));
      return;
    }
    later(scope);
  };
}
