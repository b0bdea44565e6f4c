/**
 * Histogram observations without prom-client's per-call work (a labels object, validated, hashed
 * into a string and looked up on every `observe`): bucket counts are kept per label set in nested
 * Maps and handed to the prom-client histogram when it is read (its `collect`, on every scrape).
 * @module
 */
import { format } from 'node:util';
import { Histogram, type Registry } from 'prom-client';

/** One label set's values, in the shape a prom-client histogram keeps and exposes them. */
interface Values<L extends string> {
  labels: Record<L, string>;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

interface Entry<L extends string> {
  /** Observations per bucket (not cumulative), by index of the upper bound. */
  counts: number[];
  values: Values<L>;
}

type Level = Map<string, unknown>;

/**
 * The observations of one histogram, per label set.
 * @example
 * ```ts
 * const latency = talliedHistogram(registry, { name: 'duration_seconds', help: '…', labelNames: ['provider'], buckets: [0.1, 1, 10] });
 * latency.observe(['primary'], 0.42);
 * ```
 */
export class HistogramTally<L extends string> {
  readonly #names: readonly L[];
  readonly #bounds: readonly number[];
  readonly #root: Level = new Map();
  /** Label sets in the order of their first observation (prom-client's order of exposition). */
  readonly #entries: Array<Entry<L>> = [];
  #handedOver = 0;

  /**
   * @param names - the histogram's label names, in the order {@link HistogramTally.observe} takes values
   * @param bounds - the buckets' upper bounds, ascending
   */
  constructor(names: readonly L[], bounds: readonly number[]) {
    this.#names = names;
    this.#bounds = bounds;
  }

  /**
   * Records `value` for the label set `values` (one value per label name, in order).
   *
   * @throws TypeError when `value` is not a finite number (as prom-client's `observe`)
   */
  observe(values: readonly string[], value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${format(value)}`);
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
      const bucketValues: Record<number, number> = {};
      for (const bound of this.#bounds) bucketValues[bound] = 0;
      entry = { counts: this.#bounds.map(() => 0), values: { labels, bucketValues, sum: 0, count: 0 } };
      level.set(values[last]!, entry);
      this.#entries.push(entry);
    }
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    if (i < bounds.length) entry.counts[i]!++;
    entry.values.sum += value;
    entry.values.count += 1;
  }

  /**
   * Brings `histogram` up to date (call it from the histogram's `collect`): label sets seen since
   * the last call join its values, every set's bucket counts are copied into them.
   */
  handOver(histogram: Histogram<L>): void {
    const map = (histogram as unknown as { hashMap: Record<string, Values<L>> }).hashMap;
    for (; this.#handedOver < this.#entries.length; this.#handedOver++) {
      const { values } = this.#entries[this.#handedOver]!;
      map[keyOf(values.labels)] = values;
    }
    for (const { counts, values } of this.#entries) {
      for (let i = 0; i < counts.length; i++) values.bucketValues[this.#bounds[i]!] = counts[i]!;
    }
  }
}

/** prom-client's key of a label set (its label names sorted, `name:value` joined by commas). */
function keyOf(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}:${labels[name]}`)
    .join(',');
}

/**
 * A prom-client histogram on `registry` fed by a {@link HistogramTally}: what the tally recorded
 * is handed to it whenever it is read. Its exposition is the one prom-client writes for the same
 * observations.
 *
 * @param registry - where the histogram is registered
 * @param config - its name, help, label names and buckets
 * @returns the tally to observe with
 */
export function talliedHistogram<L extends string>(registry: Registry, config: { name: string; help: string; labelNames: readonly L[]; buckets: readonly number[] }): HistogramTally<L> {
  const tally = new HistogramTally(config.labelNames, config.buckets);
  new Histogram<L>({
    ...config,
    buckets: [...config.buckets],
    registers: [registry],
    collect() {
      tally.handOver(this);
    },
  });
  return tally;
}
