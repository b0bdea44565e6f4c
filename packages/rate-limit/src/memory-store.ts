/**
 * `MemoryRateLimitStore`: rate-limit state in this process.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';
import type { ProviderWindow, RateCost, RateLimits, RateLimitStore, TakeRequest, TakeResult } from './store.js';
import { adjustBucket, debit, fullBucket, waitFor, type BucketState } from './token-bucket.js';

interface KeyState {
  requests?: BucketState;
  tokens?: BucketState;
}

/** Options of {@link MemoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** Keys tracked; beyond it the least recently used key is forgotten (its buckets start full again). @defaultValue 10000 */
  maxKeys?: number;
}

function bucket(state: KeyState, kind: 'requests' | 'tokens', limit: number, now: number): BucketState {
  return (state[kind] ??= fullBucket(limit, now));
}

/**
 * A {@link RateLimitStore} in memory. Atomic because every method completes synchronously
 * before its promise resolves.
 *
 * @example
 * ```ts
 * const store = new MemoryRateLimitStore();
 * createClient({ adapter, use: [rateLimit({ rpm: 500, tpm: 200_000, store })] });
 * ```
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #max: number;
  readonly #keys = new Map<string, KeyState>();
  /** The key used last (the Map's last entry). */
  #newest: string | undefined = undefined;
  readonly #providers = new Map<string, ProviderWindow>();

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    const max = options.maxKeys ?? 10_000;
    if (!Number.isInteger(max) || max < 1) throw new ConfigurationError(`MemoryRateLimitStore: maxKeys must be a positive integer, got ${String(max)}`);
    this.#max = max;
  }

  #state(key: string): KeyState {
    let state = this.#keys.get(key);
    // Already the most recently used: nothing to move (the common case of one busy key).
    if (state !== undefined && key === this.#newest) return state;
    this.#newest = key;
    if (state) this.#keys.delete(key);
    else state = {};
    this.#keys.set(key, state);
    if (this.#keys.size > this.#max) this.#keys.delete(this.#keys.keys().next().value as string);
    return state;
  }

  #providerWait(providerKey: string, cost: RateCost, now: number): number {
    const w = this.#providers.get(providerKey);
    if (!w) return 0;
    let wait = 0;
    if (w.holdUntil !== undefined && w.holdUntil > now) wait = w.holdUntil - now;
    if (w.resetRequestsAt !== undefined && w.resetRequestsAt > now && w.remainingRequests !== undefined && w.remainingRequests < cost.requests) {
      wait = Math.max(wait, w.resetRequestsAt - now);
    }
    if (w.resetTokensAt !== undefined && w.resetTokensAt > now && w.remainingTokens !== undefined && w.remainingTokens < cost.tokens) {
      wait = Math.max(wait, w.resetTokensAt - now);
    }
    return wait;
  }

  #wait(req: TakeRequest, clamp: boolean, state: KeyState = this.#state(req.key)): number {
    const { providerKey, cost, limits, now } = req;
    let wait = this.#providerWait(providerKey, cost, now);
    if (limits.rpm) wait = Math.max(wait, waitFor(bucket(state, 'requests', limits.rpm, now), cost.requests, limits.rpm, now, clamp));
    if (limits.tpm) wait = Math.max(wait, waitFor(bucket(state, 'tokens', limits.tpm, now), cost.tokens, limits.tpm, now, clamp));
    return wait;
  }

  async peek(req: TakeRequest): Promise<TakeResult> {
    const waitMs = this.#wait(req, false);
    return { ok: waitMs === 0, waitMs };
  }

  async take(req: TakeRequest): Promise<TakeResult> {
    return this.takeNow(req);
  }

  /** {@link MemoryRateLimitStore.take}, synchronously. */
  takeNow(req: TakeRequest): TakeResult {
    const state = this.#state(req.key);
    const waitMs = this.#wait(req, true, state);
    if (waitMs > 0) return { ok: false, waitMs };
    const { providerKey, cost, limits, now } = req;
    if (limits.rpm) debit(bucket(state, 'requests', limits.rpm, now), cost.requests, limits.rpm, now);
    if (limits.tpm) debit(bucket(state, 'tokens', limits.tpm, now), cost.tokens, limits.tpm, now);
    const w = this.#providers.get(providerKey);
    if (w) {
      if (w.remainingRequests !== undefined) w.remainingRequests -= cost.requests;
      if (w.remainingTokens !== undefined) w.remainingTokens -= cost.tokens;
    }
    return { ok: true, waitMs: 0 };
  }

  async adjust(key: string, delta: RateCost, limits: RateLimits, now: number): Promise<void> {
    this.adjustNow(key, delta, limits, now);
  }

  /** {@link MemoryRateLimitStore.adjust}, synchronously. */
  adjustNow(key: string, delta: RateCost, limits: RateLimits, now: number): void {
    const state = this.#state(key);
    if (limits.rpm && delta.requests) adjustBucket(bucket(state, 'requests', limits.rpm, now), delta.requests, limits.rpm, now);
    if (limits.tpm && delta.tokens) adjustBucket(bucket(state, 'tokens', limits.tpm, now), delta.tokens, limits.tpm, now);
  }

  async observe(providerKey: string, window: ProviderWindow, now: number): Promise<void> {
    this.observeNow(providerKey, window, now);
  }

  /** {@link MemoryRateLimitStore.observe}, synchronously. */
  observeNow(providerKey: string, window: ProviderWindow, now: number): void {
    const w = this.#providers.get(providerKey) ?? {};
    for (const k of ['remainingRequests', 'resetRequestsAt', 'remainingTokens', 'resetTokensAt'] as const) {
      if (window[k] !== undefined) w[k] = window[k];
    }
    if (window.holdUntil !== undefined && (w.holdUntil === undefined || window.holdUntil > w.holdUntil)) w.holdUntil = window.holdUntil;
    for (const [k, reset] of [['remainingRequests', 'resetRequestsAt'], ['remainingTokens', 'resetTokensAt']] as const) {
      if (w[reset] !== undefined && w[reset]! <= now) (w[k] = undefined), (w[reset] = undefined);
    }
    this.#providers.delete(providerKey);
    this.#providers.set(providerKey, w);
    if (this.#providers.size > this.#max) this.#providers.delete(this.#providers.keys().next().value as string);
  }
}
