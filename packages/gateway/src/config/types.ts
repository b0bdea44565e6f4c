/**
 * The gateway's configuration: what a `lifeline.yaml` file holds once it is validated and its
 * defaults applied. {@link GatewayConfigInput} is the looser shape a file (or a caller) may give.
 * @module
 */
import type { TelemetryConfig, TelemetryConfigInput } from './telemetry.js';

export type { OtlpConfig, OtlpProtocol, TelemetryConfig, TelemetryConfigInput } from './telemetry.js';

/** The provider wire formats the gateway speaks. */
export type ProviderKind = 'openai' | 'anthropic' | 'gemini';

/** Every {@link ProviderKind}, for validation messages. */
export const PROVIDER_KINDS: readonly ProviderKind[] = ['openai', 'anthropic', 'gemini'];

/** pino log levels. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** One upstream provider (`providers.<name>`). */
export interface ProviderConfig {
  /** Wire format. */
  kind: ProviderKind;
  /**
   * Base URL as the vendor's SDK takes it: OpenAI-compatible with `/v1`, Anthropic and Gemini as
   * the bare origin. @defaultValue the vendor's public endpoint
   */
  baseURL: string;
  /** Upstream API key (the first of `apiKeys`); in a config file it must come from `${ENV}` or `apiKeyFile`. Never logged. */
  apiKey?: string | undefined;
  /**
   * Several upstream keys for this provider — a key pool: each attempt goes out with one of them,
   * a rate-limited key cools down and a refused one is quarantined while the others answer. From
   * `apiKeys: ["${KEY_1}", "${KEY_2}"]` (or `{ key, rpm, tpm }` items) or a list of `apiKeyFile`s.
   */
  apiKeys?: UpstreamKey[] | undefined;
  /** How the key pool picks, cools down and quarantines keys. */
  keyPool?: KeyPoolConfig | undefined;
  /** Extra headers sent upstream (e.g. `OpenAI-Project`). */
  headers?: Record<string, string> | undefined;
  /** Models this provider serves, advertised at `GET /v1/models` when a route matches them. */
  models?: string[] | undefined;
  /** Price list of this provider (YAML/JSON catalog file): what its calls cost you. @defaultValue `pricing.catalog`, else official prices */
  catalog?: string | undefined;
  /**
   * Most sockets to this provider (with `http2`, HTTP/2 connections of up to 100 streams each).
   * Requests beyond it wait for a socket to come free, and over HTTP/1.1 a stream holds its socket
   * until it ends. @defaultValue unbounded: a socket per concurrent request (idle ones kept alive)
   */
  connections?: number | undefined;
  /**
   * Speak HTTP/2 to this provider, so concurrent requests and streams share connections: over
   * `https://`, `h2` is offered first; over `http://`, h2c with prior knowledge (the server must
   * speak it). @defaultValue false (over https, `h2` is still offered after `http/1.1`)
   */
  http2?: boolean | undefined;
  /** Anthropic: `max_tokens` sent when a request sets none (Anthropic requires one). @defaultValue 4096 */
  defaultMaxTokens?: number | undefined;
  /**
   * Whether this provider's models continue an assistant prefill where it stopped (mid-stream
   * `continue` sends them the partial answer; others regenerate it). A target's own `prefill` wins.
   * @defaultValue `anthropic`: true; `openai`, `gemini`: false
   */
  prefill?: boolean | undefined;
}

/** One key of a provider's key pool, with its optional share of the provider's limits. */
export interface UpstreamKey {
  /** The key (from the environment or a file; never logged). */
  key: string;
  /** Requests per minute this key may make: the provider's client-side limit is the sum over its keys. */
  rpm?: number | undefined;
  /** Tokens per minute this key may use: summed like `rpm`. */
  tpm?: number | undefined;
}

/** `providers.<name>.keyPool:` (see `keyPool` of `@lifeline/adapters`). */
export interface KeyPoolConfig {
  /** `round-robin` or `least-used` (over `windowMs`, relative to each key's share). @defaultValue 'round-robin' */
  strategy?: 'round-robin' | 'least-used' | undefined;
  /** Window over which each key's use is counted, in ms. @defaultValue 60000 */
  windowMs?: number | undefined;
  /** Cool-down of a key after a 429 without a retry hint, doubling per 429 in a row, in ms. @defaultValue 5000 */
  coolDownMs?: number | undefined;
  /** Longest cool-down one 429 imposes, in ms. @defaultValue 600000 */
  maxCoolDownMs?: number | undefined;
  /** How long a refused key (401/403, exhausted quota) stays out before one request re-checks it, in ms. @defaultValue 600000 */
  quarantineMs?: number | undefined;
}

