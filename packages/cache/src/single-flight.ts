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

/**
 * The `abandoned` outcome (one shared object). Followers treat every outcome other than `ok` and
 * `error` as abandoned, so its exact shape is never read.
 */
// Stryker disable next-line ObjectLiteral,StringLiteral: any outcome that is neither ok nor error makes followers start over
export const ABANDONED: FlightOutcome = Object.freeze({ kind: 'abandoned' });

/** One upstream call that identical requests wait on. */
export class Flight {
  // Plain (not #private) fields: one flight per miss, and V8 defines #private fields at a higher cost.
  private _outcome: FlightOutcome | undefined;
  /** The followers waiting now; one that aborts removes itself at once. Made for the first follower (most flights have none). */
  private _waiters: Set<(outcome: FlightOutcome) => void> | undefined;

  /** True once the outcome is known. */
  get settled(): boolean {
    return this._outcome !== undefined;
  }

  /** How many followers are waiting for the outcome now (an aborted one no longer counts). */
  get waiting(): number {
    return this._waiters?.size ?? 0;
  }

  /** Records the outcome and hands it to every waiting follower; later calls are ignored. Returns whether this call settled it. */
  settle(outcome: FlightOutcome): boolean {
    if (this._outcome !== undefined) return false;
    this._outcome = outcome;
    const waiters = this._waiters;
    this._waiters = undefined;
    if (waiters !== undefined) for (const waiter of waiters) waiter(outcome);
    return true;
  }

  /**
   * Waits for the outcome, or rejects with the follower's own abort reason (its `AbortError`,
   * or the `TimeoutError` of its deadline) as soon as `signal` aborts — detaching the follower
   * from the flight then and there. Leaves no listener behind either way.
   */
  join(signal: AbortSignal): Promise<FlightOutcome> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const known = this._outcome;
    if (known !== undefined) return Promise.resolve(known);
    return new Promise<FlightOutcome>((resolve, reject) => {
      const waiter = (outcome: FlightOutcome): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const onAbort = (): void => {
        this._waiters?.delete(waiter);
        reject(abortReason(signal));
      };
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, and the listener is removed when the outcome comes
      signal.addEventListener('abort', onAbort, { once: true });
      (this._waiters ??= new Set()).add(waiter);
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

  /** Followers waiting on any flight now. */
  get waiting(): number {
    let n = 0;
    for (const flight of this.#flights.values()) n += flight.waiting;
    return n;
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
