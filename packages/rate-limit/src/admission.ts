/**
 * Admission: a bounded FIFO queue per key in front of a {@link RateLimitStore}, with abortable waits.
 * @module
 */
import { abortReason, RateLimitExceededError, type Clock } from '@lifeline/core';
import type { RateCost, RateLimits, RateLimitStore, TakeRequest } from './store.js';

/** Per-call admission parameters. */
export interface AdmitOptions {
  key: string;
  providerKey: string;
  cost: RateCost;
  limits: RateLimits;
  /** Aborts the wait (the waiter leaves the queue at once). */
  signal: AbortSignal;
  /** Longest acceptable wait, ms. */
  maxWaitMs: number;
  /** What bounded `maxWaitMs`, for the error message. */
  maxWaitLabel: string;
  /** Longest queue per key. */
  maxQueue: number;
  /** Target name for errors. */
  provider?: string | undefined;
}

interface Waiter {
  opts: AdmitOptions;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface KeyQueue {
  waiters: Waiter[];
  /** Admission steps of this key run one after another, so each sees the previous ones' effect. */
  lock: Promise<unknown>;
  /** Admissions in progress (deciding); the queue is forgotten only when none are. */
  deciding: number;
  pumping: boolean;
  timer: unknown;
  wake: (() => void) | undefined;
}

type Decision = { admitted: true } | { error: unknown } | { queued: Promise<void> };

const describe = (cost: RateCost) => `${cost.requests} request${cost.requests === 1 ? '' : 's'} and ${cost.tokens} tokens`;
const noop = () => {};

/**
 * Admits calls in arrival order. A call that cannot go now joins its key's queue — unless the
 * queue is full or the predicted wait exceeds `maxWaitMs`, in which case it fails at once with
 * {@link RateLimitExceededError} carrying `retryAfterMs`. The head of each queue waits exactly
 * as long as the store says; aborting a waiter removes it and wakes the queue. The store steps
 * of one key are serialised in this process, so predictions count everything ahead exactly.
 */
export class Admission {
  readonly #store: RateLimitStore;
  readonly #queues = new Map<string, KeyQueue>();

  constructor(store: RateLimitStore) {
    this.#store = store;
  }

  /** Re-evaluates `key`'s queue now (after a refund made room earlier than predicted). */
  wake(key: string): void {
    this.#queues.get(key)?.wake?.();
  }

  /** Number of calls waiting for `key`. */
  waiting(key: string): number {
    return this.#queues.get(key)?.waiters.length ?? 0;
  }

  /** Calls waiting, per key that has any (keys with an empty queue are left out). */
  depths(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, q] of this.#queues) if (q.waiters.length > 0) out[key] = q.waiters.length;
    return out;
  }