/** One target of a route: a provider, optionally with a model swap. */
export interface TargetConfig {
  /** Name of a key of `providers`. */
  provider: string;
  /** Model to send instead of the requested one. */
  model?: string | undefined;
  /** Weight for the `weighted` strategy. @defaultValue 1 */
  weight?: number | undefined;
  /** Whether this target (provider and model) continues an assistant prefill. @defaultValue the provider's `prefill` */
  prefill?: boolean | undefined;
  /**
   * Embedding calls: targets of one family are interchangeable even when their model names differ
   * (the same model as an Azure deployment). @defaultValue the model the target sends
   */
  embeddingFamily?: string | undefined;
  /** Embedding calls: the width of this target's vectors, checked within a family and on every answer. */
  dimensions?: number | undefined;
}

/**
 * What a stream that breaks after content reached the client becomes (see `@lifeline/failover`):
 * `continue` (the next target continues the answer — from a prefill, or by regeneration — and the
 * client gets one seamless stream), `error` (an in-band error after the partial text), `restart`
 * (a `lifeline` restart chunk, then the whole answer again; only for clients that understand it).
 */
export type MidStreamPolicy = 'error' | 'restart' | 'continue';

/** Every {@link MidStreamPolicy}, for validation messages. */
export const MID_STREAM_POLICIES: readonly MidStreamPolicy[] = ['continue', 'error', 'restart'];

/** Target selection strategies of `@lifeline/failover`. */
export type RouteStrategy = 'ordered' | 'weighted' | 'least-latency';

/** A route: requests whose model matches `model` (a glob) go to `targets`, in order. */
export interface RouteConfig {
  /** Glob on the requested model: `*` matches any run of characters, `?` one character. */
  model: string;
  /** Ordered targets. */
  targets: TargetConfig[];
  /** @defaultValue 'ordered' */
  strategy: RouteStrategy;
  /** Start a hedged request to the next target after this many ms without an answer. */
  hedgeAfterMs?: number | undefined;
  /** This route's mid-stream policy. @defaultValue the top-level `midStream` */
  midStream?: MidStreamPolicy | undefined;
  /**
   * Allow-list: the route serves only these models (each must match `model`); any other model
   * passes to the next route, else gets 404 `model_not_found` without reaching an upstream.
   * @defaultValue every model the glob matches
   */
  models?: string[] | undefined;
}

/**
 * What a gateway key may do. `admin`: everything, the operator endpoints (`/api/health`,
 * `/metrics`, every tenant's `/api/spend`) included. `tenant`: the API (chat, models, prices) and
 * its own tenant's rows of `/api/spend`; 403 on the operator endpoints.
 */
export type KeyRole = 'admin' | 'tenant';

/** A gateway API key, stored as its SHA-256 only. */
export interface GatewayKey {
  /** Hex SHA-256 of the key. The plaintext is never kept. */
  sha256: string;
  /** Label for logs and metrics (`key-1` by default). */
  name: string;
  /** Tenant the key is bound to: scopes its cache, budget and rate limit. */
  tenant?: string | undefined;
  /** Daily spend limit of the tenant, in USD. */
  budgetUsdPerDay?: number | undefined;
  /** Requests per minute allowed for the tenant. */
  rpm?: number | undefined;
  /** @defaultValue `'tenant'` for a key bound to a tenant, else `'admin'` */
  role?: KeyRole | undefined;
}

/** `server:` */
export interface ServerConfig {
  /** @defaultValue '127.0.0.1' */
  host: string;
  /** @defaultValue 8787 */
  port: number;
  /** Largest accepted request body in bytes; larger → 413. @defaultValue 1048576 (1 MiB) */
  bodyLimitBytes: number;
  /** @defaultValue 'info' */
  logLevel: LogLevel;
  /** How long shutdown waits for in-flight requests and streams, in ms. @defaultValue 10000 */
  shutdownTimeoutMs: number;
  /**
   * Longest time to receive a whole request (head and body), in ms; a client still sending past
   * it gets 408 `request_timeout` and its connection closed (slow-body clients cannot hold sockets).
   * Never limits the response: a long stream keeps flowing. 0 turns it off (only behind a proxy
   * that enforces its own). @defaultValue 30000
   */
  requestTimeoutMs: number;
  /**
   * Most connections the kernel queues for the gateway before it accepts them (the `listen`
   * backlog; Linux caps it at `net.core.somaxconn`). A burst of new clients larger than the queue
   * while the process is busy gets dropped SYNs (a connect that stalls 1 s, 3 s, 7 s…) or resets;
   * Node's own default, 511, overflowed under a burst of 2,000 streams opened in 2 s.
   * @defaultValue 4096
   */
  backlog: number;
  /** Model used by `POST /api/chat` when the body names none. */
  defaultModel?: string | undefined;
}

