/**
 * `RedisRateLimitStore`: token buckets in Redis, so N gateway processes enforce ONE limit
 * (not N × the limit), each admission one atomic round trip.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';
import { MemoryRateLimitStore, type ProviderWindow, type RateCost, type RateLimits, type RateLimitStore, type TakeRequest, type TakeResult } from '@lifeline/rate-limit';
import type { RedisCallError } from './call-error.js';
import type { RedisConnection } from './connection.js';
import type { ConnectionOptions } from './connection-options.js';
import { RedisUnavailableError } from './errors.js';
import { KeySpace, validatePrefix } from './keys.js';
import { RATE_ADJUST, RATE_OBSERVE, RATE_TAKE } from './rate-limit-scripts.js';
import { connectionFrom, type FailMode, type RedisStoreStats, StoreGuard, validateFailMode } from './store-base.js';

/** Options of {@link RedisRateLimitStore}. Give `connection`, or `url`/`client` to make one. */
export interface RedisRateLimitStoreOptions extends ConnectionOptions {
  /** A shared connection. Not with `url`/`client`. */
  connection?: RedisConnection | undefined;
  /** First segment of every key. @defaultValue `'lifeline'` */
  prefix?: string | undefined;
  /**
   * When Redis cannot answer: `'open'` admits against process-local buckets (each process
   * enforcing `fallbackShare` of the limits), `'closed'` rejects the call with `RedisUnavailableError`.
   * @defaultValue `'open'`
   */
  failMode?: FailMode | undefined;
  /**
   * Share of each limit a process enforces on its own while Redis is unavailable: `1 / replicas`
   * keeps the global limit during an outage (if the load is spread evenly), `1` lets each
   * process use the whole limit.
   * @defaultValue 1
   */
  fallbackShare?: number | undefined;
}

const arg = (n: number | undefined): string => (n === undefined ? '' : String(n));

/** Keys whose target a store remembers for `adjust`. */
const PROVIDER_MEMO = 10_000;

