/**
 * The {@link RateLimitStore} contract: where rate-limit state lives (memory now, Redis later).
 * @module
 */

/** What one admission costs. */
export interface RateCost {
  /** Requests (1 per call). */
  requests: number;
  /** Tokens (estimated prompt + max output tokens). */
  tokens: number;
}

/** The local limits. A missing limit is not enforced. */
export interface RateLimits {
  rpm?: number | undefined;
  tpm?: number | undefined;
}

/** One admission question. */
export interface TakeRequest {
  /** Bucket key (target name, plus tenant by default). */
  key: string;
  /** Key under which the provider's own limits were observed (the target name). */
  providerKey: string;
  cost: RateCost;
  limits: RateLimits;
  /** Epoch ms. */
  now: number;
}

/** The answer of {@link RateLimitStore.take} and {@link RateLimitStore.peek}. */
export interface TakeResult {
  /** True when the cost was taken (`take`) or could be (`peek`). */
  ok: boolean;
  /** Milliseconds until it could be taken; 0 when `ok`. */
  waitMs: number;
}

/** What the provider said about its own limits, with reset times already in this clock's epoch ms. */
export interface ProviderWindow {
  remainingRequests?: number | undefined;
  resetRequestsAt?: number | undefined;
  remainingTokens?: number | undefined;
  resetTokensAt?: number | undefined;
  /** Hold everything until then (a 429's Retry-After). */
  holdUntil?: number | undefined;
}

/**
 * Rate-limit state, shared by every caller of a key. Buckets refill continuously: `rpm` requests
 * and `tpm` tokens per minute, each starting full (a burst of one minute's allowance).
 *
 * Contract — each method is ONE atomic step (a Redis implementation runs each as a Lua script
 * over the key's hash: `requests`, `tokens`, `updatedAt`, and the provider window fields):
 *
 * - `take(req)`: refill both buckets to `now` (a cost above a bucket's capacity counts as the
 *   capacity); if the provider window holds the key (`holdUntil`
 *   in the future, or remaining requests/tokens below the cost before their reset) or either bucket
 *   lacks the cost, take NOTHING and answer the wait; otherwise debit both buckets, decrement the
 *   provider's remaining counts, and answer `{ ok: true, waitMs: 0 }`. All or nothing.
 * - `peek(req)`: the same answer without changing anything, for a CUMULATIVE cost (everything
 *   queued ahead plus this call, each already capped at the limits by the caller): the time the
 *   refill takes to deliver it. Used to refuse a wait that would exceed `maxWaitMs`.
 * - `adjust(key, delta, limits, now)`: after the call, add `delta` (more requests or tokens than
 *   were taken: retries, real usage above the estimate) or refund (negative). Buckets may go
 *   below zero (a debt later refills repay) but never above capacity.
 * - `observe(providerKey, window, now)`: replace the provider window with the latest headers
 *   (a field left `undefined` keeps its value); `holdUntil` only ever moves later.
 */
export interface RateLimitStore {
  take(req: TakeRequest): Promise<TakeResult>;
  peek(req: TakeRequest): Promise<TakeResult>;
  adjust(key: string, delta: RateCost, limits: RateLimits, now: number): Promise<void>;
  observe(providerKey: string, window: ProviderWindow, now: number): Promise<void>;
  /**
   * Optional, for a store that answers at once (in-process): `take`, answered synchronously.
   * `rateLimit()` then admits a call without awaiting when nobody waits for its key.
   */
  takeNow?(req: TakeRequest): TakeResult;
  /** Optional: `adjust`, synchronously (see {@link RateLimitStore.takeNow}). */
  adjustNow?(key: string, delta: RateCost, limits: RateLimits, now: number): void;
  /** Optional: `observe`, synchronously (see {@link RateLimitStore.takeNow}). */
  observeNow?(providerKey: string, window: ProviderWindow, now: number): void;
}
