/** @module */
import type {
  BreakerConfig,
  CacheConfig,
  FallbackConfig,
  MidStreamPolicy,
  ProviderKind,
  RateLimitConfig,
  RedisStoreConfig,
  ResponsesConfig,
  RetryConfig,
  ServerConfig,
  StatusConfig,
  TimeoutsConfig,
} from './types.js';

/** Every default of the configuration, in one typed object. */
export const CONFIG_DEFAULTS: {
  server: Required<Omit<ServerConfig, 'defaultModel'>>;
  retry: RetryConfig;
  circuitBreaker: Omit<BreakerConfig, 'maxBreakDurationMs'>;
  timeouts: TimeoutsConfig;
  cache: CacheConfig;
  rateLimit: Omit<RateLimitConfig, 'rpm' | 'tpm'>;
  fallback: Omit<FallbackConfig, 'content'>;
  redis: Omit<RedisStoreConfig, 'url' | 'cluster'>;
  responses: ResponsesConfig;
  midStream: MidStreamPolicy;
  status: StatusConfig;
} = {
  server: { host: '127.0.0.1', port: 8787, bodyLimitBytes: 1024 * 1024, logLevel: 'info', shutdownTimeoutMs: 10_000, requestTimeoutMs: 30_000, backlog: 4096 },
  retry: { maxAttempts: 3, initialDelayMs: 250, maxDelayMs: 4_000, maxRetryAfterMs: 10_000 },
  circuitBreaker: { failureThreshold: 5, breakDurationMs: 30_000, halfOpenMaxProbes: 1 },
  timeouts: { totalMs: 60_000, attemptMs: 30_000, firstTokenMs: 15_000, idleMs: 20_000 },
  cache: { ttlMs: 0, staleIfErrorMs: 86_400_000, maxBytes: 64 * 1024 * 1024 },
  rateLimit: { maxQueue: 100, maxWaitMs: 10_000 },
  fallback: { enabled: true, onRateLimit: false },
  redis: { prefix: 'lifeline', timeoutMs: 50, budgetFailMode: 'closed', rateLimitFallbackShare: 1 },
  responses: { ttlMs: 86_400_000, maxBytes: 32 * 1024 * 1024 },
  midStream: 'continue',
  status: { enabled: true },
};

/** The public endpoint of each vendor, in the form its SDK takes as `baseURL`. */
export const DEFAULT_BASE_URLS: Record<ProviderKind, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
};
