/**
 * Single-flight: concurrent identical misses share one upstream call.
 * @module
 */
import { abortReason } from '@lifeline/core';
import type { ChatCacheEntry } from './entry.js';

/**
 * How a leader's call ended, as its followers see it:
 * - `ok` — the answer, stored or not: `entry()` parses it from the JSON captured when the leader
 *   finished (on the first call only) into one frozen copy shared by all followers;
 * - `error` — the leader's call failed: each follower gets the same error;
 * - `abandoned` — the leader's own caller cancelled (abort, its own deadline, stopped reading a
 *   stream): that is no verdict on the request, so the followers start over and one of them leads.
 */
export type FlightOutcome =
  | { kind: 'ok'; entry: () => ChatCacheEntry; degraded: boolean }
  | { kind: 'error'; error: unknown }
  | { kind: 'abandoned' };

/** One upstream call that identical requests wait on. */
export class Flight {
  /** Resolves (never rejects) with the outcome. */
  readonly outcome: Promise<FlightOutcome>;
  #resolve!: (outcome: FlightOutcome) => void;
  #settled = false;
  #followers = 0;

  constructor() {
    this.outcome = new Promise<FlightOutcome>((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** True once the outcome is known. */
  get settled(): boolean {
    return this.#settled;
  }

  /** How many callers have waited on this flight (including any that stopped waiting). */
  get followers(): number {
    return this.#followers;
  }

  /** Records the outcome; later calls are ignored. Returns whether this call settled it. */
  settle(outcome: FlightOutcome): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#resolve(outcome);
    return true;
  }

  /**
   * Waits for the outcome, or rejects with the follower's own abort reason (its `AbortError`,
   * or the `TimeoutError` of its deadline) as soon as `signal` aborts. Leaves no listener behind.
   */
  join(signal: AbortSignal): Promise<FlightOutcome> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    this.#followers++;
    return new Promise<FlightOutcome>((resolve, reject) => {
      const onAbort = (): void => reject(abortReason(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      void this.outcome.then((outcome) => {
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      });
    });
  }
}

/** The flights in progress, by cache key. */
export class FlightRegistry {
  readonly #flights = new Map<string, Flight>();

  /** Number of keys with a call in flight. */
  get size(): number {
    return this.#flights.size;
  }

  /** The flight for `key`, if one is in progress. */
  get(key: string): Flight | undefined {
    return this.#flights.get(key);
  }

  /** Starts a flight for `key`; the caller is its leader. */
  open(key: string): Flight {
    const flight = new Flight();
    this.#flights.set(key, flight);
    return flight;
  }

  /** Forgets `flight` (if it is still the one registered for `key`). */
  close(key: string, flight: Flight): void {
    if (this.#flights.get(key) === flight) this.#flights.delete(key);
  }

  /** Closes `flight` and then settles it, so woken followers never find it again. */
  end(key: string, flight: Flight, outcome: FlightOutcome): void {
    this.close(key, flight);
    flight.settle(outcome);
  }
}
