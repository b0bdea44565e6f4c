/**
 * A shared {@link KeyPoolStore} with a process-local mirror: every write lands in both, and when
 * the shared store fails (it should fall back on its own; a custom one may throw), this process
 * still keeps what it learnt itself. A key pool never fails a call because its store did.
 * @module
 */
import { MemoryKeyPoolStore, type KeyPoolStore, type KeyRecord } from './store.js';

/** Wraps `shared`; failures of `shared` are answered by the local mirror. */
export class MirroredKeyPoolStore implements KeyPoolStore {
  readonly #local = new MemoryKeyPoolStore();

  /** @param shared - the store processes share */
  constructor(readonly shared: KeyPoolStore) {}

  async read(pool: string, keys: readonly string[], now: number): Promise<ReadonlyMap<string, KeyRecord>> {
    try {
      return await this.shared.read(pool, keys, now);
    } catch {
      return this.#local.readSync(pool, keys, now);
    }
  }

  async set(pool: string, key: string, record: KeyRecord, now: number): Promise<void> {
    this.#local.setSync(pool, key, record, now);
    await this.shared.set(pool, key, record, now).catch(() => {});
  }

  async claim(pool: string, key: string, now: number, next: number): Promise<boolean> {
    try {
      const won = await this.shared.claim(pool, key, now, next);
      if (won) this.#local.claimSync(pool, key, now, next);
      return won;
    } catch {
      return this.#local.claimSync(pool, key, now, next);
    }
  }

  async clear(pool: string, key: string): Promise<void> {
    await this.#local.clear(pool, key);
    await this.shared.clear(pool, key).catch(() => {});
  }
}