/** `retry:` (see `@lifeline/retry`). */
export interface RetryConfig {
  /** Attempts per target, the first included. @defaultValue 3 */
  maxAttempts: number;
  /** @defaultValue 250 */
  initialDelayMs: number;
  /** @defaultValue 4000 */
  maxDelayMs: number;
  /** Longest Retry-After honoured before moving on, in ms. @defaultValue 10000 */
  maxRetryAfterMs: number;
}

/** `circuitBreaker:` (see `@lifeline/circuit-breaker`). */
export interface BreakerConfig {
  /** Consecutive failures that open a target's breaker. @defaultValue 5 */
  failureThreshold: number;
  /** How long it stays open before a probe, in ms. @defaultValue 30000 */
  breakDurationMs: number;
  /**
   * Longest break, in ms: after a failed probe the break doubles up to this (and a provider's
   * Retry-After is honoured up to this). Equal to `breakDurationMs`, the break never grows, so
   * traffic is back on a recovered target within one `breakDurationMs`.
   * @defaultValue `breakDurationMs`
   */
  maxBreakDurationMs: number;
  /** @defaultValue 1 */
  halfOpenMaxProbes: number;
}

/** `timeouts:` */
export interface TimeoutsConfig {
  /** Whole request across retries and targets (`timeoutMs`). @defaultValue 60000 */
  totalMs: number;
  /** Each upstream attempt. @defaultValue 30000 */
  attemptMs: number;
  /** Streams: first content token of an attempt. @defaultValue 15000 */
  firstTokenMs: number;
  /** Streams: longest silence between chunks. @defaultValue 20000 */
  idleMs: number;
}

/** `cache:` (see `@lifeline/cache`). */
export interface CacheConfig {
  /**
   * Fresh hits: an identical request is answered from the cache for this long, in ms. `0` = no
   * fresh hits: answers are only recorded, for stale-if-error and for clients that send
   * `Cache-Control: max-age=N`. @defaultValue 0
   */
  ttlMs: number;
  /** Served stale when every target fails, for this long after it expired (after it was recorded, with `ttlMs: 0`), in ms. @defaultValue 86400000 */
  staleIfErrorMs: number;
  /** Memory bound in bytes. @defaultValue 67108864 (64 MiB) */
  maxBytes: number;
}

/** `rateLimit:` (see `@lifeline/rate-limit`), for the whole gateway. */
export interface RateLimitConfig {
  /** Requests per minute. */
  rpm?: number | undefined;
  /** Tokens per minute. */
  tpm?: number | undefined;
  /** Longest queue before 429. @defaultValue 100 */
  maxQueue: number;
  /** Longest wait in the queue, in ms. @defaultValue 10000 */
  maxWaitMs: number;
}

/** `budgets:` spend limits in USD. */
export interface BudgetsConfig {
  /** Whole gateway, per UTC day. */
  dailyUsd?: number | undefined;
  /** Whole gateway, per calendar month (UTC). */
  monthlyUsd?: number | undefined;
}

/** `pricing:` catalogs (YAML or JSON files, paths relative to the config file). */
export interface PricingConfig {
  /** What you pay (your relay's prices); overrides the default catalog. */
  catalog?: string | undefined;
  /** Reference prices for savings (official list prices). @defaultValue the default catalog */
  reference?: string | undefined;
}

/** `fallback:` the degraded answer of last resort. */
export interface FallbackConfig {
  /** @defaultValue true */
  enabled: boolean;
  /** The degraded answer. @defaultValue core's DEFAULT_FALLBACK_CONTENT */
  content?: string | undefined;
  /** Also degrade when every target is rate-limited (else: 429 with Retry-After). @defaultValue false */
  onRateLimit: boolean;
}

/** `responses:` how long the Responses API front door keeps answers (for `previous_response_id`, `item_reference` and `GET /v1/responses/{id}`). */
export interface ResponsesConfig {
  /** How long a stored response can be continued and read back, in ms. @defaultValue 86400000 (one day) */
  ttlMs: number;
  /** Memory bound in bytes (the memory store; with `store.redis`, its process-local fallback). @defaultValue 33554432 (32 MiB) */
  maxBytes: number;
}

/** What a Redis-backed budget does when Redis cannot answer: refuse the call (503) or use a per-process budget. */
export type BudgetFailMode = 'closed' | 'open';

