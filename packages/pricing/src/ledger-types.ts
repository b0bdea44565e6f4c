/**
 * The shapes a {@link Ledger} records and reports.
 * @module
 */
import type { Usage } from '@lifeline/core';
import type { Ledger } from './ledger.js';

/** A dimension to total by. */
export type LedgerDimension = 'provider' | 'model' | 'tenant' | 'day';

/** Totals of one group. */
export interface LedgerTotal {
  /** The group (a provider, model, tenant or `YYYY-MM-DD` day); `(none)` for calls without a tenant. */
  key: string;
  /** USD of priced requests. */
  costUsd: number;
  /** USD saved by cache hits. */
  savedUsd: number;
  /** Upstream requests (attempts). */
  requests: number;
  /** Answers served by the cache. */
  cacheHits: number;
  /** Requests that produced tokens but had no price (not in `costUsd`). */
  unpricedRequests: number;
  /** Requests whose usage was estimated. */
  estimatedRequests: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

/** One row of the ledger: an attempt, or a cache hit. */
export interface LedgerRecord {
  /** Epoch ms. */
  at: number;
  provider: string;
  model: string;
  tenant?: string | undefined;
  costUsd: number | undefined;
  usage?: Usage | undefined;
  savedUsd?: number | undefined;
  cacheHit?: boolean;
}

/** Everything the ledger holds, totalled. */
export interface LedgerSnapshot {
  total: LedgerTotal;
  byProvider: LedgerTotal[];
  byModel: LedgerTotal[];
  byTenant: LedgerTotal[];
  byDay: LedgerTotal[];
}
