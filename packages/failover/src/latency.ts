/**
 * Per-target latency statistics: an exponentially weighted moving average (for `least-latency`)
 * and a window of recent successful samples (for `hedgeAfterMs: 'p95'`).
 * @module
 */

/** Successful samples kept per target for percentiles. */
export const LATENCY_WINDOW = 100;
/** Samples needed before a percentile is trusted. */
export const MIN_PERCENTILE_SAMPLES = 20;

interface Entry {
  ewma: number | undefined;
  /** When the estimate was last updated (or a probe was sent), clock ms. */
  at: number;
  samples: number[];
  next: number;
}

/**
 * Latency of each target, in ms: time to the first content token for streams, time to the
 * response otherwise.
 *
 * @example
 * ```ts
 * const stats = new LatencyStats(0.3);
 * stats.record('primary', 420, Date.now());
 * stats.estimate('primary'); // 420
 * ```
 */
export class LatencyStats {
  readonly #alpha: number;
  readonly #entries = new Map<string, Entry>();

  /** @param alpha - weight of the newest sample in the moving average, in (0, 1] */
  constructor(alpha: number) {
    this.#alpha = alpha;
  }

  /**
   * Adds a sample. Successful samples also feed the percentile window; failure penalties only
   * move the average.
   */
  record(name: string, ms: number, now: number, success: boolean): void {
    const e = this.#entry(name, now);
    e.ewma = e.ewma === undefined ? ms : e.ewma + this.#alpha * (ms - e.ewma);
    e.at = now;
    if (!success) return;
    if (e.samples.length < LATENCY_WINDOW) e.samples.push(ms);
    else e.samples[e.next] = ms;
    e.next = (e.next + 1) % LATENCY_WINDOW;
  }

  /** The moving average, or `undefined` before the first sample. */
  estimate(name: string): number | undefined {
    return this.#entries.get(name)?.ewma;
  }

  /** Whether the target was never measured nor probed, or its last sample (or probe) is `staleMs` old. */
  isStale(name: string, now: number, staleMs: number): boolean {
    const e = this.#entries.get(name);
    return e === undefined || now - e.at >= staleMs;
  }

  /** Marks a probe in flight: the estimate counts as fresh again until `staleMs` passes. */
  touch(name: string, now: number): void {
    this.#entry(name, now).at = now;
  }

  /**
   * The `p`-th percentile (0–100, nearest rank) of the recent successful samples, or `undefined`
   * with fewer than {@link MIN_PERCENTILE_SAMPLES}.
   */
  percentile(name: string, p: number): number | undefined {
    const samples = this.#entries.get(name)?.samples;
    if (!samples || samples.length < MIN_PERCENTILE_SAMPLES) return undefined;
    const sorted = samples.slice().sort((a, b) => a - b);
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  #entry(name: string, now: number): Entry {
    let e = this.#entries.get(name);
    if (!e) {
      e = { ewma: undefined, at: now, samples: [], next: 0 };
      this.#entries.set(name, e);
    }
    return e;
  }
}
