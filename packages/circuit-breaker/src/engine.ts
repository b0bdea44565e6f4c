/**
 * Runs the pure state machine against a {@link BreakerStore}: read, compute, compare-and-set,
 * re-read on conflict. Stays synchronous with a synchronous store (no await on the hot path).
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '@lifeline/core';
import { acquire, describe, initialRecord, type MachineConfig, type Outcome, type Permit, type Rejection, settle, type Step, type BreakerKeySnapshot } from './machine.js';
import type { BreakerStore, MaybePromise, StoredBreaker } from './store.js';
import type { BreakerRecord, StateChange } from './state.js';

/** Keys remembered for snapshots (stores list their own keys too). */
const MAX_SEEN = 10_000;

/** The permit of a closed breaker in its first period (shared: permits are never mutated). */
const CLOSED: Permit = Object.freeze({ probe: false, epoch: 0 });

/** Conflicting writes tolerated before giving up on writing (the computed result still applies). */
const MAX_CAS_TRIES = 32;

/** @internal Whether `value` is a promise (or any thenable). */
export function isPromiseLike<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/** @internal Applies `fn` to `value` now, or once it resolves. */
export function andThen<A, B>(value: MaybePromise<A>, fn: (a: A) => MaybePromise<B>): MaybePromise<B> {
  return isPromiseLike(value) ? value.then(fn) : fn(value);
}

/** The breaker logic bound to a store, a config and a change listener. */
export class BreakerEngine {
  readonly #instance = randomUUID().slice(0, 8);
  #probes = 0;
  #lastSeen: string | undefined;
  /** Record of a key never written, for the hot path's read-only checks. */
  #blank: BreakerRecord | undefined;
  /** Keys seen by this process (for snapshots of stores without `keys()`). */
  readonly seen = new Set<string>();

  constructor(
    readonly config: MachineConfig,
    readonly store: BreakerStore,
    readonly emit: (change: StateChange) => void,
  ) {}

  /** A permit for a call on `key`, or the rejection. Reads `clock` only when the breaker is not closed. */
  acquire(key: string, clock: Clock): MaybePromise<Permit | Rejection> {
    if (key !== this.#lastSeen && this.seen.size < MAX_SEEN) {
      this.seen.add(key);
      this.#lastSeen = key;
    }
    const stored = this.store.get(key);
    if (!isPromiseLike(stored)) {
      // Hot path: a closed breaker in a synchronous store needs no write and no time.
      if (stored === undefined) return CLOSED;
      const rec = stored.record;
      if (rec.state.name === 'closed') return rec.epoch === 0 ? CLOSED : { probe: false, epoch: rec.epoch };
    }
    const now = clock.now();
    return this.#update(key, now, (rec) => acquire(this.config, rec, now, () => `${this.#instance}:${++this.#probes}`));
  }

  /**
   * Records how a permitted call ended; resolves with the permit further outcomes count under.
   * `at` is the time of the outcome when the caller already read it (else `clock` is read, if needed).
   */
  settle(key: string, permit: Permit, outcome: Outcome, clock: Clock, at?: number): MaybePromise<Permit | undefined> {
    if (!permit.probe && outcome.kind !== 'failure') {
      if (outcome.kind === 'neutral') return undefined;
      const policy = this.config.policy;
      const stored = this.store.get(key);
      if (!isPromiseLike(stored)) {
        // Hot path: a success that changes no counter (consecutive policy) needs no write.
        const rec = stored === undefined ? (this.#blank ??= initialRecord(policy, 0)) : stored.record;
        if (rec.state.name !== 'closed' || rec.epoch !== permit.epoch) return undefined;
        if (policy.timeless && policy.success(rec.policy, 0) === rec.policy) return undefined;
      }
    }
    const now = at ?? clock.now();
    return this.#update(key, now, (rec) => settle(this.config, rec, permit, outcome, now));
  }

  /** Forces a state (isolate, reset), announcing the change. */
  force(key: string, now: number, record: BreakerRecord, reason: 'isolated' | 'reset'): MaybePromise<void> {
    return andThen(this.store.get(key), (stored) => {
      const from = stored?.record.state.name ?? 'closed';
      return andThen(this.store.set(key, record), () => {
        if (from !== record.state.name) this.emit({ key, from, to: record.state.name, reason, at: now });
      });
    });
  }

  /** Snapshot of one key. */
  describe(key: string, now: number): MaybePromise<BreakerKeySnapshot> {
    return andThen(this.store.get(key), (stored) => describe(this.config, stored?.record ?? initialRecord(this.config.policy, now), now));
  }

  #update<R>(key: string, now: number, step: (rec: BreakerRecord) => Step<R>): MaybePromise<R> {
    const attempt = (tries: number): MaybePromise<R> =>
      andThen(this.store.get(key), (stored: StoredBreaker | undefined) => {
        const current = stored?.record ?? initialRecord(this.config.policy, now);
        const { next, result, changes } = step(current);
        if (next === undefined) return result;
        return andThen(this.store.compareAndSet(key, stored?.version ?? 0, next), (ok) => {
          if (!ok) return tries < MAX_CAS_TRIES ? attempt(tries + 1) : result;
          for (const change of changes) this.emit({ key, ...change });
          return result;
        });
      });
    return attempt(1);
  }
}
