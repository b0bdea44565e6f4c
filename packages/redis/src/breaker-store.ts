/**
 * `RedisBreakerStore`: circuit-breaker records in Redis, so a breaker opened by failures in one
 * process is open in all of them, and the half-open probe slot is taken by exactly one.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';
import { type BreakerRecord, type BreakerStore, MemoryBreakerStore, type StoredBreaker } from '@lifeline/circuit-breaker';
import type { RedisCallError } from './call-error.js';
import type { RedisConnection } from './connection.js';
import type { ConnectionOptions } from './connection-options.js';
import { RedisUnavailableError } from './errors.js';
import { KeySpace, validatePrefix, VALUE_VERSION } from './keys.js';
import { LuaScript } from './lua.js';
import { connectionFrom, type FailMode, type RedisStoreStats, StoreGuard, validateFailMode } from './store-base.js';

/** Options of {@link RedisBreakerStore}. Give `connection`, or `url`/`client` to make one. */
export interface RedisBreakerStoreOptions extends ConnectionOptions {
  /** A shared connection. Not with `url`/`client`. */
  connection?: RedisConnection | undefined;
  /** First segment of every key. @defaultValue `'lifeline'` */
  prefix?: string | undefined;
  /** When Redis cannot answer: `'open'` uses a process-local store, `'closed'` rejects the call with `RedisUnavailableError`. @defaultValue `'open'` */
  failMode?: FailMode | undefined;
  /** How long a record outlives its last write, in ms (isolated breakers never expire). @defaultValue 86_400_000 (1 day) */
  recordTtlMs?: number | undefined;
  /** Breaker keys listed by `keys()` (the most recently written). @defaultValue 10_000 */
  maxKeys?: number | undefined;
}

/** Versions of records read from the process-local fallback are offset by this, so they never match a Redis version. */
export const LOCAL_VERSION_BASE = 2 ** 40;

const CAS = new LuaScript(
  'breaker.cas',
  `local f = redis.call('HMGET', KEYS[1], 'f', 'ver')
local cur = 0
if f[1] == ARGV[4] and f[2] then cur = tonumber(f[2]) elseif f[1] or f[2] then redis.call('DEL', KEYS[1]) end
if ARGV[1] ~= '*' and cur ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'f', ARGV[4], 'ver', cur + 1, 'rec', ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
return cur + 1`,
);

/**
 * A `BreakerStore` (of `@lifeline/circuit-breaker`) on Redis: one hash per breaker
 * (`f`=format, `ver`, `rec`=JSON), `compareAndSet` as one Lua step. Concurrent reads of a key
 * share one round trip; there is no local caching, so a transition made by one process is seen
 * by the next call in every other. While Redis is unavailable it answers from a process-local
 * `MemoryBreakerStore` (whose versions are offset by {@link LOCAL_VERSION_BASE}).
 *
 * @example
 * ```ts
 * const breaker = circuitBreaker({ store: new RedisBreakerStore({ url: process.env.REDIS_URL }) });
 * ```
 */
export class RedisBreakerStore implements BreakerStore {
  readonly connection: RedisConnection;
  readonly keySpace: KeySpace;
  /** The process-local store used while Redis is unavailable. */
  readonly fallback = new MemoryBreakerStore();
  readonly #owned: boolean;
  readonly #guard: StoreGuard;
  readonly #failMode: FailMode;
  readonly #ttl: number;
  readonly #maxKeys: number;
  readonly #reads = new Map<string, Promise<StoredBreaker | undefined>>();

