/**
 * `buildPipeline`: a config becomes adapters and, per route, the recommended middleware stack —
 * the one file that knows every Lifeline package.
 * @module
 */
import { cache } from '@lifeline/cache';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { createClient, fallbackResponse, isOutage, timeout, type Adapter, type Clock, type Middleware } from '@lifeline/core';
import { PrefillMemory } from '@lifeline/failover';
import { budget, meter } from '@lifeline/pricing';
import { retry } from '@lifeline/retry';
import type { GatewayConfig, RouteConfig } from '../config/types.js';
import { credentialHeaderSecrets } from '../config/secret-references.js';
import { allRateLimited } from '../server/errors.js';
import { createAdapter } from './adapters.js';
import { compareCost, loadPricing, type GatewayPricing } from './pricing.js';
import { boundedBreakerKey, FoldingLedger } from './bounded-state.js';
import { ModelSlots } from './model-slots.js';
import { createRouter, isGlob, routableModels } from './router.js';
import type { BreakerStatus, GatewayPipeline, GatewayRoute } from './types.js';
import { routeFailover } from './route-failover.js';
import { spendToday } from './spend-today.js';
import { createStores } from './stores.js';
import { targetRateLimit } from './target-limits.js';
import { tenantLimits } from './tenant-limits.js';
import { keyPoolsOf, onPoolChange, snapshotPools } from './key-pools.js';
import { startTelemetry } from '../telemetry/start-telemetry.js';

/** Options of {@link buildPipeline}. */
export interface BuildPipelineOptions {
  /** Adapters to use instead of building them from `providers` (tests, custom transports), by provider name. */
  adapters?: Readonly<Record<string, Adapter>>;
  /** Catalogs given in code; they win over the config's files. */
  pricing?: Partial<GatewayPricing>;
  /** Time source of every client. @defaultValue the system clock */
  clock?: Clock;
}

interface Route extends GatewayRoute {
  config: RouteConfig;
  models: readonly string[] | undefined;
}

/** Every model the config names: routes without a wildcard, allow-lists, target models, provider models. */
function configuredModels(config: GatewayConfig): string[] {
  return [
    ...config.routes.flatMap((r) => [...(isGlob(r.model) ? [] : [r.model]), ...(r.models ?? []), ...r.targets.flatMap((t) => (t.model === undefined ? [] : [t.model]))]),
    ...Object.values(config.providers).flatMap((p) => p.models ?? []),
  ];
}

/**
 * Builds the pipeline of a validated config. Per route, outermost first:
 * `otel` (with `telemetry:`) → `fallbackResponse` → `cache` → tenant limits (budget, rpm) → gateway `budget`s → `meter` →
 * `failover(targets)` → per-target `rateLimit` (a provider's key shares, else `rateLimit:`) → `retry` →
 * `circuitBreaker` → `timeout`.
 * Cache, budgets, meter, rate limits, retry budget and breakers are shared by every route;
 * adapters (and their pools) are one per provider. With `store.redis`, the cache, breakers, rate
 * limits, budgets and key pools' cool-downs and quarantines keep their state in Redis (shared
 * with every gateway on it), and Redis's cross-process single-flight sits right outside `cache`.
 *
 * @param config - from `loadConfig` / `validateConfig`
 * @param options - injected adapters, catalogs, clock
 * @returns the pipeline
 * @throws {@link ConfigValidationError} when a catalog file cannot be read
 * @example
 * ```ts
 * const pipeline = buildPipeline(await loadConfig('lifeline.yaml'));
 * const { response, meta } = await pipeline.route('gpt-4.1')!.client.chat(request);
 * ```
 */
