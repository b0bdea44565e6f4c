/**
 * The metric instruments of one meter provider, created once per provider with the bucket
 * boundaries the conventions ask for.
 * @module
 */
import { createNoopMeter, type Counter, type Histogram, type MeterProvider, ValueType } from '@opentelemetry/api';
import { observeBreakers } from './breaker-states.js';
import { DURATION_BUCKETS, METRICS, SCOPE, TOKEN_BUCKETS } from './names.js';

/** The instruments {@link otel} records to. */
export class Instruments {
  /** False when the provider is the API's no-op one (no SDK registered): nothing is recorded. */
  readonly live: boolean;
  readonly duration: Histogram;
  readonly tokens: Histogram;
  readonly timeToFirstChunk: Histogram;
  readonly timePerOutputChunk: Histogram;
  readonly cost: Counter;
  readonly failovers: Counter;

  private constructor(provider: MeterProvider) {
    const meter = provider.getMeter(SCOPE);
    this.live = meter !== createNoopMeter();
    const seconds = (name: string, description: string) =>
      meter.createHistogram(name, { description, unit: 's', advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] } });
    this.duration = seconds(METRICS.OPERATION_DURATION, 'GenAI operation duration.');
    this.timeToFirstChunk = seconds(METRICS.TIME_TO_FIRST_CHUNK, 'Time to receive the first chunk of a streamed answer, from the start of the call.');
    this.timePerOutputChunk = seconds(METRICS.TIME_PER_OUTPUT_CHUNK, 'Time between two chunks of a streamed answer, recorded for each chunk after the first.');
    this.tokens = meter.createHistogram(METRICS.TOKEN_USAGE, {
      description: 'Measures number of input and output tokens used.',
      unit: '{token}',
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: [...TOKEN_BUCKETS] },
    });
    this.cost = meter.createCounter(METRICS.COST, { description: 'What calls cost, from the provider-reported usage and the price catalog.', unit: 'USD' });
    this.failovers = meter.createCounter(METRICS.FAILOVERS, { description: 'Moves to another target after a failure.', unit: '{failover}', valueType: ValueType.INT });
    if (this.live) observeBreakers(meter);
  }

  static readonly #byProvider = new WeakMap<MeterProvider, Instruments>();

  /** The instruments of `provider` (created on first use). */
  static of(provider: MeterProvider): Instruments {
    let instruments = Instruments.#byProvider.get(provider);
    if (!instruments) {
      instruments = new Instruments(provider);
      Instruments.#byProvider.set(provider, instruments);
    }
    return instruments;
  }
}
