/**
 * Followers' side of cross-process single-flight: wait for the leader's entry, woken by a
 * pub/sub announcement on `<prefix>:cache:flights` or, failing that, by polling with backoff.
 * @module
 */
import type { RedisConnection } from './connection.js';

/** Why a wait ended. */
export type WakeReason = 'done' | 'failed' | 'poll' | 'aborted';

/** First poll delay and cap, in ms (doubling in between). */
export const POLL_MS = { first: 25, max: 500 } as const;

/** The pub/sub side: one subscription per store, waiters by key digest. */
export class FlightWaiters {
  readonly #waiters = new Map<string, Set<(reason: WakeReason) => void>>();
  #subscribed: Promise<void> | undefined;

  constructor(
    readonly connection: RedisConnection,
    readonly channel: string,
  ) {}

  /** Announcement payload for a key: `d:<digest>` (entry stored) or `f:<digest>` (no entry coming). */
  static message(reason: 'done' | 'failed', digest: string): string {
    return `${reason === 'done' ? 'd' : 'f'}:${digest}`;
  }

  /** Number of waits in progress. */
  get size(): number {
    let n = 0;
    for (const set of this.#waiters.values()) n += set.size;
    return n;
  }

  #subscribe(): void {
    if (this.#subscribed) return;
    this.#subscribed = this.connection
      .subscribe(this.channel, (message) => {
        const digest = message.slice(2);
        const reason: WakeReason = message.startsWith('f:') ? 'failed' : 'done';
        const set = this.#waiters.get(digest);
        if (set) for (const wake of [...set]) wake(reason);
      })
      .catch(() => {
        this.#subscribed = undefined; // polling covers it; try again on the next wait
      });
  }

  /**
   * Waits until the flight of `digest` is announced, `delayMs` passes, or `signal` aborts.
   * Leaves no timer or listener behind.
   */
  wait(digest: string, delayMs: number, signal: AbortSignal | undefined): Promise<WakeReason> {
    this.#subscribe();
    if (signal?.aborted) return Promise.resolve('aborted');
    return new Promise<WakeReason>((resolve) => {
      let set = this.#waiters.get(digest);
      if (!set) this.#waiters.set(digest, (set = new Set()));
      const done = (reason: WakeReason): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        set.delete(done);
        if (set.size === 0 && this.#waiters.get(digest) === set) this.#waiters.delete(digest);
        resolve(reason);
      };
      const onAbort = (): void => done('aborted');
      const timer = setTimeout(() => done('poll'), Math.max(1, delayMs));
      timer.unref?.();
      signal?.addEventListener('abort', onAbort, { once: true });
      set.add(done);
    });
  }
}
