/**
 * Leaders' side of cross-process single-flight: the locks this process holds for calls running
 * under `redisSingleFlight()` — renewed while the call runs, released (with a "no entry coming"
 * announcement) when it fails, forgotten when the entry is stored.
 * @module
 */
import { CACHE_RELEASE, CACHE_RENEW } from './cache-scripts.js';
import type { RedisConnection } from './connection.js';
import { FlightWaiters } from './flight.js';
import { currentFlightScope, type FlightScope, type HeldLock } from './flight-scope.js';
import { type KeySpace, keyDigest } from './keys.js';

interface Held {
  lock: HeldLock;
  scope: FlightScope;
  timer: ReturnType<typeof setInterval>;
}

/** The locks one cache store holds, by lock key. */
export class LeaderLocks {
  readonly #held = new Map<string, Held>();

  constructor(
    readonly connection: RedisConnection,
    readonly keys: KeySpace,
    readonly token: string,
    readonly lockTtlMs: number,
  ) {}

  /** Records that the current call took the lock of `key` (no-op outside `redisSingleFlight()`). */
  hold(key: string): void {
    const scope = currentFlightScope();
    if (!scope) return; // no scope: the lock ends with our `set`, or expires
    const lockKey = this.keys.cacheLock(key);
    this.forget(lockKey);
    const keys = [this.keys.cacheEntry(key), lockKey];
    const timer = setInterval(() => {
      this.connection.run<number>('cache', CACHE_RENEW, keys, [this.token, this.lockTtlMs]).catch(() => {});
    }, Math.max(1, Math.floor(this.lockTtlMs / 3)));
    timer.unref?.();
    const lock: HeldLock = { release: () => void this.release(key) };
    this.#held.set(lockKey, { lock, scope, timer });
    scope.locks.add(lock);
  }

  /** Stops renewing the lock under `lockKey` (its entry was stored, which released it). */
  forget(lockKey: string): void {
    const held = this.#held.get(lockKey);
    if (!held) return;
    clearInterval(held.timer);
    held.scope.locks.delete(held.lock);
    this.#held.delete(lockKey);
  }

  /** Releases the lock of `key` if this process holds it, telling followers no entry is coming. */
  async release(key: string): Promise<void> {
    const lockKey = this.keys.cacheLock(key);
    this.forget(lockKey);
    const failed = FlightWaiters.message('failed', keyDigest(key));
    await this.connection.run('cache', CACHE_RELEASE, [this.keys.cacheEntry(key), lockKey], [this.token, this.keys.flightChannel(), failed]).catch(() => {});
  }

  /** Stops every renewal. */
  clear(): void {
    for (const lockKey of [...this.#held.keys()]) this.forget(lockKey);
  }
}
