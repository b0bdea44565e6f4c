/** @module */
import type { Usage } from './types.js';

/** Rate-limit state a provider reported in its headers, normalised. */
export interface RateLimitInfo {
  limitRequests?: number;
  remainingRequests?: number;
  /** Epoch ms when the request allowance resets. */
  resetRequestsAt?: number;
  limitTokens?: number;
  remainingTokens?: number;
  /** Epoch ms when the token allowance resets. */
  resetTokensAt?: number;
}

/** What one upstream request did. */
export interface AttemptRecord {
  /** Target name (`primary`, `backup:claude-sonnet-4.5`). */
  target: string;
  /** Model sent upstream. */
  model: string;
  /** Epoch ms when the attempt started. */
  startedAt: number;
  /** Until the response (JSON) or the end of the stream. */
  latencyMs?: number;
  /** Time to first content chunk, for streams. */
  timeToFirstTokenMs?: number;
  /** HTTP status, when one was received. */
  status?: number;
  outcome: 'pending' | 'ok' | 'error';
  /** Error code (`rate_limit`, `timeout`, …) when the attempt failed. */
  errorCode?: string;
  errorMessage?: string;
  /** Delay waited before this attempt (backoff, Retry-After). */
  delayMs?: number;
  /** True for an attempt started by hedging. */
  hedge?: boolean;
  /** Usage reported by this attempt (billed even when it lost a hedge). */
  usage?: Usage;
  requestId?: string;
  /**
   * Fingerprint (`…wxyz#1a2b3c4d`, never the key) of the API key this attempt was sent with, when
   * the adapter has several keys (a key pool).
   */
  key?: string;
  /**
   * Keys of the pool this attempt was sent with first and that answered `status` (429: set aside
   * to cool down; 401/403: quarantined) before being re-sent at once with `key` — in order.
   */
  keysTried?: Array<{ key: string; status?: number }>;
}

/** What the caller gets back next to the response: who answered, how, and at what cost. */
export interface Meta {
  /** Name of the target that answered. */
  provider?: string;
  /** Model that actually answered. */
  model?: string;
  /** Upstream requests made for this call, across retries, targets and hedges. */
  attempts: number;
  /** One record per upstream request. */
  attemptLog: AttemptRecord[];
  /** Wall time of the call, in ms. */
  latencyMs?: number;
  /** Time to first content chunk (streams), in ms. */
  timeToFirstTokenMs?: number;
  cache?: 'hit' | 'miss' | 'stale' | 'coalesced';
  /** Embedding calls through a cache: input items answered from it (`hits`) and sent upstream (`misses`). */
  cacheItems?: { hits: number; misses: number };
  /** Cost of the call in USD; `undefined` when the model has no price. */
  costUsd?: number;
  /** What a cache hit saved, in USD. */
  savedUsd?: number;
  /** Cost of each upstream attempt priced by `meter()` (failed attempts without usage cost 0). */
  costByAttempt?: Array<{ target: string; model: string; costUsd: number | undefined }>;
  /** Time spent waiting in a local rate-limit queue, in ms. */
  queuedMs?: number;
  /** Number of times failover moved to another target. */
  failovers?: number;
  usage?: Usage;
  /** True when the answer is a degraded fallback, not a model's answer. */
  degraded?: boolean;
  /** Rate-limit state from the last response's headers. */
  rateLimit?: RateLimitInfo;
  /** The provider's request id of the answering attempt. */
  requestId?: string;
  [extra: string]: unknown;
}

/** A fresh, empty {@link Meta}. */
export function createMeta(attemptLog: AttemptRecord[] = []): Meta {
  return { attempts: 0, attemptLog };
}