  /**
   * Admits the call at once when its store answers synchronously (`takeNow`), nobody is queued or
   * deciding for its key, and the cost is available now — what {@link Admission.admit} would
   * decide, without a promise. Takes nothing and returns false otherwise (then call `admit`).
   */
  tryNow(key: string, providerKey: string, cost: RateCost, limits: RateLimits, now: number): boolean {
    const store = this.#store;
    if (store.takeNow === undefined || this.#queues.has(key)) return false;
    return store.takeNow({ key, providerKey, cost, limits, now }).ok;
  }

  /**
   * Resolves when the call may go (after its cost was taken), in FIFO order per key.
   *
   * @param opts - key, cost, limits, signal and bounds
   * @param clock - time source for the waits
   * @returns milliseconds spent waiting
   * @throws {@link RateLimitExceededError} when the queue is full or the wait would be too long; the abort reason when aborted
   */
  async admit(opts: AdmitOptions, clock: Clock): Promise<number> {
    const started = clock.now();
    if (opts.signal.aborted) throw abortReason(opts.signal, opts.provider);
    const q = this.#queue(opts.key);
    let decision: Decision;
    q.deciding++;
    try {
      decision = await this.#locked(q, () => this.#decide(opts, q, clock));
    } finally {
      q.deciding--;
      this.#release(opts.key, q);
    }
    if ('error' in decision) throw decision.error;
    if ('queued' in decision) await decision.queued;
    return clock.now() - started;
  }

  async #decide(opts: AdmitOptions, q: KeyQueue, clock: Clock): Promise<Decision> {
    if (opts.signal.aborted) return { error: abortReason(opts.signal, opts.provider) };
    const request = (cost: RateCost): TakeRequest => ({ key: opts.key, providerKey: opts.providerKey, cost, limits: opts.limits, now: clock.now() });
    if (q.waiters.length === 0 && (await this.#store.take(request(opts.cost))).ok) return { admitted: true };
    const cap = (c: RateCost): RateCost => ({ requests: Math.min(c.requests, opts.limits.rpm ?? Infinity), tokens: Math.min(c.tokens, opts.limits.tpm ?? Infinity) });
    const ahead = [...q.waiters.map((w) => w.opts.cost), opts.cost].map(cap).reduce((a, b) => ({ requests: a.requests + b.requests, tokens: a.tokens + b.tokens }));
    const predicted = (await this.#store.peek(request(ahead))).waitMs;
    const retry = { provider: opts.provider, retryAfterMs: predicted };
    if (q.waiters.length >= opts.maxQueue) {
      return { error: new RateLimitExceededError(`rateLimit: queue for "${opts.key}" is full (${opts.maxQueue} waiting); retry in ${predicted} ms`, retry) };
    }
    if (predicted > opts.maxWaitMs) {
      const message = `rateLimit: "${opts.key}" would have to wait ${predicted} ms for ${describe(opts.cost)}, more than ${opts.maxWaitLabel} (${opts.maxWaitMs} ms)`;
      return { error: new RateLimitExceededError(message, retry) };
    }
    if (opts.signal.aborted) return { error: abortReason(opts.signal, opts.provider) };
    const queued = new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = q.waiters.indexOf(waiter);
        if (i >= 0) q.waiters.splice(i, 1);
        reject(abortReason(opts.signal, opts.provider));
        q.wake?.();
      };
      const waiter: Waiter = {
        opts,
        resolve: () => {
          opts.signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (err) => {
          opts.signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      opts.signal.addEventListener('abort', onAbort, { once: true });
      q.waiters.push(waiter);
    });
    void this.#pump(opts.key, q, clock);
    return { queued };
  }

  #locked<T>(q: KeyQueue, step: () => Promise<T>): Promise<T> {
    const run = q.lock.then(step);
    q.lock = run.then(noop, noop);
    return run;
  }

  #queue(key: string): KeyQueue {
    let q = this.#queues.get(key);
    if (!q) this.#queues.set(key, (q = { waiters: [], lock: Promise.resolve(), deciding: 0, pumping: false, timer: undefined, wake: undefined }));
    return q;
  }

  async #pump(key: string, q: KeyQueue, clock: Clock): Promise<void> {
    if (q.pumping) return;
    q.pumping = true;
    try {
      while (q.waiters.length > 0) {
        let waitMs = 0;
        try {
          waitMs = await this.#locked(q, async () => {
            const head = q.waiters[0];
            if (!head) return 0;
            const o = head.opts;
            const result = await this.#store.take({ key, providerKey: o.providerKey, cost: o.cost, limits: o.limits, now: clock.now() });
            if (!result.ok) return result.waitMs;
            if (q.waiters[0] === head) q.waiters.shift();
            head.resolve();
            return 0;
          });
        } catch (err) {
          for (const w of q.waiters.splice(0)) w.reject(err);
          break;
        }
        if (waitMs > 0) {
          await new Promise<void>((resolve) => {
            const done = () => {
              clock.clearTimeout(q.timer);
              q.timer = undefined;
              q.wake = undefined;
              resolve();
            };
            q.wake = done;
            q.timer = clock.setTimeout(done, waitMs);
          });
        }
      }
    } finally {
      q.pumping = false;
      this.#release(key, q);
    }
  }

  /** Forgets an idle queue. */
  #release(key: string, q: KeyQueue): void {
    if (!q.pumping && q.deciding === 0 && q.waiters.length === 0 && this.#queues.get(key) === q) this.#queues.delete(key);
  }
}