export function buildPipeline(config: GatewayConfig, options: BuildPipelineOptions = {}): GatewayPipeline {
  const pricing = loadPricing(config, options.pricing);
  const stores = createStores(config);
  const adapters = new Map<string, Adapter>();
  const built: Adapter[] = [];
  try {
    for (const [name, p] of Object.entries(config.providers)) {
      const given = options.adapters?.[name];
      const adapter = given ?? createAdapter(name, p, { keyPoolStore: stores.keyPool, clock: options.clock });
      if (!given) built.push(adapter);
      adapters.set(name, adapter);
    }
  } catch (error) {
    void Promise.allSettled([...built.map((a) => a.close?.()), stores.close()]);
    throw error;
  }
  const pools = keyPoolsOf(adapters);
  // Model names come from clients and upstreams: breaker keys and spend rows fold them per target.
  const slots = new ModelSlots({ known: configuredModels(config) });
  const ledger = new FoldingLedger(slots);
  const priced = { catalog: pricing.catalog, catalogs: pricing.catalogs };
  const telemetry = config.telemetry ? startTelemetry(config.telemetry) : undefined;
  const breaker = config.circuitBreaker === false ? undefined : circuitBreaker({ ...config.circuitBreaker, key: boundedBreakerKey(slots), ...(stores.breaker && { store: stores.breaker }), ...(options.clock && { clock: options.clock }) });
  const answers = config.cache === false ? undefined : cache({ ttlMs: config.cache.ttlMs, staleIfErrorMs: config.cache.staleIfErrorMs, ...(stores.cache && { store: stores.cache }) });
  const budgetStore = stores.budget && { store: stores.budget };
  const fallback = config.fallback;
  const shared: Middleware[] = telemetry ? [telemetry.middleware] : [];
  if (fallback.enabled) {
    shared.push(fallbackResponse({ ...(fallback.content !== undefined && { content: fallback.content }), when: (error) => isOutage(error) && (fallback.onRateLimit || !allRateLimited(error)) }));
  }
  if (answers) {
    if (stores.singleFlight) shared.push(stores.singleFlight);
    shared.push(answers);
  }
  shared.push(...tenantLimits(config.auth.keys, priced, stores));
  if (config.budgets.dailyUsd !== undefined) shared.push(budget({ limitUsd: config.budgets.dailyUsd, window: 'day', scope: 'gateway', ...priced, ...budgetStore }));
  if (config.budgets.monthlyUsd !== undefined) shared.push(budget({ limitUsd: config.budgets.monthlyUsd, window: 'month', scope: 'gateway', ...priced, ...budgetStore }));
  shared.push(meter({ ...priced, ledger }));
  const perAttempt: Middleware[] = [];
  const limiter = targetRateLimit(config, stores.rateLimit);
  if (limiter) perAttempt.push(limiter);
  if (config.retry !== false) perAttempt.push(retry(config.retry));
  if (breaker) perAttempt.push(breaker);
  const { attemptMs, firstTokenMs, idleMs } = config.timeouts;
  perAttempt.push(timeout({ ms: attemptMs, firstTokenMs, idleMs }));

  const prefillMemory = new PrefillMemory();
  const routes: Route[] = config.routes.map((r) => {
    const route = routeFailover(r, config, adapters, prefillMemory);
    const client = createClient({ use: [...shared, route, ...perAttempt], ...(options.clock && { clock: options.clock }) });
    return { pattern: r.model, models: r.models, strategy: r.strategy, targets: r.targets.map((t) => (t.model === undefined ? t.provider : `${t.provider}:${t.model}`)), client, config: r };
  });
  const find = createRouter(routes);
  const declared = [...Object.values(config.providers).flatMap((p) => p.models ?? []), ...config.routes.flatMap((r) => r.models ?? [])];
  const listed = routableModels(routes.map((r) => r.pattern), declared).filter((m) => find(m) !== undefined);
  const upstreamKeys = Object.values(config.providers).flatMap((p) => [...(p.apiKey ? [p.apiKey] : []), ...(p.apiKeys ?? []).map((k) => k.key)]);
  const secrets = [...new Set(upstreamKeys), ...credentialHeaderSecrets(config.providers), ...stores.secrets, ...(telemetry?.secrets ?? [])];

  return {
    route: find,
    // Every middleware here only replaces chunks; adapters given in code are not vouched for.
    chunksUnchanged: options.adapters === undefined || Object.keys(options.adapters).length === 0,
    routes: () => routes,
    models: () => listed,
    providers: () => Object.entries(config.providers).map(([name, p]) => ({ name, kind: p.kind, baseURL: p.baseURL })),
    async breakers(): Promise<BreakerStatus[]> {
      if (!breaker) return [];
      const now = Date.now();
      return Object.entries(await breaker.snapshot()).map(([key, s]) => ({
        key,
        state: s.state,
        failures: s.failures,
        ...(s.nextProbeAt !== undefined && s.state === 'open' && { retryAfterMs: Math.max(0, s.nextProbeAt - now), nextProbeAt: s.nextProbeAt }),
      }));
    },
    cache() {
      if (!answers) return undefined;
      const s = answers.stats();
      const counts = { hits: s.hits, misses: s.misses, stale: s.stale, coalesced: s.coalesced };
      const local = stores.localCache();
      return local ? { entries: null, bytes: null, ...counts, storeErrors: s.storeErrors, local } : { entries: s.entries ?? 0, bytes: s.bytes ?? 0, ...counts };
    },
    cost: (model) => {
      const route = find(model);
      return compareCost(pricing, model, route?.config.targets[0]);
    },
    spend: () => ledger.snapshot(),
    tenantSpend: (tenant) => ledger.snapshot({ tenant }),
    spendToday: () => spendToday(ledger, config, options.clock?.now() ?? Date.now()),
    ...(limiter && { rateLimitQueues: limiter.queued }),
    keyPools: () => snapshotPools(pools),
    onKeyChange: (listener) => onPoolChange(pools, listener),
    onBreakerChange: (listener) => breaker?.onStateChange((c) => listener({ key: c.key, from: c.from, to: c.to, at: c.at, ...(c.breakMs !== undefined && { breakMs: c.breakMs }) })) ?? (() => {}),
    secrets: () => secrets,
    store: () => stores.status(),
    responseStore: () => stores.responses,
    ready: () => stores.ready(),
    async close() {
      await Promise.allSettled([...built.map((a) => a.close?.()), stores.close(), telemetry?.shutdown()]);
    },
  };
}
