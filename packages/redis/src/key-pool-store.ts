/**
 * `RedisKeyPoolStore`: which API keys of a pool are cooling down or quarantined, in Redis — so a
 * key rate-limited or revoked as seen by one process is out of rotation in all of them.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';
import { MemoryKeyPoolStore, type KeyPoolStore, type KeyRecord } from '@lifeline/adapters';
import type { RedisCallError } from './call-error.js';
import type { RedisConnection } from './connection.js';
import type { ConnectionOptions } from './connection-options.js';
import { KeySpace, keyDigest, validatePrefix } from './keys.js';
import { LuaScript } from './lua.js';
import { connectionFrom, type RedisStoreStats, StoreGuard } from './store-base.js';

/** Options of {@link RedisKeyPoolStore}. Give `connection`, or `url`/`client` to make one. */
export interface RedisKeyPoolStoreOptions extends ConnectionOptions {
  /** A shared connection. Not with `url`/`client`. */
  connection?: RedisConnection | undefined;
  /** First segment of every key. @defaultValue `'lifeline'` */
  prefix?: string | undefined;
  /** How long a pool's record outlives the end of its last cool-down or quarantine, in ms. @defaultValue 86_400_000 (1 day) */
  retentionMs?: number | undefined;
}

/** Format version of the pool hashes (part of their key name). */
const VERSION = 'v1';

// KEYS[1] the pool's hash; ARGV: field, record (JSON), now, retention ms. Keeps the merge rule of
// `mergeKeyRecord`: a quarantine replaces anything; a cool-down replaces neither a quarantine nor a longer cool-down.
const SET = new LuaScript(
  'keyPool.set',
  `local now = tonumber(ARGV[3])
local nextRec = cjson.decode(ARGV[2])
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local keep = false
if raw and nextRec.state ~= 'quarantined' then
  local ok, cur = pcall(cjson.decode, raw)
  if ok and type(cur) == 'table' then
    if cur.state == 'quarantined' then keep = true
    elseif tonumber(cur['until']) > now and tonumber(cur['until']) >= tonumber(nextRec['until']) then keep = true end
  end
end
if not keep then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
local want = tonumber(nextRec['until']) - now + tonumber(ARGV[4])
if redis.call('PTTL', KEYS[1]) < want then redis.call('PEXPIRE', KEYS[1], want) end
return keep and 0 or 1`,
);

// KEYS[1] the pool's hash; ARGV: field, now, next re-check. 1 for the one caller that claims a due re-check.
const CLAIM = new LuaScript(
  'keyPool.claim',
  `local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local ok, cur = pcall(cjson.decode, raw)
if not ok or type(cur) ~= 'table' or cur.state ~= 'quarantined' or tonumber(cur['until']) > tonumber(ARGV[2]) then return 0 end
cur['until'] = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(cur))
return 1`,
);

/**
 * A `KeyPoolStore` (of `@lifeline/adapters`) on Redis: one hash per pool
 * (`<prefix>:keypool:v1:{<pool digest>}`), one field per key — a digest of its fingerprint, never
 * the key — holding the key's record as JSON; `set` and `claim` are one Lua step each. While
 * Redis is unavailable it answers from a process-local `MemoryKeyPoolStore` (a pool never refuses
 * calls because Redis is down).
 *
 * @example
 * ```ts
 * const store = new RedisKeyPoolStore({ url: process.env.REDIS_URL });
 * openai({ name: 'primary', baseURL, apiKey: [k1, k2, k3], keyPool: { store } });
 * ```
 */
export class RedisKeyPoolStore implements KeyPoolStore {
  readonly connection: RedisConnection;
  readonly keySpace: KeySpace;
  /** The process-local store used while Redis is unavailable. */
  readonly fallback = new MemoryKeyPoolStore();
  readonly #owned: boolean;
  readonly #guard: StoreGuard;
  readonly #retention: number;

  /** @throws `ConfigurationError` naming an invalid option */
  constructor(options: RedisKeyPoolStoreOptions) {
    if (typeof options !== 'object' || options === null) throw new ConfigurationError(`RedisKeyPoolStore: options must be an object, got ${String(options)}`);
    if (options.prefix !== undefined) validatePrefix('RedisKeyPoolStore', options.prefix);
    const retention = options.retentionMs ?? 86_400_000;
    if (typeof retention !== 'number' || !Number.isSafeInteger(retention) || retention < 1) throw new ConfigurationError(`RedisKeyPoolStore: retentionMs must be a positive integer, got ${String(retention)}`);
    ({ connection: this.connection, owned: this.#owned } = connectionFrom('RedisKeyPoolStore', options));
    this.keySpace = new KeySpace(options.prefix);
    this.#guard = new StoreGuard(this.connection, 'keyPool');
    this.#retention = retention;
  }

  /** The Redis key of a pool's hash. */
  poolKey(pool: string): string {
    return this.keySpace.tagged('keypool', VERSION, pool);
  }

  async read(pool: string, keys: readonly string[], now: number): Promise<ReadonlyMap<string, KeyRecord>> {
    if (keys.length === 0) return new Map();
    return this.#guard.attempt(
      'read',
      async () => {
        const values = await this.connection.call<Array<string | null>>('keyPool', 'read', ['HMGET', this.poolKey(pool), ...keys.map(keyDigest)]);
        const out = new Map<string, KeyRecord>();
        keys.forEach((key, i) => {
          const record = parse(values[i]);
          if (record && !(record.state === 'cooling' && record.until <= now)) out.set(key, record);
        });
        return out;
      },
      (f) => this.#local('read', f, () => this.fallback.readSync(pool, keys, now)),
    );
  }

  async set(pool: string, key: string, record: KeyRecord, now: number): Promise<void> {
    this.fallback.setSync(pool, key, record, now);
    await this.#guard.attempt(
      'set',
      () => this.connection.run('keyPool', SET, [this.poolKey(pool)], [keyDigest(key), JSON.stringify(record), now, this.#retention]),
      (f) => this.#local('set', f, () => undefined),
    );
  }

  async claim(pool: string, key: string, now: number, next: number): Promise<boolean> {
    return this.#guard.attempt(
      'claim',
      async () => (await this.connection.run<number>('keyPool', CLAIM, [this.poolKey(pool)], [keyDigest(key), now, next])) === 1,
      (f) => this.#local('claim', f, () => this.fallback.claimSync(pool, key, now, next)),
    );
  }

  async clear(pool: string, key: string): Promise<void> {
    await this.fallback.clear(pool, key);
    await this.#guard.attempt(
      'clear',
      () => this.connection.call('keyPool', 'clear', ['HDEL', this.poolKey(pool), keyDigest(key)]),
      (f) => this.#local('clear', f, () => undefined),
    );
  }

  /** Counters: Redis calls, failures, fallbacks. */
  redisStats(): RedisStoreStats {
    return this.#guard.stats();
  }

  /** Closes the connection if this store made it. */
  async close(): Promise<void> {
    if (this.#owned) await this.connection.close();
  }

  #local<T>(op: string, failure: RedisCallError, local: () => T): T {
    this.#guard.fellBack(op, failure);
    return local();
  }
}

function parse(raw: string | null | undefined): KeyRecord | undefined {
  if (!raw) return undefined;
  try {
    const r = JSON.parse(raw) as KeyRecord;
    return (r.state === 'cooling' || r.state === 'quarantined') && typeof r.until === 'number' ? r : undefined;
  } catch {
    return undefined;
  }
}
