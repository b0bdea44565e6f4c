/**
 * Prometheus metrics on a per-gateway `Registry` (never the global one).
 * @module
 */
import type { Meta } from '@lifeline/core';
import { Gauge, Registry } from 'prom-client';
import { talliedCounter } from './counter-tally.js';
import { talliedHistogram } from './tallied-histogram.js';
import { ModelSlots } from '../pipeline/model-slots.js';
import type { GatewayPipeline } from '../pipeline/types.js';
import { providerOf } from './stats.js';
import { registerKeyMetrics } from './key-metrics.js';
import { registerStoreMetrics } from './store-metrics.js';

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];
const TTFT_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20];
const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2, isolated: 3 } as const;

/** What one finished request reports. */
export interface RequestObservation {
  endpoint: string;
  status: number;
  stream: boolean;
  tenant?: string | undefined;
  meta?: Meta | undefined;
}

/** The gateway's metrics. */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** Records a finished request (and its upstream attempts). */
  observe(o: RequestObservation): void;
}

/**
 * Creates the metrics: requests, upstream attempts, failovers, breaker state, cache results,
 * cost, tokens, latency and time-to-first-token histograms per provider and model; key pools'
 * key states and set-aside keys; with a Redis state store, its connection state and per-store
 * call counters. The `model` label takes at most 50 values per target besides the models
 * `pipeline.models()` lists; later ones count as `other`.
 *
 * @param pipeline - read at scrape time for breaker states and cache size
 * @param inflight - requests being served, read at scrape time
 * @returns the metrics, on their own registry
 */
export function createMetrics(pipeline: GatewayPipeline, inflight: () => number = () => 0): GatewayMetrics {
  const registry = new Registry();
  const registers = [registry];
  // Per target, at most MODELS_PER_TARGET model label values (beyond the listed models); the rest are `other`.
  const slots = new ModelSlots({ known: pipeline.models(), other: 'other' });
  const model = (target: string, m: string | undefined) => (m ? slots.label(target, m) : 'unknown');
  // Counters count in tallies (no prom-client work per request) and are brought up to date when read.
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => talliedCounter(registry, { name, help, labelNames });
  const requests = counter('lifeline_requests_total', 'Requests answered by the gateway', ['endpoint', 'status', 'stream', 'provider', 'model', 'tenant']);
  const attempts = counter('lifeline_upstream_attempts_total', 'Upstream requests, by outcome', ['provider', 'target', 'model', 'outcome', 'code']);
  const failovers = counter('lifeline_failovers_total', 'Requests answered by another target than the first one tried', ['from', 'to']);
  const degraded = counter('lifeline_degraded_total', 'Degraded (fallback) answers served', ['model']);
  const cache = counter('lifeline_cache_results_total', 'Cache lookups by result (hit, miss, stale, coalesced)', ['result']);
  const cost = counter('lifeline_cost_usd_total', 'Upstream spend in USD', ['provider', 'model', 'tenant']);
  const saved = counter('lifeline_cache_saved_usd_total', 'Spend avoided by cache hits, USD', ['model']);
  const tokens = counter('lifeline_tokens_total', 'Tokens billed', ['provider', 'model', 'kind']);
  // Histograms likewise: bucket counts kept by hand per label set, exposed as prom-client would.
  const latency = talliedHistogram(registry, { name: 'lifeline_request_duration_seconds', help: 'Request latency through the pipeline', labelNames: ['provider', 'model', 'stream'], buckets: LATENCY_BUCKETS });
  const attemptLatency = talliedHistogram(registry, { name: 'lifeline_upstream_duration_seconds', help: 'Upstream attempt latency', labelNames: ['provider', 'model', 'outcome'], buckets: LATENCY_BUCKETS });
  const ttft = talliedHistogram(registry, { name: 'lifeline_time_to_first_token_seconds', help: 'Streams: time to the first content token', labelNames: ['provider', 'model'], buckets: TTFT_BUCKETS });
  new Gauge({
    name: 'lifeline_inflight_requests',
    help: 'Requests being served',
    registers,
    collect() {
      this.set(inflight());
    },
  });
  new Gauge({
    name: 'lifeline_breaker_state',
    help: 'Circuit breaker state per key: 0 closed, 1 half-open, 2 open, 3 isolated',
    labelNames: ['key'],
    registers,
    async collect() {
      this.reset();
      for (const b of (await pipeline.breakers?.()) ?? []) this.set({ key: b.key }, BREAKER_VALUE[b.state]);
    },
  });
  new Gauge({
    name: 'lifeline_cache_entries',
    help: 'Entries in the response cache',
    registers,
    collect() {
      const s = pipeline.cache?.();
      if (s && s.entries !== null) this.set(s.entries);
    },
  });
  new Gauge({
    name: 'lifeline_cache_bytes',
    help: 'Bytes held by the response cache',
    registers,
    collect() {
      const s = pipeline.cache?.();
      if (s && s.bytes !== null) this.set(s.bytes);
    },
  });
  registerStoreMetrics(registry, pipeline);
  const observeKeys = registerKeyMetrics(registry, pipeline);

  function observe(o: RequestObservation): void {
    const meta = o.meta;
    const provider = meta?.provider ?? 'none';
    const m = model(provider, meta?.model);
    const tenant = o.tenant ?? '';
    const stream = o.stream ? 'true' : 'false';
    requests.add([o.endpoint, String(o.status), stream, provider, m, tenant]);
    if (!meta) return;
    observeKeys(meta);
    for (const a of meta.attemptLog) {
      if (a.outcome === 'pending') continue;
      const p = providerOf(a.target);
      const am = model(a.target, a.model);
      attempts.add([p, a.target, am, a.outcome, a.errorCode ?? '']);
      if (a.latencyMs !== undefined) attemptLatency.observe([p, am, a.outcome], a.latencyMs / 1000);
    }
    const first = meta.attemptLog[0]?.target;
    if (first !== undefined && meta.provider !== undefined && meta.provider !== first && meta.provider !== 'fallback' && meta.cache !== 'hit' && meta.cache !== 'stale') {
      failovers.add([first, meta.provider]);
    }
    if (meta.degraded) degraded.add([m]);
    if (meta.cache) cache.add([meta.cache]);
    if (meta.costUsd !== undefined && meta.costUsd > 0) cost.add([provider, m, tenant], meta.costUsd);
    if (meta.savedUsd !== undefined && meta.savedUsd > 0) saved.add([m], meta.savedUsd);
    const u = meta.usage;
    if (u && meta.cache !== 'hit' && meta.cache !== 'stale' && !meta.degraded) {
      tokens.add([provider, m, 'prompt'], u.prompt_tokens);
      tokens.add([provider, m, 'completion'], u.completion_tokens);
    }
    if (meta.latencyMs !== undefined) latency.observe([provider, m, stream], meta.latencyMs / 1000);
    if (meta.timeToFirstTokenMs !== undefined) ttft.observe([provider, m], meta.timeToFirstTokenMs / 1000);
  }

  return { registry, observe };
}