  /** @throws `ConfigurationError` naming an invalid option */
  constructor(options: RedisBreakerStoreOptions) {
    if (typeof options !== 'object' || options === null) throw new ConfigurationError(`RedisBreakerStore: options must be an object, got ${String(options)}`);
    if (options.prefix !== undefined) validatePrefix('RedisBreakerStore', options.prefix);
    validateFailMode('RedisBreakerStore', options.failMode);
    for (const name of ['recordTtlMs', 'maxKeys'] as const) {
      const v = options[name];
      if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)) throw new ConfigurationError(`RedisBreakerStore: ${name} must be a positive integer, got ${String(v)}`);
    }
    ({ connection: this.connection, owned: this.#owned } = connectionFrom('RedisBreakerStore', options));
    this.keySpace = new KeySpace(options.prefix);
    this.#guard = new StoreGuard(this.connection, 'breaker');
    this.#failMode = options.failMode ?? 'open';
    this.#ttl = options.recordTtlMs ?? 86_400_000;
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  get(key: string): Promise<StoredBreaker | undefined> {
    let read = this.#reads.get(key);
    if (!read) {
      read = this.#read(key).finally(() => {
        if (this.#reads.get(key) === read) this.#reads.delete(key);
      });
      this.#reads.set(key, read);
    }
    return read;
  }

  async set(key: string, record: BreakerRecord): Promise<void> {
    await this.#write(key, '*', record, () => this.fallback.set(key, record));
  }

  async compareAndSet(key: string, expectedVersion: number, record: BreakerRecord): Promise<boolean> {
    if (expectedVersion >= LOCAL_VERSION_BASE) return this.fallback.compareAndSet(key, expectedVersion - LOCAL_VERSION_BASE, record);
    // A version read from Redis cannot be checked locally: report a conflict, the breaker re-reads.
    return this.#write(key, String(expectedVersion), record, () => (expectedVersion === 0 ? this.fallback.compareAndSet(key, 0, record) : false));
  }

  async keys(): Promise<Iterable<string>> {
    const local = [...this.fallback.keys()];
    const remote = await this.#guard.attempt(
      'keys',
      () => this.connection.call<string[]>('breaker', 'keys', ['ZRANGE', this.keySpace.breakerIndex(), String(-this.#maxKeys), '-1']),
      (f) => this.#unavailable('keys', f, () => [] as string[]),
    );
    return new Set([...remote, ...local]);
  }

  /** Counters: Redis calls, failures, fallbacks, refusals. */
  redisStats(): RedisStoreStats {
    return this.#guard.stats();
  }

  /** Closes the connection if this store made it. */
  async close(): Promise<void> {
    if (this.#owned) await this.connection.close();
  }

  async #read(key: string): Promise<StoredBreaker | undefined> {
    return this.#guard.attempt(
      'get',
      async () => {
        const [format, version, rec] = await this.connection.call<Array<string | null>>('breaker', 'get', ['HMGET', this.keySpace.breaker(key), 'f', 'ver', 'rec']);
        if (format !== VALUE_VERSION || !version || !rec) return undefined; // absent, or another format version
        return { version: Number(version), record: JSON.parse(rec) as BreakerRecord };
      },
      (f) =>
        this.#unavailable('get', f, () => {
          const local = this.fallback.get(key);
          return local && { version: local.version + LOCAL_VERSION_BASE, record: local.record };
        }),
    );
  }

  async #write(key: string, expected: string, record: BreakerRecord, local: () => boolean | void): Promise<boolean> {
    this.#reads.delete(key); // reads issued from now on are ordered after this write
    const ttl = record.state.name === 'isolated' ? 0 : this.#ttl;
    return this.#guard.attempt(
      expected === '*' ? 'set' : 'compareAndSet',
      async () => {
        const version = await this.connection.run<number>('breaker', CAS, [this.keySpace.breaker(key)], [expected, JSON.stringify(record), ttl, VALUE_VERSION]);
        if (version === 0) return false;
        const index = this.keySpace.breakerIndex();
        void this.connection.call('breaker', 'index', ['ZADD', index, String(Date.now()), key]).catch(() => {});
        if (version % 64 === 1) void this.connection.call('breaker', 'index', ['ZREMRANGEBYRANK', index, '0', String(-this.#maxKeys - 1)]).catch(() => {});
        return true;
      },
      (f) => this.#unavailable(expected === '*' ? 'set' : 'compareAndSet', f, () => local() !== false),
    );
  }

  #unavailable<T>(op: string, failure: RedisCallError, local: () => T): T {
    if (this.#failMode === 'open') {
      this.#guard.fellBack(op, failure);
      return local();
    }
    throw this.#guard.refused(op, failure, new RedisUnavailableError(`RedisBreakerStore: ${op} failed and failMode is 'closed': ${failure.message}`, { cause: failure }));
  }
}
