/**
 * `RetryBudget`: caps retries to a share of recent traffic (gRPC / Envoy / Finagle style), so an
 * outage cannot multiply the load on a failing provider.
 * @module
 */
import { type Clock, systemClock } from '@lifeline/core';
import { checkNumber, stripUndefined } from './backoff.js';

/** Options of {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /** Retries allowed as a share of the requests seen in the window. @defaultValue 0.2 */
  ratio?: number;
  /** Retries always allowed per second of window, however little traffic there is. @defaultValue 10 */
  minRetriesPerSecond?: number;
  /** Length of the sliding window, in ms. @defaultValue 10000 */
  windowMs?: number;
  /** Buckets the window slides by (granularity = `windowMs / buckets`). @defaultValue 10 */
  buckets?: number;
  /** Time source. @defaultValue the system clock */
  clock?: Clock;
}

/** What a budget holds for one key, from {@link RetryBudget.snapshot}. */
export interface RetryBudgetSnapshot {
  /** Requests (first attempts) recorded in the window. */
  requests: number;
  /** Retries spent in the window. */
  retries: number;
  /** Retries that may still be spent now. */
  available: number;
}

const DEFAULTS: Required<Omit<RetryBudgetOptions, 'clock'>> = {
  ratio: 0.2,
  minRetriesPerSecond: 10,
  windowMs: 10_000,
  buckets: 10,
};

/** Keys kept before idle ones are swept. */
const SWEEP_AT = 1_024;

interface Window {
  readonly starts: Float64Array;
  readonly requests: Uint32Array;
  readonly retries: Uint32Array;
}

/**
 * A retry budget: within any sliding window of `windowMs`, retries may not exceed
 * `max(minRetriesPerSecond × windowMs / 1000, ratio × requests)`. Share one instance between
 * several `retry()` middleware (or clients) to budget them together; each key (by default the
 * target name) has its own window.
 *
 * @example
 * ```ts
 * const budget = new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 5 });
 * const a = createClient({ adapter, use: [retry({ budget })] });
 * const b = createClient({ adapter, use: [retry({ budget })] }); // same budget
 * ```
 */
export class RetryBudget {
  readonly ratio: number;
  readonly minRetriesPerSecond: number;
  readonly windowMs: number;
  readonly #bucketMs: number;
  readonly #buckets: number;
  readonly #floor: number;
  /** The time source of the windows. */
  readonly clock: Clock;
  readonly #windows = new Map<string, Window>();
  #lastKey: string | undefined;
  #lastWindow: Window | undefined;

  /**
   * @param options - see {@link RetryBudgetOptions}
   * @throws {@link ConfigurationError} when an option is out of range
   */
  constructor(options: RetryBudgetOptions = {}) {
    const o = { ...DEFAULTS, ...stripUndefined(options) };
    checkNumber('RetryBudget', 'ratio', o.ratio, 0);
    checkNumber('RetryBudget', 'minRetriesPerSecond', o.minRetriesPerSecond, 0);
    checkNumber('RetryBudget', 'windowMs', o.windowMs, 1, true);
    checkNumber('RetryBudget', 'buckets', o.buckets, 1, true);
    this.ratio = o.ratio;
    this.minRetriesPerSecond = o.minRetriesPerSecond;
    this.windowMs = o.windowMs;
    this.#buckets = o.buckets;
    this.#bucketMs = o.windowMs / o.buckets;
    this.#floor = (o.minRetriesPerSecond * o.windowMs) / 1000;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Records one request (a call's first attempt) for `key`.
   *
   * @param key - budget key
   * @param at - when it happened, by {@link RetryBudget.clock} (saves a clock read when known)
   */
  recordRequest(key = 'default', at?: number): void {
    const w = this.#window(key);
    w.requests[this.#slot(w, at)]! += 1;
  }

  /**
   * Spends one retry for `key` if the budget allows it.
   *
   * @returns `true` when the retry may go ahead (and was counted), `false` when the budget is spent
   */
  tryAcquire(key = 'default'): boolean {
    const w = this.#window(key);
    const { requests, retries } = this.#sum(w);
    if (retries + 1 > Math.max(this.#floor, this.ratio * requests)) return false;
    w.retries[this.#slot(w)]! += 1;
    return true;
  }

  /** Keys with a window kept now. Bounded: once 1 024 are kept, keys idle for a whole window are dropped as new ones arrive. */
  get size(): number {
    return this.#windows.size;
  }

  /** Current counts of `key` (for tests and health endpoints). */
  snapshot(key = 'default'): RetryBudgetSnapshot {
    const w = this.#windows.get(key);
    const { requests, retries } = w ? this.#sum(w) : { requests: 0, retries: 0 };
    return { requests, retries, available: Math.max(0, Math.floor(Math.max(this.#floor, this.ratio * requests) - retries)) };
  }

  #window(key: string): Window {
    if (key === this.#lastKey && this.#lastWindow) return this.#lastWindow;
    let w = this.#windows.get(key);
    if (!w) {
      if (this.#windows.size >= SWEEP_AT) this.#sweep();
      const n = this.#buckets;
      w = { starts: new Float64Array(n).fill(-Infinity), requests: new Uint32Array(n), retries: new Uint32Array(n) };
      this.#windows.set(key, w);
    }
    this.#lastKey = key;
    this.#lastWindow = w;
    return w;
  }

  /** Index of the current bucket, cleared first when it last served an older slice of time. */
  #slot(w: Window, at = this.clock.now()): number {
    const slice = Math.floor(at / this.#bucketMs);
    const i = slice % this.#buckets;
    const start = slice * this.#bucketMs;
    if (w.starts[i] !== start) {
      w.starts[i] = start;
      w.requests[i] = 0;
      w.retries[i] = 0;
    }
    return i;
  }

  #sum(w: Window): { requests: number; retries: number } {
    const oldest = this.clock.now() - this.windowMs;
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < this.#buckets; i++) {
      if (w.starts[i]! > oldest) {
        requests += w.requests[i]!;
        retries += w.retries[i]!;
      }
    }
    return { requests, retries };
  }

  #sweep(): void {
    const oldest = this.clock.now() - this.windowMs;
    for (const [key, w] of this.#windows) {
      if (w.starts.every((s) => s <= oldest)) this.#windows.delete(key);
    }
    this.#lastKey = undefined;
    this.#lastWindow = undefined;
  }
}
