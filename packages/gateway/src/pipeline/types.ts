/**
 * The contract between the HTTP server and what answers its requests. `buildPipeline(config)`
 * builds one from a config file; `createPipeline({ routes })` wraps clients you built yourself.
 * @module
 */
import type { KeyEvent, KeyPoolSnapshot } from '@lifeline/adapters';
import type { LifelineClient } from '@lifeline/core';
import type { ResponseStore } from './response-store.js';

/** A route the server sends a request to. */
export interface GatewayRoute {
  /** The glob the route was declared with (`*`, `gpt-*`, `deepseek-v3.2`). */
  readonly pattern: string;
  /** Target names, in order (for logs and `/api/health`). */
  readonly targets: readonly string[];
  /** The client running the route's middleware. */
  readonly client: LifelineClient;
  /** How targets are picked: in order (a later target answering means a failover), by weight, by latency. @defaultValue 'ordered' */
  readonly strategy?: 'ordered' | 'weighted' | 'least-latency';
}

/** A circuit breaker's state, as `/api/health` and `/metrics` report it. */
export interface BreakerStatus {
  /** Breaker key (`primary/gpt-4.1`). */
  key: string;
  /** `isolated`: opened by hand until reset. */
  state: 'closed' | 'open' | 'half-open' | 'isolated';
  /** Failures counted in the current window or run. */
  failures?: number;
  /** When open: ms until the next probe is allowed. */
  retryAfterMs?: number;
  /** When open: epoch ms of the next probe (0 ms `retryAfterMs` once it is due). */
  nextProbeAt?: number;
}

/** Cache figures for `/api/health` and `/metrics`. */
export interface CacheStatus {
  /** Entries held, or `null` when they live in Redis (their total is bounded by Redis's `maxmemory`). */
  entries: number | null;
  /** Bytes held, or `null` when they live in Redis. */
  bytes: number | null;
  hits?: number;
  misses?: number;
  stale?: number;
  [extra: string]: unknown;
}

/** Prices of one side of a cost comparison, USD per million tokens. */
export interface PriceSide {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok?: number;
  source?: string;
  effectiveDate?: string;
}

/** What `GET /api/cost/:model` returns: what you pay (relay) against list prices (official). */
export interface CostComparison {
  model: string;
  relay: PriceSide;
  official?: PriceSide;
  /** Percent saved against official prices (positive = cheaper). */
  savings?: { inputPercent: number; outputPercent: number };
}

/** Where the pipeline keeps its state, as `/api/health` reports it (never with a password). */
export type StoreStatus = { kind: 'memory' } | RedisStoreStatus;

/** State kept in Redis: the connection's health and each store's counters. */
export interface RedisStoreStatus {
  kind: 'redis';
  /** The Redis URL with its password replaced by `***` (a cluster: its root nodes, comma-separated). */
  url: string;
  /**
   * A Redis Cluster only: the root nodes (passwords replaced), each shard's master and its state
   * (`ready`, `connecting`: unreachable or failing over, `unavailable`: failed within the last
   * second — its keys answer from process-local state, budgets on it refuse), and the `MOVED`/`ASK`
   * redirections the client followed.
   */
  cluster?: { rootNodes: string[]; shards: Array<{ address: string; state: 'ready' | 'connecting' | 'unavailable' }>; redirects: number } | undefined;
  /** First segment of every key. */
  prefix: string;
  /**
   * `ready`: calls go to Redis. `connecting` (never connected, or reconnecting) and `unavailable`
   * (a call failed within the last second; a cluster: any shard is not ready): the cache, breakers
   * and rate limits answer from process-local state (on a cluster, for that shard's keys only),
   * budgets refuse calls (unless `budgetFailMode: open`). `closed`: shut down.
   */
  state: 'ready' | 'connecting' | 'unavailable' | 'closed';
  /** Reconnection attempts (while Redis was unreachable). */
  reconnects: number;
  /** Calls that hit the per-call timeout. */
  timeouts: number;
  /** Per store: `redis` (calls answered), `failures`, `timeouts`, `fallbacks`, `rejected`, and the store's own counters. */
  stores: Record<'cache' | 'breaker' | 'rateLimit' | 'budget', Record<string, number>>;
}

/** A provider as listed by `/api/health` (never with its key). */
export interface ProviderInfo {
  name: string;
  kind: string;
  baseURL?: string;
}

