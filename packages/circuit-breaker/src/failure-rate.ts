/**
 * `failureRate()`: opens when the share of failures over a sliding time window crosses a
 * threshold, once enough calls were seen (Polly's advanced breaker, Resilience4j's time window).
 * @module
 */
import { type BreakerPolicy, check } from './policy.js';

/** Options of {@link failureRate}. */
export interface FailureRateOptions {
  /** Failure ratio (0–1] at or above which the breaker opens. @defaultValue 0.5 */
  threshold?: number;
  /** Length of the sliding window, in ms. @defaultValue 30000 */
  windowMs?: number;
  /** Calls the window must hold before the ratio is trusted. @defaultValue 10 */
  minimumThroughput?: number;
  /** Buckets the window slides by (granularity = `windowMs / buckets`). @defaultValue 10 */
  buckets?: number;
}

/** One bucket: `[start epoch ms, failures, total]`. */
export type RateBucket = [start: number, failures: number, total: number];

/** The policy's serialisable state: buckets still inside the window, oldest first. */
export interface FailureRateState {
  buckets: RateBucket[];
}

/**
 * Opens when, within the last `windowMs`, at least `minimumThroughput` calls were made and
 * `failures / calls >= threshold`.
 *
 * @param options - see {@link FailureRateOptions}
 * @throws {@link ConfigurationError} when an option is out of range
 * @example
 * ```ts
 * circuitBreaker({ policy: failureRate({ threshold: 0.25, windowMs: 60_000, minimumThroughput: 20 }) });
 * ```
 */
export function failureRate(options: FailureRateOptions = {}): BreakerPolicy<FailureRateState> {
  const threshold = options.threshold ?? 0.5;
  const windowMs = options.windowMs ?? 30_000;
  const minimumThroughput = options.minimumThroughput ?? 10;
  const buckets = options.buckets ?? 10;
  check('failureRate', 'threshold', threshold, 0, { max: 1, exclusiveMin: true });
  check('failureRate', 'windowMs', windowMs, 1, { integer: true });
  check('failureRate', 'minimumThroughput', minimumThroughput, 1, { integer: true });
  check('failureRate', 'buckets', buckets, 1, { integer: true });
  const bucketMs = windowMs / buckets;
  const empty: FailureRateState = { buckets: [] };

  const live = (s: FailureRateState, now: number): RateBucket[] => {
    const oldest = now - windowMs;
    const b = s.buckets;
    let i = 0;
    while (i < b.length && b[i]![0] <= oldest) i++;
    return i === 0 ? b : b.slice(i);
  };

  const add = (s: FailureRateState, now: number, failed: 0 | 1): FailureRateState => {
    const start = Math.floor(now / bucketMs) * bucketMs;
    const kept = live(s, now);
    const last = kept[kept.length - 1];
    const next = last && last[0] === start
      ? [...kept.slice(0, -1), [start, last[1] + failed, last[2] + 1] as RateBucket]
      : [...kept, [start, failed, 1] as RateBucket];
    return { buckets: next };
  };

  const totals = (s: FailureRateState, now: number) => {
    let failures = 0;
    let total = 0;
    for (const [, f, t] of live(s, now)) {
      failures += f;
      total += t;
    }
    return { failures, total };
  };

  return {
    name: 'failure-rate',
    initial: () => empty,
    success: (s, now) => add(s, now, 0),
    failure: (s, now) => {
      const state = add(s, now, 1);
      const { failures, total } = totals(state, now);
      return { state, trip: total >= minimumThroughput && failures / total >= threshold };
    },
    counts: (s, now) => {
      const { failures, total } = totals(s, now);
      return { failures, successes: total - failures };
    },
  };
}
