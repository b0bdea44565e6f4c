/**
 * What this process last read or wrote of each breaker record in a store. The engine settles a
 * call against it instead of reading the store again, and knows when a permit's view is outdated.
 * @module
 */
import type { Permit } from './machine.js';
import type { BreakerStore, StoredBreaker } from './store.js';
import type { BreakerRecord } from './state.js';

/** Keys whose last observation is kept, per store (the oldest is forgotten first). */
const MAX_KEYS = 10_000;

/**
 * One view of a key: its version and record (`undefined`: absent) as a read returned it or a
 * write of this process stored it. Never changes, except `stale`, set once a later view exists.
 */
export class Observation {
  /** True once a later view of the key is known (or the record is known to have changed). */
  stale = false;
  /** The permit of a call admitted on this view while closed (shared: permits are never mutated). */
  permit: Permit | undefined;

  constructor(
    readonly key: string,
    readonly version: number,
    readonly record: BreakerRecord | undefined,
    /** Order of the store operation that produced this view, among the operations of this process. */
    public seq: number,
  ) {}
}

/**
 * The latest {@link Observation} per key of one store. Store operations take a sequence number
 * when issued; a result is the latest view only if no later-issued operation already answered.
 */
export class Observations {
  readonly #byKey = new Map<string, Observation>();
  /** The view last returned by {@link Observations.observe} (spares a map lookup for a busy key). */
  #last: Observation | undefined;
  #seq = 0;

  /** The sequence number of a store operation about to be issued. */
  next(): number {
    return ++this.#seq;
  }

  /** The current view of `key`, if one is known. */
  latest(key: string): Observation | undefined {
    const seen = this.#byKey.get(key);
    return seen === undefined || seen.stale ? undefined : seen;
  }

  /**
   * Records what the operation issued as `seq` found (a read) or stored (a write). Returns the
   * view: the known one when nothing changed, a new one otherwise (stale from birth when a
   * later-issued operation already answered).
   */
  observe(key: string, stored: StoredBreaker | undefined, seq: number): Observation {
    const version = stored === undefined ? 0 : stored.version;
    const record = stored?.record;
    let known = this.#last;
    // A view that is not stale is the one installed for its key.
    if (known === undefined || known.key !== key || known.stale) known = this.#byKey.get(key);
    if (known !== undefined) {
      if (known.seq > seq) {
        const late = new Observation(key, version, record, seq);
        late.stale = true;
        return late;
      }
      // Same version and same record object (a synchronous store): the same view.
      if (!known.stale && known.version === version && known.record === record) {
        known.seq = seq;
        return (this.#last = known);
      }
      known.stale = true;
    }
    const seen = new Observation(key, version, record, seq);
    this.#install(key, seen, known !== undefined);
    return (this.#last = seen);
  }

  /** The record of `key` changes by an operation issued as `seq` whose result is not known (an unconditional write). */
  forget(key: string, seq: number): void {
    const known = this.#byKey.get(key);
    if (known !== undefined) {
      if (known.seq > seq) return;
      known.stale = true;
    }
    const unknown = new Observation(key, Number.NaN, undefined, seq);
    unknown.stale = true;
    this.#install(key, unknown, known !== undefined);
  }

  #install(key: string, seen: Observation, present: boolean): void {
    if (!present && this.#byKey.size >= MAX_KEYS) {
      const [oldestKey, oldest] = this.#byKey.entries().next().value!;
      oldest.stale = true;
      this.#byKey.delete(oldestKey);
    }
    this.#byKey.set(key, seen);
  }
}

const perStore = new WeakMap<BreakerStore, Observations>();

/** The observations of `store`, shared by every breaker of this process using it. */
export function observationsOf(store: BreakerStore): Observations {
  let table = perStore.get(store);
  if (table === undefined) perStore.set(store, (table = new Observations()));
  return table;
}