/** `store.redis:` keep the gateway's state in Redis (or Valkey), shared by every gateway using it (see `@lifeline/redis`). */
export interface RedisStoreConfig {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://…` for TLS; write it as `"${REDIS_URL}"`. Never logged with its password. Not with `cluster`. */
  url?: string | undefined;
  /**
   * A Redis Cluster (or Valkey cluster) instead of one endpoint: `rootNodes` are URLs of some of
   * its nodes (the others are discovered; the first one's password is used for all). Not with `url`.
   */
  cluster?: { rootNodes: string[] } | undefined;
  /** First segment of every key: one per deployment sharing a Redis. @defaultValue 'lifeline' */
  prefix: string;
  /** Longest wait for one Redis call, in ms; past it the store falls back (or a budget refuses). @defaultValue 50 */
  timeoutMs: number;
  /** While Redis is down: `closed` refuses budgeted calls with 503, `open` checks a per-process budget. @defaultValue 'closed' */
  budgetFailMode: BudgetFailMode;
  /** Share of each rate limit a process enforces alone while Redis is down (`1 / replicas` keeps the global limit). @defaultValue 1 */
  rateLimitFallbackShare: number;
}

/** `store:` where the cache, breakers, rate limits and budgets live. Without `redis`: in this process's memory. */
export interface StoreConfig {
  /** Shared state on Redis; absent = memory stores (per process). */
  redis?: RedisStoreConfig | undefined;
}

/** `status:` the live status page (`GET /status`, admin keys only). */
export interface StatusConfig {
  /** Serve `/status` and `/status/events`; `false` answers them 404. @defaultValue true */
  enabled: boolean;
}

/** A validated configuration with every default applied. */
export interface GatewayConfig {
  server: ServerConfig;
  auth: { keys: GatewayKey[] };
  providers: Record<string, ProviderConfig>;
  routes: RouteConfig[];
  retry: RetryConfig | false;
  circuitBreaker: BreakerConfig | false;
  timeouts: TimeoutsConfig;
  cache: CacheConfig | false;
  rateLimit: RateLimitConfig | false;
  budgets: BudgetsConfig;
  pricing: PricingConfig;
  fallback: FallbackConfig;
  store: StoreConfig;
  /** `false`: nothing is kept (every call behaves as `store: false`). */
  responses: ResponsesConfig | false;
  /** Mid-stream policy of every route that sets none. @defaultValue 'continue' */
  midStream: MidStreamPolicy;
  /** OpenTelemetry traces and metrics over OTLP; absent = off. */
  telemetry?: TelemetryConfig | undefined;
  /** The live status page. */
  status: StatusConfig;
}

/** A gateway key as written in a file: the key itself, or an object. */
export type GatewayKeyInput =
  | string
  | { key?: string; sha256?: string; name?: string; tenant?: string; budgetUsdPerDay?: number; rpm?: number; role?: KeyRole };

/** A target as written in a file: a provider name, or an object. */
export type TargetInput = string | { provider: string; model?: string; weight?: number; prefill?: boolean; embeddingFamily?: string; dimensions?: number };

/** What a config file (or a caller of `createGateway`) may give; validated by `validateConfig`. */
export interface GatewayConfigInput {
  server?: Partial<ServerConfig>;
  auth?: { keys?: GatewayKeyInput[] };
  providers: Record<
    string,
    Partial<Omit<ProviderConfig, 'kind' | 'apiKeys'>> & {
      kind: ProviderKind;
      /** A file holding the key, or several files (a key pool). */
      apiKeyFile?: string | string[];
      apiKeys?: Array<string | UpstreamKey>;
    }
  >;
  routes: Array<{ model: string; targets: TargetInput[]; strategy?: RouteStrategy; hedgeAfterMs?: number; midStream?: MidStreamPolicy; models?: string[] }>;
  retry?: Partial<RetryConfig> | false;
  circuitBreaker?: Partial<BreakerConfig> | false;
  timeouts?: Partial<TimeoutsConfig>;
  cache?: Partial<CacheConfig> | false;
  rateLimit?: Partial<RateLimitConfig> | false;
  budgets?: BudgetsConfig;
  pricing?: PricingConfig;
  fallback?: Partial<FallbackConfig>;
  store?: { redis?: Partial<RedisStoreConfig> & ({ url: string } | { cluster: { rootNodes: string[] } }) };
  responses?: Partial<ResponsesConfig> | false;
  midStream?: MidStreamPolicy;
  telemetry?: TelemetryConfigInput | false;
  /** `false` is the same as `{ enabled: false }`. */
  status?: Partial<StatusConfig> | false;
}
