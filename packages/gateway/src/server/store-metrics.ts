/**
 * Prometheus metrics of the Redis state store: connection state, and per store the calls Redis
 * answered, failed, timed out, answered from the process-local fallback, or refused. Read from
 * the pipeline at scrape time. Never labelled with the URL (it may hold a password).
 * @module
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { GatewayPipeline, RedisStoreStatus } from '../pipeline/types.js';

/** `lifeline_redis_state` values. */
export const REDIS_STATE_VALUE = { ready: 0, connecting: 1, unavailable: 2, closed: 3 } as const;

const STORES = ['cache', 'breaker', 'rateLimit', 'budget'] as const;

/** Per-store counters, each its own `_total` metric: `[counter field, metric name, help]`. */
const PER_STORE = [
  ['redis', 'lifeline_redis_calls_total', 'Store calls Redis answered, by store'],
  ['failures', 'lifeline_redis_failures_total', 'Store calls that failed at Redis (errors, timeouts, calls skipped while it was unavailable), by store'],
  ['timeouts', 'lifeline_redis_timeouts_total', 'Store calls that hit the per-call timeout (store.redis.timeoutMs), by store'],
  ['fallbacks', 'lifeline_redis_fallbacks_total', 'Store calls answered by the process-local fallback because Redis could not answer, by store'],
  ['rejected', 'lifeline_redis_rejected_total', 'Store calls refused because Redis could not answer (budgets fail closed), by store'],
] as const;

const CACHE_EVENTS = ['led', 'followed', 'oversize', 'unreadable'] as const;

/**
 * Registers the Redis metrics on `registry` when the pipeline keeps its state in Redis; a
 * memory-store gateway gets none.
 *
 * @param registry - the gateway's registry
 * @param pipeline - read at scrape time (`pipeline.store()`)
 * @example
 * ```ts
 * registerStoreMetrics(registry, pipeline); // lifeline_redis_state 0, lifeline_redis_calls_total{store="cache"} 12, …
 * ```
 */
export function registerStoreMetrics(registry: Registry, pipeline: GatewayPipeline): void {
  if (pipeline.store?.().kind !== 'redis') return;
  const registers = [registry];
  const status = (): RedisStoreStatus | undefined => {
    const s = pipeline.store?.();
    return s?.kind === 'redis' ? s : undefined;
  };
  new Gauge({
    name: 'lifeline_redis_state',
    help: 'Redis state store connection: 0 ready, 1 connecting, 2 unavailable (stores answer from process-local state, budgets refuse), 3 closed',
    registers,
    collect() {
      const s = status();
      if (s) this.set(REDIS_STATE_VALUE[s.state]);
    },
  });
  absolute('lifeline_redis_reconnects_total', 'Reconnection attempts of the Redis connection', [], (set) => {
    const s = status();
    if (s) set({}, s.reconnects);
  });
  if (status()?.cluster) {
    new Gauge({
      name: 'lifeline_redis_cluster_shards',
      help: 'Shards of the Redis Cluster by state: ready, connecting (unreachable or failing over), unavailable (failed within the last second: its keys use process-local state)',
      labelNames: ['state'],
      registers,
      collect() {
        const shards = status()?.cluster?.shards ?? [];
        for (const state of ['ready', 'connecting', 'unavailable'] as const) this.set({ state }, shards.filter((s) => s.state === state).length);
      },
    });
    absolute('lifeline_redis_cluster_redirects_total', 'MOVED and ASK redirections the Redis Cluster client followed (slots moving, failovers)', [], (set) => {
      set({}, status()?.cluster?.redirects ?? 0);
    });
  }
  for (const [field, name, help] of PER_STORE) {
    absolute(name, help, ['store'], (set) => {
      const s = status();
      for (const store of STORES) set({ store }, s?.stores[store]?.[field] ?? 0);
    });
  }
  absolute('lifeline_redis_cache_events_total', 'Cross-process cache events: led (this process called upstream for all), followed (served another process\'s entry), oversize, unreadable', ['event'], (set) => {
    const cache = status()?.stores.cache;
    for (const event of CACHE_EVENTS) set({ event }, cache?.[event] ?? 0);
  });
  absolute('lifeline_redis_budget_settles_lost_total', 'Budget settlements given up (their reservations stay counted until the window ends)', [], (set) => {
    set({}, status()?.stores.budget.lostSettles ?? 0);
  });
  new Gauge({
    name: 'lifeline_redis_budget_settles_deferred',
    help: 'Budget settlements waiting for Redis to come back',
    registers,
    collect() {
      this.set(status()?.stores.budget.deferredSettles ?? 0);
    },
  });

  /** A counter whose value is read from the store's own running totals at each scrape. */
  function absolute(name: string, help: string, labelNames: string[], read: (set: (labels: Record<string, string>, value: number) => void) => void): void {
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        read((labels, value) => this.inc(labels, Math.max(0, value)));
      },
    });
  }
}
