/**
 * `cache()`: tier 3a — exact-match answers, single-flight, stale-if-error, stream record/replay.
 * @module
 */
import { type Clock, type Context, isOutage, lifelineChannel, type Middleware, type Next, publish, systemClock } from '@lifeline/core';
import { readDirectives } from './cache-control.js';
import { type CacheEntry, type ChatCacheEntry, isCacheEntry } from './entry.js';
import { embeddingPath } from './embedding-path.js';
import { cacheKey, hashKey } from './key.js';
import { memoryStore } from './memory-store.js';
import { type Counters, missPath, type MissRuntime } from './miss.js';
import { serveEntry } from './serve.js';
import { type CacheOptions, DEFAULTS, validate } from './options.js';
import { FlightRegistry } from './single-flight.js';
import type { CacheStore } from './store.js';

/** `lifeline:cache`, looked up once: a hit builds its event only while someone subscribes. */
const events = lifelineChannel('lifeline:cache');

/** Counters and size of a cache, from {@link CacheMiddleware.stats}. */
export interface CacheStats extends Counters {
  /** Entries in the store, when the store can tell (`memoryStore` can). */
  entries: number | undefined;
  /** Bytes in the store, when the store can tell. */
  bytes: number | undefined;
  /** Keys with an upstream call in flight. */
  inFlight: number;
  /** Callers waiting now on another caller's identical request (an aborted one stops counting at once). */
  waiting: number;
}

/** The middleware returned by {@link cache}, with its stats and store. */
export interface CacheMiddleware extends Middleware {
  /** Size and counters: `{ entries, bytes, hits, misses, stale, coalesced, bypassed, stored, storeErrors, itemHits, itemMisses, inFlight, waiting }`. */
  stats(): CacheStats;
  /** The store in use (e.g. to `delete(cacheKey(request, scope))`). */
  readonly store: CacheStore;
}

/**
 * Answers repeated requests from a cache: exact match on every output-affecting field (see
 * {@link cacheKey}), per tenant; concurrent identical misses share one upstream call; a streamed
 * answer is recorded as it passes and replayed chunk for chunk; when the call fails with an
 * outage, an expired entry is served within `staleIfErrorMs`. A cached answer costs nothing
 * (`meta.costUsd = 0`) and says what it saved (`meta.savedUsd`). Never stored: errors, partial
 * streams, degraded answers, truncated answers (unless `cacheTruncated`). Place it outside
 * `meter()` and inside `fallbackResponse()`.
 *
 * Embedding calls are cached per input item (key: model, `dimensions`, `encoding_format`, the
 * item, the scope): a batch whose items are partly cached goes upstream with the misses only and
 * is reassembled in input order; `meta.cacheItems` says how many items were hits.
 *
 * @param options - TTLs, store, key, scope and policy
 * @returns the middleware, with `stats()` and `store`
 * @throws `ConfigurationError` (from `@lifeline/core`) when an option is invalid
 * @example
 * ```ts
 * const answers = cache({ ttlMs: 600_000, staleIfErrorMs: 86_400_000 });
 * const client = createClient({ adapter, use: [fallbackResponse(), answers, meter(), retry()] });
 * const { meta } = await client.chat(req, { metadata: { tenant: 'acme' } });
 * meta.cache; // 'miss', then 'hit' for the same request
 * answers.stats(); // { entries: 1, bytes: 1432, hits: 1, misses: 1, … }
 * ```
 */