/**
 * A `RateLimitStore` (of `@lifeline/rate-limit`) on Redis. The buckets of a key live in one hash
 * and its provider's observed window in another, both in the Redis Cluster slot of the target; `take`, `peek`, `adjust` and
 * `observe` are each one Lua step implementing exactly the memory store's arithmetic; `adjust`
 * and `observe` are write-behind (the call does not wait for them), so an admission costs the
 * request one round trip. Time is the
 * caller's clock (`req.now`): keep the gateways' clocks in sync (NTP); a process whose clock runs
 * ahead refills the shared bucket early by at most its skew.
 *
 * @example
 * ```ts
 * const store = new RedisRateLimitStore({ url: process.env.REDIS_URL, fallbackShare: 1 / 4 });
 * createClient({ adapter, use: [rateLimit({ rpm: 600, store })] }); // 600 rpm across all replicas
 * ```
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly connection: RedisConnection;
  readonly keys: KeySpace;
  /** The process-local store used while Redis is unavailable. */
  readonly fallback = new MemoryRateLimitStore();
  readonly #owned: boolean;
  readonly #guard: StoreGuard;
  readonly #failMode: FailMode;
  readonly #share: number;
  /**
   * The target of each key this process took from (most recent last, at most
   * {@link PROVIDER_MEMO}): a key's buckets live in its target's slot, and `adjust` — which always
   * follows a `take` of the same key in the same process — is not told the target.
   */
  readonly #providerOf = new Map<string, string>();

  /** @throws `ConfigurationError` naming an invalid option */
  constructor(options: RedisRateLimitStoreOptions) {
    if (typeof options !== 'object' || options === null) throw new ConfigurationError(`RedisRateLimitStore: options must be an object, got ${String(options)}`);
    if (options.prefix !== undefined) validatePrefix('RedisRateLimitStore', options.prefix);
    validateFailMode('RedisRateLimitStore', options.failMode);
    const share = options.fallbackShare;
    if (share !== undefined && (typeof share !== 'number' || !(share > 0 && share <= 1))) {
      throw new ConfigurationError(`RedisRateLimitStore: fallbackShare must be a number in (0, 1], got ${String(share)}`);
    }
    ({ connection: this.connection, owned: this.#owned } = connectionFrom('RedisRateLimitStore', options));
    this.keys = new KeySpace(options.prefix);
    this.#guard = new StoreGuard(this.connection, 'rateLimit');
    this.#failMode = options.failMode ?? 'open';
    this.#share = share ?? 1;
  }

  take(req: TakeRequest): Promise<TakeResult> {
    return this.#takeOrPeek(req, 'take');
  }

  peek(req: TakeRequest): Promise<TakeResult> {
    return this.#takeOrPeek(req, 'peek');
  }

  /** Write-behind: resolves at once; the correction reaches Redis in the background (see {@link RedisRateLimitStore.flush}). */
  async adjust(key: string, delta: RateCost, limits: RateLimits, now: number): Promise<void> {
    if ((!limits.rpm || !delta.requests) && (!limits.tpm || !delta.tokens)) return; // nothing to change
    const providerKey = this.#providerOf.get(key);
    if (providerKey === undefined) return this.fallback.adjust(key, delta, this.#local(limits), now); // never taken here: no shared bucket to correct
    this.#guard.background(() =>
      this.#guard.attempt(
        'adjust',
        () => this.connection.run('rateLimit', RATE_ADJUST, [this.keys.rateBucket(providerKey, key)], [now, delta.requests, delta.tokens, arg(limits.rpm), arg(limits.tpm)]),
        (f) => this.#unavailable('adjust', f, () => this.fallback.adjust(key, delta, this.#local(limits), now)),
      ),
    );
  }

  /** Write-behind: resolves at once; the window reaches Redis in the background (see {@link RedisRateLimitStore.flush}). */
  async observe(providerKey: string, window: ProviderWindow, now: number): Promise<void> {
    const w = window;
    this.#guard.background(() =>
      this.#guard.attempt(
        'observe',
        () =>
          this.connection.run('rateLimit', RATE_OBSERVE, [this.keys.rateProvider(providerKey)], [
            now, arg(w.remainingRequests), arg(w.resetRequestsAt), arg(w.remainingTokens), arg(w.resetTokensAt), arg(w.holdUntil),
          ]),
        (f) => this.#unavailable('observe', f, () => this.fallback.observe(providerKey, window, now)),
      ),
    );
  }

  /** Resolves once every `adjust` and `observe` made so far has reached Redis (or its fallback). */
  flush(): Promise<void> {
    return this.#guard.flush();
  }

  /** Counters: Redis calls, failures, fallbacks, refusals. */
  redisStats(): RedisStoreStats {
    return this.#guard.stats();
  }

  /** Waits for background writes, then closes the connection if this store made it. */
  async close(): Promise<void> {
    await this.flush();
    if (this.#owned) await this.connection.close();
  }

  async #takeOrPeek(req: TakeRequest, mode: 'take' | 'peek'): Promise<TakeResult> {
    const { key, providerKey, cost, limits, now } = req;
    if (mode === 'take') this.#remember(key, providerKey);
    return this.#guard.attempt(
      mode,
      async () => {
        const keys = [this.keys.rateBucket(providerKey, key), this.keys.rateProvider(providerKey)];
        const [ok, waitMs] = await this.connection.run<[number, number]>('rateLimit', RATE_TAKE, keys, [now, cost.requests, cost.tokens, arg(limits.rpm), arg(limits.tpm), mode]);
        return { ok: ok === 1, waitMs };
      },
      (f) => this.#unavailable(mode, f, () => this.fallback[mode]({ ...req, limits: this.#local(limits) })),
    );
  }

  #remember(key: string, providerKey: string): void {
    this.#providerOf.delete(key); // refresh recency
    this.#providerOf.set(key, providerKey);
    if (this.#providerOf.size > PROVIDER_MEMO) this.#providerOf.delete(this.#providerOf.keys().next().value!);
  }

  #local(limits: RateLimits): RateLimits {
    if (this.#share === 1) return limits;
    return { rpm: limits.rpm && limits.rpm * this.#share, tpm: limits.tpm && limits.tpm * this.#share };
  }

  #unavailable<T>(op: string, failure: RedisCallError, local: () => T): T {
    if (this.#failMode === 'open') {
      this.#guard.fellBack(op, failure);
      return local();
    }
    throw this.#guard.refused(op, failure, new RedisUnavailableError(`RedisRateLimitStore: ${op} failed and failMode is 'closed': ${failure.message}`, { cause: failure }));
  }
}
