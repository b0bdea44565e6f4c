/**
 * A Prometheus histogram without prom-client's per-call work (a labels object validated, hashed
 * into a string and looked up on every `observe`): bucket counts are kept by hand per label set,
 * found through nested Maps (one level per label), and the metric is registered on the registry
 * through its public `registerMetric`, answering `get()` with the values prom-client's own
 * Histogram would give for the same observations.
 * @module
 */
import { format } from 'node:util';
import type { Aggregator, Metric, Registry, RegistryContentType } from 'prom-client';
import { LabelTree, labelsOf } from './label-tree.js';

/** One label set's observations. */
interface Entry {
  /** Label name → value, in label-name order (the order they are exposed in). */
  labels: Record<string, string>;
  /** Observations per bucket (not cumulative), by index of the upper bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** One exposed sample, in the shape of prom-client's `MetricObjectWithValues` values. */
export interface HistogramSample {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
  /** The label set apart from `le`, in the samples of {@link TalliedHistogram.getForPromString}. */
  sharedLabels?: Record<string, string>;
  exemplar?: null | undefined;
}

/** What {@link TalliedHistogram.get} answers (prom-client's `MetricObjectWithValues`). */
export interface HistogramSnapshot {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: Aggregator;
  values: HistogramSample[];
}

/** A histogram's name, help, label names and bucket upper bounds. */
export interface TalliedHistogramConfig<L extends string> {
  name: string;
  help: string;
  /** Label names, in the order {@link TalliedHistogram.observe} takes values. */
  labelNames: readonly L[];
  /** Upper bounds of the buckets, ascending (the `+Inf` bucket is implied). */
  buckets: readonly number[];
}

/**
 * A histogram registered on a prom-client registry, observed with label values in label-name
 * order. Its exposition is byte for byte the one prom-client's `Histogram` writes for the same
 * observations (label sets in the order first observed).
 * @example
 * ```ts
 * const latency = new TalliedHistogram({ name: 'duration_seconds', help: '…', labelNames: ['provider'], buckets: [0.1, 1, 10] });
 * registry.registerMetric(latency.metric);
 * latency.observe(['primary'], 0.42);
 * ```
 */
export class TalliedHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator: Aggregator = 'sum';
  readonly #names: readonly L[];
  readonly #bounds: readonly number[];
  readonly #tree = new LabelTree<Entry>((values) => this.#add(values));
  /** Label sets in the order of their first observation. */
  #entries: Entry[] = [];

  constructor(config: TalliedHistogramConfig<L>) {
    this.name = config.name;
    this.help = config.help;
    this.#names = [...config.labelNames];
    this.#bounds = [...config.buckets];
    this.reset();
  }

  /** This histogram as the registry takes it (`registry.registerMetric(h.metric)`). */
  get metric(): Metric<L> {
    return this as unknown as Metric<L>;
  }

  /**
   * Records `value` for the label set `values` (one value per label name, in order).
   *
   * @throws TypeError when `value` is not a finite number (prom-client's error; nothing is recorded)
   */
  observe(values: readonly string[], value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${format(value)}`);
    const entry = this.#entry(values);
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    if (i < bounds.length) entry.counts[i]!++;
    entry.sum += value;
    entry.count += 1;
  }

  /** Forgets every observation and label set (the registry's `resetMetrics`). */
  reset(): void {
    this.#tree.clear();
    this.#entries = [];
    if (this.#names.length === 0) this.#add([]);
  }

  /** The samples (prom-client's `MetricObjectWithValues`): per label set, cumulative buckets, `+Inf`, sum and count. */
  async get(): Promise<HistogramSnapshot> {
    return this.#snapshot(true);
  }

  /**
   * The same samples with each label set apart from `le` (`sharedLabels`), the shape the
   * registry writes `/metrics` from when a metric offers it (prom-client's histograms do): the
   * registry formats a label set once rather than on every sample. A registry that does not ask
   * for it writes the same text from {@link TalliedHistogram.get}.
   */
  async getForPromString(): Promise<HistogramSnapshot> {
    return this.#snapshot(false);
  }

  #snapshot(splay: boolean): HistogramSnapshot {
    const bucket = `${this.name}_bucket`;
    const sumName = `${this.name}_sum`;
    const countName = `${this.name}_count`;
    const bounds = this.#bounds;
    const values: HistogramSample[] = [];
    const sample = (le: number | string | undefined, set: Record<string, string>, value: number, metricName: string, exemplar?: null): HistogramSample => {
      const own: Record<string, string | number> = le === undefined ? {} : { le };
      return splay ? { labels: Object.assign(own, set), value, metricName, exemplar } : { labels: own, sharedLabels: set, value, metricName, exemplar };
    };
    for (const { labels, counts, sum, count } of this.#entries) {
      let acc = 0;
      for (let i = 0; i < counts.length; i++) {
        acc += counts[i]!;
        values.push(sample(bounds[i]!, labels, acc, bucket, null));
      }
      values.push(sample('+Inf', labels, count, bucket, null), sample(undefined, labels, sum, sumName), sample(undefined, labels, count, countName));
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  #entry(values: readonly string[]): Entry {
    return values.length === 0 ? this.#entries[0]! : this.#tree.get(values);
  }

  /** A new label set's entry, listed for exposition. */
  #add(values: readonly string[]): Entry {
    const entry: Entry = { labels: labelsOf(this.#names, values), counts: new Float64Array(this.#bounds.length), sum: 0, count: 0 };
    this.#entries.push(entry);
    return entry;
  }
}

/**
 * A {@link TalliedHistogram} registered on `registry`.
 *
 * @param registry - where the histogram is registered
 * @param config - its name, help, label names and buckets
 * @returns the histogram to observe with
 */
export function talliedHistogram<L extends string>(registry: Registry<RegistryContentType>, config: TalliedHistogramConfig<L>): TalliedHistogram<L> {
  const histogram = new TalliedHistogram(config);
  registry.registerMetric(histogram.metric);
  return histogram;
}