export function cache(options: CacheOptions): CacheMiddleware {
  validate(options);
  const ownStore = options.store === undefined ? memoryStore(options.clock ? { clock: options.clock } : {}) : undefined;
  const store = options.store ?? ownStore!;
  /** True when `clock` is the one the store this cache made reads: one read then serves both. */
  const sharesClock = (clock: Clock): boolean => ownStore !== undefined && (options.clock !== undefined || clock === systemClock);
  const keyOf = options.key;
  const scopeOf = options.scope ?? DEFAULTS.scope;
  const when = options.when ?? DEFAULTS.when;
  const counters: Counters = { hits: 0, misses: 0, stale: 0, coalesced: 0, bypassed: 0, stored: 0, storeErrors: 0, itemHits: 0, itemMisses: 0 };
  const coalesce = options.coalesce ?? DEFAULTS.coalesce;
  const rt: MissRuntime = {
    store,
    flights: coalesce ? new FlightRegistry() : undefined,
    counters,
    ttlMs: options.ttlMs,
    staleIfErrorMs: options.staleIfErrorMs ?? DEFAULTS.staleIfErrorMs,
    cacheTruncated: options.cacheTruncated ?? DEFAULTS.cacheTruncated,
    clock: options.clock,
    recordAnswers: (options.recordStreams ?? (options.ttlMs === 0 ? 'answer' : 'chunks')) === 'answer',
  };

  async function read(ctx: Context, key: string, peek = false): Promise<CacheEntry | undefined> {
    try {
      const entry = await (peek && store.peek ? store.peek(key) : store.get(key));
      return isCacheEntry(entry) ? entry : undefined;
    } catch (error) {
      return readFailed(ctx, key, error);
    }
  }

  /** {@link read} from a store that answers at once (`getNow`); `now` only for the store this cache made. */
  function readNow(ctx: Context, key: string, getNow: (key: string, now?: number) => CacheEntry | undefined, now: number | undefined): CacheEntry | undefined {
    try {
      const entry = getNow.call(store, key, now);
      return isCacheEntry(entry) ? entry : undefined;
    } catch (error) {
      return readFailed(ctx, key, error);
    }
  }

  function readFailed(ctx: Context, key: string, error: unknown): undefined {
    counters.storeErrors++;
    publish('lifeline:cache', () => ({ ctx, key, status: 'error', error }));
    return undefined;
  }

  const peekItem = (ctx: Context, key: string) => read(ctx, key, true);

  const middleware = async function cache(ctx: Context, next: Next): Promise<void> {
    const directives = readDirectives(ctx.metadata);
    if (directives.noStore || !when(ctx)) {
      counters.bypassed++;
      publish('lifeline:cache', () => ({ ctx, key: undefined, status: 'bypass' }));
      return next();
    }
    const scope = scopeOf(ctx);
    if (ctx.operation === 'embed') return embeddingPath(rt, ctx, next, scope, directives, peekItem);
    const key = keyOf === undefined ? cacheKey(ctx.request, scope) : hashKey(keyOf(ctx.request, ctx), scope);
    const clock = rt.clock ?? ctx.clock;
    // ttlMs 0: never fresh on its own; a caller's max-age alone decides.
    const recordOnly = rt.ttlMs === 0;
    const maxAge = directives.maxAgeMs;
    // Calls without max-age share a flight only when answers can be fresh on their own.
    const coalesce = !recordOnly || maxAge !== undefined;
    if (directives.noCache || (recordOnly && maxAge === undefined)) {
      // Nothing can be served before the call: the entry matters only if the call fails, so it is
      // read then (no store read, no parse of a recorded answer, no wait on another process's
      // flight on the common path).
      try {
        await missPath(rt, ctx, next, key, coalesce);
      } catch (error) {
        if (!isOutage(error) || rt.staleIfErrorMs <= 0) throw error;
        const stale = await staleEntry(ctx, key, clock);
        if (stale === undefined) throw error;
        serveStale(ctx, key, stale, error);
      }
      return;
    }
    const getNow = store.getNow;
    // The store this cache made judges expiry on the same clock: it gets the time read here.
    const shared = getNow !== undefined && sharesClock(clock) ? clock.now() : undefined;
    const found = getNow !== undefined ? readNow(ctx, key, getNow, shared) : await read(ctx, key);
    let entry = found?.kind === 'embedding' ? undefined : found;
    // The time matters only for an entry found (otherwise a miss reads no clock here).
    const now = entry === undefined ? 0 : (shared ?? clock.now());
    if (entry !== undefined && now >= entry.staleUntil) entry = undefined;
    if (entry !== undefined && (recordOnly || now < entry.expiresAt) && (maxAge === undefined || now - entry.createdAt < maxAge)) {
      counters.hits++;
      serveEntry(ctx, entry, 'hit');
      if (events.hasSubscribers) events.publish({ ctx, key, status: 'hit' });
      return;
    }
    const stale = rt.staleIfErrorMs > 0 ? entry : undefined;
    try {
      await missPath(rt, ctx, next, key, coalesce);
    } catch (error) {
      if (stale === undefined || !isOutage(error) || clock.now() >= stale.staleUntil) throw error;
      serveStale(ctx, key, stale, error);
    }
  };

  /**
   * The chat entry under `key` still within its stale-if-error window, read when a call failed:
   * with `peek` where the store has it (no single-flight lock taken, no wait on another flight).
   */
  async function staleEntry(ctx: Context, key: string, clock: Clock): Promise<ChatCacheEntry | undefined> {
    const getNow = store.getNow;
    const found = getNow !== undefined ? readNow(ctx, key, getNow, undefined) : await read(ctx, key, true);
    if (found === undefined || found.kind === 'embedding') return undefined;
    return clock.now() < found.staleUntil ? found : undefined;
  }

  function serveStale(ctx: Context, key: string, entry: ChatCacheEntry, error: unknown): void {
    counters.stale++;
    serveEntry(ctx, entry, 'stale');
    publish('lifeline:cache', () => ({ ctx, key, status: 'stale', error }));
  }

  return Object.assign(middleware, {
    store,
    stats(): CacheStats {
      const size = store.stats?.();
      return { entries: size?.entries, bytes: size?.bytes, ...counters, inFlight: rt.flights?.size ?? 0, waiting: rt.flights?.waiting ?? 0 };
    },
  });
}
