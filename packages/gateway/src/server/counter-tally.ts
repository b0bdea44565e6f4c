/**
 * Counting per label set without prom-client's per-call work (a label string built, sorted,
 * validated and looked up on every `inc`): counts collect in nested Maps, one level per label,
 * and are added to the prom-client counter when it is read (its `collect`, on every scrape).
 * @module
 */
import { Counter as PromCounter, type Counter, type Registry } from 'prom-client';

interface Entry<L extends string> {
  labels: Record<L, string>;
  pending: number;
  dirty: boolean;
}

type Level = Map<string, unknown>;

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
  readonly #names: readonly L[];
  readonly #root: Level = new Map();
  readonly #dirty: Array<Entry<L>> = [];

  /** @param names - the counter's label names, in the order {@link CounterTally.add} takes values */
  constructor(names: readonly L[]) {
    this.#names = names;
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
    let level = this.#root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = level.get(values[i]!) as Level | undefined;
      if (next === undefined) level.set(values[i]!, (next = new Map()));
      level = next;
    }
    let entry = level.get(values[last]!) as Entry<L> | undefined;
    if (entry === undefined) {
      const labels = {} as Record<L, string>;
      this.#names.forEach((name, i) => (labels[name] = values[i]!));
      level.set(values[last]!, (entry = { labels, pending: 0, dirty: false }));
    }
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
