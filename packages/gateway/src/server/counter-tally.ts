/**
 * Counting per label set without prom-client's per-call work (a label string built, sorted,
 * validated and looked up on every `inc`): counts collect in nested Maps, one level per label,
 * and are added to the prom-client counter when it is read (its `collect`, on every scrape).
 * @module
 */
import { Counter as PromCounter, type Counter, type Registry } from 'prom-client';
import { LabelTree, labelsOf } from './label-tree.js';

interface Entry<L extends string> {
  labels: Record<L, string>;
  pending: number;
  dirty: boolean;
}

/**
 * Counts of one counter since it was last read, per label set.
 * @example
 * ```ts
 * const tally = new CounterTally(['provider', 'kind'] as const);
 * new Counter({ name: 'tokens_total', help: '…', labelNames: ['provider', 'kind'], collect() { tally.drainInto(this); } });
 * tally.add(['primary', 'prompt'], 12);
 * ```
 */
export class CounterTally<L extends string> {
  readonly #entries: LabelTree<Entry<L>>;
  readonly #dirty: Array<Entry<L>> = [];

  /** @param names - the counter's label names, in the order {@link CounterTally.add} takes values */
  constructor(names: readonly L[]) {
    this.#entries = new LabelTree((values) => ({ labels: labelsOf(names, values), pending: 0, dirty: false }));
  }

  /**
   * Adds `by` to the label set `values` (one value per label name, in order). An amount that is
   * not a finite number ≥ 0 is ignored (a counter only grows; prom-client would throw).
   *
   * @param values - label values
   * @param by - amount @defaultValue 1
   */
  add(values: readonly string[], by = 1): void {
    if (!(by >= 0 && by !== Infinity)) return;
    const entry = this.#entries.get(values);
    entry.pending += by;
    if (!entry.dirty) {
      entry.dirty = true;
      this.#dirty.push(entry);
    }
  }

  /** Adds what was counted since the last call to `counter` (call it from the counter's `collect`). */
  drainInto(counter: Counter<L>): void {
    for (const entry of this.#dirty) {
      counter.inc(entry.labels, entry.pending);
      entry.pending = 0;
      entry.dirty = false;
    }
    this.#dirty.length = 0;
  }
}

/**
 * A prom-client counter on `registry` fed by a {@link CounterTally}: what the tally counted is
 * added to it whenever it is read.
 *
 * @param registry - where the counter is registered
 * @param config - its name, help and label names
 * @returns the tally to count with
 */
export function talliedCounter<L extends string>(registry: Registry, config: { name: string; help: string; labelNames: readonly L[] }): CounterTally<L> {
  const tally = new CounterTally(config.labelNames);
  new PromCounter<L>({
    ...config,
    registers: [registry],
    collect() {
      tally.drainInto(this);
    },
  });
  return tally;
}