/** A breaker transition, for logs and the demo's progress lines. */
export interface BreakerChange {
  key: string;
  from: string;
  to: string;
  /** Epoch ms of the change. */
  at?: number;
  /** For `to: 'open'`: how long it stays open, in ms. */
  breakMs?: number;
}

/** One row of {@link SpendToday}: a provider (target) or a model. */
export interface SpendRow {
  key: string;
  costUsd: number;
  /** Upstream requests (attempts). */
  requests: number;
}

/** Today's spend (UTC day) against the budgets, for the status page. */
export interface SpendToday {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  totalUsd: number;
  /** This calendar month so far (UTC). */
  monthUsd: number;
  byProvider: SpendRow[];
  byModel: SpendRow[];
  /** The gateway's budgets (`budgets.dailyUsd`, `budgets.monthlyUsd`). */
  budgets: { dailyUsd?: number | undefined; monthlyUsd?: number | undefined };
  /** Tenants with a daily budget: today's spend against it. */
  tenants: Array<{ tenant: string; costUsd: number; budgetUsd: number }>;
}

/** What the server needs from a pipeline. Only `route`, `models` and `close` are required. */
export interface GatewayPipeline {
  /** The route serving `model`, or `undefined` (the server answers 404 `model_not_found`). */
  route(model: string): GatewayRoute | undefined;
  /** Models listed by `GET /v1/models`. */
  models(): readonly string[];
  /** Upstream providers, for `/api/health`. */
  providers?(): readonly ProviderInfo[];
  /** Breaker states, for `/api/health` and `/metrics`. */
  breakers?(): readonly BreakerStatus[] | Promise<readonly BreakerStatus[]>;
  /** Cache figures, for `/api/health` and `/metrics`. */
  cache?(): CacheStatus | undefined;
  /** Price comparison for `GET /api/cost/:model`; `undefined` when the model has no price. */
  cost?(model: string): CostComparison | undefined;
  /** Spend so far (e.g. a `Ledger` snapshot), for `GET /api/spend` with an admin key. */
  spend?(): unknown;
  /**
   * One tenant's spend (e.g. `ledger.snapshot({ tenant })`), for `GET /api/spend` with that
   * tenant's key. Without it, tenant keys get 403 there (never another tenant's rows).
   */
  tenantSpend?(tenant: string): unknown;
  /**
   * The state of each provider's key pool (providers with several keys): each key, by
   * fingerprint, healthy / cooling / quarantined. For `/api/health`, `/metrics` and the status page.
   */
  keyPools?(): Promise<readonly KeyPoolSnapshot[]>;
  /** Subscribes to key pools' changes (a key cooling down, quarantined, back); returns the unsubscriber. */
  onKeyChange?(listener: (event: KeyEvent) => void): () => void;
  /** The routes, in the order they match (for the status page). */
  routes?(): readonly GatewayRoute[];
  /** Today's spend per provider and model against the budgets (for the status page). */
  spendToday?(): SpendToday | undefined;
  /** Calls waiting in the rate limiter's queues, per key (for the status page). */
  rateLimitQueues?(): Record<string, number>;
  /** Subscribes to breaker transitions; returns the unsubscriber. */
  onBreakerChange?(listener: (change: BreakerChange) => void): () => void;
  /** Exact secrets (upstream keys) to scrub from anything the server returns or logs. */
  secrets?(): readonly string[];
  /** Where state is kept (memory, or Redis and its health), for `/api/health`, `/metrics` and logs. */
  store?(): StoreStatus;
  /**
   * Waits (bounded) until external state stores are connected; true when they are (or there are
   * none). `listen()` awaits it before accepting requests.
   */
  ready?(): Promise<boolean>;
  /**
   * Where `POST /v1/responses` keeps answers for `previous_response_id` and `GET /v1/responses/{id}`.
   * Absent: a memory store with the defaults; returning `undefined`: nothing is kept.
   */
  responseStore?(): ResponseStore | undefined;
  /**
   * True when no middleware and no adapter of any route changes a streamed chunk or a JSON answer
   * in place (they pass them on or replace them with new objects, as every Lifeline middleware
   * does): the server then asks the adapters for each chunk's JSON text as received (`CHUNK_JSON`)
   * and writes chunks that reach it unreplaced as those bytes, and for each answer's text
   * (`RESPONSE_JSON`), which the cache stores instead of serialising the answer again.
   * @defaultValue false
   */
  readonly chunksUnchanged?: boolean;
  /** Releases pooled connections, store connections and timers. */
  close(): Promise<void>;
}
