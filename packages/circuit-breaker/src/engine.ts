/**
 * Runs the pure state machine against a {@link BreakerStore}: one read when a call is admitted;
 * its outcome is then computed on what this process last saw of the record (carried in the
 * permit) and written with compare-and-set against that version, re-reading only on conflict.
 * Stays synchronous with a synchronous store (no await on the hot path).
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '@lifeline/core';
import { acquire, describe, initialRecord, type MachineConfig, type Outcome, type Permit, type Rejection, settle, type Step, type BreakerKeySnapshot } from './machine.js';
import { type Observation, type Observations, observationsOf } from './observations.js';
import type { BreakerStore, MaybePromise, StoredBreaker } from './store.js';
import type { BreakerRecord, StateChange } from './state.js';

/** Keys remembered for snapshots (stores list their own keys too). */
const MAX_SEEN = 10_000;

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
  // Stryker disable next-line MethodExpression: only shortens the probe ids, which stay unique
  readonly #instance = randomUUID().slice(0, 8);
  #probes = 0;
  #lastSeen: string | undefined;
  /** Record of a key never written, for the hot path's read-only checks. */
  #blank: BreakerRecord | undefined;
  /** What this process last read or wrote of each key (shared with other breakers on the store). */
  readonly #known: Observations;
  /** Keys seen by this process (for snapshots of stores without `keys()`). */
  readonly seen = new Set<string>();

  constructor(
    readonly config: MachineConfig,
    readonly store: BreakerStore,
    readonly emit: (change: StateChange) => void,
  ) {
    this.#known = observationsOf(store);
  }

  /**
   * A permit for a call on `key`, or the rejection: one store read. Reads `clock` only when the
   * breaker is not closed. The permit carries the record read, for {@link BreakerEngine.settle}.
   */
  acquire(key: string, clock: Clock): MaybePromise<Permit | Rejection> {
    if (key !== this.#lastSeen && this.seen.size < MAX_SEEN) {
      this.seen.add(key);
      this.#lastSeen = key;
    }
    const seq = this.#known.next();
    const stored = this.store.get(key);
    if (isPromiseLike(stored)) return stored.then((s) => this.#admit(key, this.#known.observe(key, s, seq), clock));
    return this.#admit(key, this.#known.observe(key, stored, seq), clock);
  }

  /**
   * Records how a permitted call ended; resolves with the permit further outcomes count under.
   * `at` is the time of the outcome when the caller already read it (else `clock` is read, if needed).
   * Computed on the latest record this process knows (no read), written with compare-and-set: a
   * success that changes no counter touches neither the store nor the clock.
   */
  settle(key: string, permit: Permit, outcome: Outcome, clock: Clock, at?: number): MaybePromise<Permit | undefined> {
    if (!permit.probe && outcome.kind !== 'failure') {
      if (outcome.kind === 'neutral') return undefined;
      const policy = this.config.policy;
      const seen = permit.seen !== undefined && !permit.seen.stale ? permit.seen : this.#known.latest(key);
      if (seen !== undefined && policy.timeless) {
        // Hot path: a success that changes no counter (consecutive policy) writes nothing.
        const rec = seen.record ?? (this.#blank ??= initialRecord(policy, 0));
        if (rec.state.name !== 'closed' || rec.epoch !== permit.epoch) return undefined;
        if (policy.success(rec.policy, 0) === rec.policy) return undefined;
      }
    }
    const now = at ?? clock.now();
    return this.#update(key, now, (rec) => settle(this.config, rec, permit, outcome, now));
  }

  /** Forces a state (isolate, reset), announcing the change. */
  force(key: string, now: number, record: BreakerRecord, reason: 'isolated' | 'reset'): MaybePromise<void> {
    return andThen(this.store.get(key), (stored) => {
      const from = stored?.record.state.name ?? 'closed';
      this.#known.forget(key, this.#known.next());
      return andThen(this.store.set(key, record), () => {
        if (from !== record.state.name) this.emit({ key, from, to: record.state.name, reason, at: now });
      });
    });
  }

  /** Snapshot of one key. */
  describe(key: string, now: number): MaybePromise<BreakerKeySnapshot> {
    return andThen(this.store.get(key), (stored) => describe(this.config, stored?.record ?? initialRecord(this.config.policy, now), now));
  }

  /** The gate for a call, given the record just read: a closed breaker needs no write and no time. */
  #admit(key: string, seen: Observation, clock: Clock): MaybePromise<Permit | Rejection> {
    const rec = seen.record;
    if (rec === undefined || rec.state.name === 'closed') return (seen.permit ??= { probe: false, epoch: rec?.epoch ?? 0, seen });
    const now = clock.now();
    return this.#update(key, now, (r) => acquire(this.config, r, now, () => `${this.#instance}:${++this.#probes}`), seen);
  }

  /** Reads `key`, recording what was read. */
  #read(key: string): MaybePromise<Observation> {
    const seq = this.#known.next();
    return andThen(this.store.get(key), (stored) => this.#known.observe(key, stored, seq));
  }

  /**
   * Computes `step` on the latest record known (`from`, else the latest observation, else a read)
   * and writes the result with compare-and-set; on a conflict, reads again and recomputes.
   */
  #update<R extends Permit | Rejection | undefined>(key: string, now: number, step: (rec: BreakerRecord) => Step<R>, from?: Observation): MaybePromise<R> {
    const attempt = (seen: Observation, tries: number): MaybePromise<R> => {
      const { next, result, changes } = step(seen.record ?? initialRecord(this.config.policy, now));
      if (next === undefined) return carry(result, seen);
      // The view is about to change: until the write answers, other outcomes read again.
      seen.stale = true;
      const seq = this.#known.next();
      return andThen(this.store.compareAndSet(key, seen.version, next), (ok) => {
        if (!ok) {
          return tries < MAX_CAS_TRIES ? andThen(this.#read(key), (again) => attempt(again, tries + 1)) : result;
        }
        const written = this.#known.observe(key, { version: seen.version + 1, record: next }, seq);
        for (const change of changes) this.emit({ key, ...change });
        return carry(result, written);
      });
    };
    const first = from !== undefined && !from.stale ? from : this.#known.latest(key);
    return first !== undefined ? attempt(first, 1) : andThen(this.#read(key), (seen) => attempt(seen, 1));
  }
}

/** `result` with the record it was computed on (or written as) attached, when it is a permit. */
function carry<R extends Permit | Rejection | undefined>(result: R, seen: Observation): R {
  return result !== undefined && 'probe' in result ? ({ ...result, seen } as R) : result;
}
