/**
 * Where a key pool keeps which keys are out of rotation: the {@link KeyPoolStore} contract and its
 * process-memory implementation. A shared store (`RedisKeyPoolStore` of `@lifeline/redis`) makes a
 * key cooled or quarantined by one process out of rotation in all of them.
 * @module
 */

/** Why a key was set aside: a 429 (`rate_limit`), a 401/403 (`auth`), an exhausted quota or billing error (`quota`). */
export type KeyReason = 'rate_limit' | 'auth' | 'quota';

/** A key out of rotation, as a store keeps it (keys are named by fingerprint, never by value). */
export interface KeyRecord {
  /** `cooling`: back by itself at `until`. `quarantined`: re-checked by one request at `until`. */
  state: 'cooling' | 'quarantined';
  /** Epoch ms: the end of the cool-down, or when the quarantine is re-checked. */
  until: number;
  /** Epoch ms when the key was set aside. */
  since: number;
  reason: KeyReason;
  /** The HTTP status that set it aside. */
  status?: number | undefined;
}

/**
 * The state of a pool's keys. Implementations must be safe for concurrent use; {@link claim} must
 * be atomic (one winner per re-check across every process sharing the store).
 */
export interface KeyPoolStore {
  /**
   * The records of `keys` in `pool`. Cool-downs that ended by `now` are left out; quarantines are
   * kept (past their `until` they are due for a re-check).
   */
  read(pool: string, keys: readonly string[], now: number): Promise<ReadonlyMap<string, KeyRecord>>;
  /**
   * Sets `key` aside. A cool-down never shortens a longer one already recorded, nor replaces a
   * quarantine; a quarantine replaces anything.
   */
  set(pool: string, key: string, record: KeyRecord, now: number): Promise<void>;
  /**
   * Claims the re-check of a quarantined key whose `until` is past: moves `until` to `next`.
   * @returns true for the one caller that gets to send the re-check
   */
  claim(pool: string, key: string, now: number, next: number): Promise<boolean>;
  /** Puts `key` back in rotation. */
  clear(pool: string, key: string): Promise<void>;
}

/**
 * Merges a new record into the one stored (the rule of {@link KeyPoolStore.set}).
 * @returns the record to keep
 */
export function mergeKeyRecord(current: KeyRecord | undefined, next: KeyRecord, now: number): KeyRecord {
  if (!current || next.state === 'quarantined') return next;
  if (current.state === 'quarantined') return current;
  return current.until > now && current.until >= next.until ? current : next;
}

/**
 * A {@link KeyPoolStore} in this process's memory (the default): pools and keys are few, and
 * ended cool-downs are dropped as they are read.
 *
 * @example
 * ```ts
 * const store = new MemoryKeyPoolStore();
 * openai({ baseURL, apiKey: [k1, k2], keyPool: { store } });
 * ```
 */
export class MemoryKeyPoolStore implements KeyPoolStore {
  readonly #pools = new Map<string, Map<string, KeyRecord>>();

  read(pool: string, keys: readonly string[], now: number): Promise<ReadonlyMap<string, KeyRecord>> {
    return Promise.resolve(this.readSync(pool, keys, now));
  }

  /** {@link read}, synchronously. */
  readSync(pool: string, keys: readonly string[], now: number): Map<string, KeyRecord> {
    const out = new Map<string, KeyRecord>();
    const records = this.#pools.get(pool);
    if (!records) return out;
    for (const key of keys) {
      const r = records.get(key);
      if (!r) continue;
      if (r.state === 'cooling' && r.until <= now) records.delete(key);
      else out.set(key, { ...r });
    }
    return out;
  }

  set(pool: string, key: string, record: KeyRecord, now: number): Promise<void> {
    this.setSync(pool, key, record, now);
    return Promise.resolve();
  }

  /** {@link set}, synchronously. */
  setSync(pool: string, key: string, record: KeyRecord, now: number): void {
    let records = this.#pools.get(pool);
    if (!records) this.#pools.set(pool, (records = new Map()));
    records.set(key, mergeKeyRecord(records.get(key), { ...record }, now));
  }

  claim(pool: string, key: string, now: number, next: number): Promise<boolean> {
    return Promise.resolve(this.claimSync(pool, key, now, next));
  }

  /** {@link claim}, synchronously. */
  claimSync(pool: string, key: string, now: number, next: number): boolean {
    const r = this.#pools.get(pool)?.get(key);
    if (!r || r.state !== 'quarantined' || r.until > now) return false;
    r.until = next;
    return true;
  }

  clear(pool: string, key: string): Promise<void> {
    this.#pools.get(pool)?.delete(key);
    return Promise.resolve();
  }
}
