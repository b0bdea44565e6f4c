/**
 * Where the Responses API front door keeps answers for `previous_response_id`,
 * `item_reference` and `GET /v1/responses/{id}`: per scope (a tenant), for a TTL. In process
 * memory (an LRU bounded in bytes) by default; in Redis with `store.redis`
 * (`response-store-redis.ts`), so every gateway on it can continue any response.
 * @module
 */
import { type Clock, ConfigurationError, systemClock } from '@lifeline/core';
import { LRUCache } from 'lru-cache';

/**
 * A store of serialised responses. Values are opaque JSON to the store. `get` and `set` never
 * reject: a store that cannot reach its backend answers from (and writes to) a local fallback.
 */
export interface ResponseStore {
  /** How long an entry lives after it is written, in ms. */
  readonly ttlMs: number;
  /** The JSON stored under `id` in `scope`, or `undefined` (never stored, expired, evicted, other scope). */
  get(scope: string, id: string): Promise<string | undefined>;
  /** Stores `json` under `id` in `scope` for {@link ResponseStore.ttlMs}. */
  set(scope: string, id: string, json: string): Promise<void>;
  /** Forgets `id` in `scope`. */
  delete(scope: string, id: string): Promise<void>;
}

/** Options of {@link memoryResponseStore}. */
export interface ResponseStoreOptions {
  /**
   * How long a response can be continued and read back, in ms.
   * @defaultValue 86_400_000 (one day)
   */
  ttlMs?: number;
  /**
   * Most bytes held (UTF-8 JSON plus key); the least recently used entry goes first. An entry
   * larger than this is not kept.
   * @defaultValue 33_554_432 (32 MiB)
   */
  maxBytes?: number;
  /** Time source for expiry. @defaultValue the system clock */
  clock?: Clock;
}

/** Defaults of {@link ResponseStoreOptions}. */
export const RESPONSE_STORE_DEFAULTS: Required<Omit<ResponseStoreOptions, 'clock'>> = { ttlMs: 86_400_000, maxBytes: 32 * 1024 * 1024 };

interface Slot {
  json: string;
  expiresAt: number;
}

function positiveInt(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigurationError(`responseStore: ${name} must be a positive integer, got ${String(value)}`);
  }
}

/**
 * A {@link ResponseStore} in process memory, on `lru-cache`, bounded in bytes.
 *
 * @param options - TTL, byte bound, clock
 * @returns the store
 * @throws `ConfigurationError` (from `@lifeline/core`) when `ttlMs` or `maxBytes` is not a positive integer
 * @example
 * ```ts
 * const store = memoryResponseStore({ ttlMs: 3_600_000 });
 * await store.set('tenant-a', 'resp_…', json);
 * await store.get('tenant-b', 'resp_…'); // undefined: another tenant's
 * ```
 */
export function memoryResponseStore(options: ResponseStoreOptions = {}): ResponseStore {
  const ttlMs = options.ttlMs ?? RESPONSE_STORE_DEFAULTS.ttlMs;
  const maxBytes = options.maxBytes ?? RESPONSE_STORE_DEFAULTS.maxBytes;
  positiveInt('ttlMs', ttlMs);
  positiveInt('maxBytes', maxBytes);
  const clock = options.clock ?? systemClock;
  const lru = new LRUCache<string, Slot>({ maxSize: maxBytes, sizeCalculation: (slot, key) => Math.max(1, Buffer.byteLength(slot.json) + key.length) });
  const keyOf = (scope: string, id: string) => `${scope}\u0000${id}`;
  return {
    ttlMs,
    get(scope, id) {
      const key = keyOf(scope, id);
      const slot = lru.get(key);
      if (slot && slot.expiresAt <= clock.now()) {
        lru.delete(key);
        return Promise.resolve(undefined);
      }
      return Promise.resolve(slot?.json);
    },
    set(scope, id, json) {
      lru.set(keyOf(scope, id), { json, expiresAt: clock.now() + ttlMs });
      return Promise.resolve();
    },
    delete(scope, id) {
      lru.delete(keyOf(scope, id));
      return Promise.resolve();
    },
  };
}
