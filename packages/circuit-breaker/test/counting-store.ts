/**
 * A {@link BreakerStore} that counts the calls made to it: wraps a store (by default a fresh
 * `MemoryBreakerStore`) and answers synchronously, or through a promise like a network store.
 * @module
 */
import type { BreakerStore, MaybePromise, StoredBreaker } from '../src/store.js';
import { MemoryBreakerStore } from '../src/store.js';
import type { BreakerRecord } from '../src/state.js';

/** Calls made to a store, per method. */
export interface StoreOps {
  get: number;
  set: number;
  compareAndSet: number;
}

/** Counts every `get`, `set` and `compareAndSet`; `take()` returns the counts and zeroes them. */
export class CountingStore implements BreakerStore {
  ops: StoreOps = { get: 0, set: 0, compareAndSet: 0 };
  /** Called before each `compareAndSet` reaches the inner store (to simulate another process writing first). */
  beforeCompareAndSet: ((key: string) => void) | undefined;

  constructor(
    readonly inner: MemoryBreakerStore = new MemoryBreakerStore(),
    readonly mode: 'sync' | 'async' = 'sync',
  ) {}

  get(key: string): MaybePromise<StoredBreaker | undefined> {
    this.ops.get++;
    return this.#answer(this.inner.get(key));
  }

  set(key: string, record: BreakerRecord): MaybePromise<void> {
    this.ops.set++;
    return this.#answer(this.inner.set(key, record));
  }

  compareAndSet(key: string, expectedVersion: number, record: BreakerRecord): MaybePromise<boolean> {
    this.ops.compareAndSet++;
    this.beforeCompareAndSet?.(key);
    return this.#answer(this.inner.compareAndSet(key, expectedVersion, record));
  }

  keys(): Iterable<string> {
    return this.inner.keys();
  }

  /** The counts since the last `take()`, then zeroes them. */
  take(): StoreOps {
    const ops = this.ops;
    this.ops = { get: 0, set: 0, compareAndSet: 0 };
    return ops;
  }

  #answer<T>(value: T): MaybePromise<T> {
    return this.mode === 'sync' ? value : Promise.resolve(value);
  }
}
