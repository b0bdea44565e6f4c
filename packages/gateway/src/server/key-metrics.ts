/**
 * Prometheus metrics of key pools: each key's state, and how often each key was set aside, by
 * provider and key fingerprint (never the key).
 * @module
 */
import type { Meta } from '@lifeline/core';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { GatewayPipeline } from '../pipeline/types.js';
import { providerOf } from './stats.js';

/** `lifeline_api_key_state` values. */
export const KEY_STATE_VALUE = { healthy: 0, cooling: 1, quarantined: 2 } as const;

/**
 * Registers `lifeline_api_key_state` (read from the pipeline's key pools at scrape time) and
 * `lifeline_api_key_set_aside_total`; returns what records a call's set-aside keys.
 *
 * @param registry - the gateway's registry
 * @param pipeline - read at scrape time (`pipeline.keyPools()`)
 * @returns `observe(meta)`, to call for every finished request
 * @example
 * ```ts
 * const observeKeys = registerKeyMetrics(registry, pipeline); // lifeline_api_key_state{provider="primary",key="…wxyz#1a2b3c4d"} 1
 * ```
 */
export function registerKeyMetrics(registry: Registry, pipeline: GatewayPipeline): (meta: Meta) => void {
  const registers = [registry];
  new Gauge({
    name: 'lifeline_api_key_state',
    help: 'State of each key of a key pool, by provider and key fingerprint: 0 healthy, 1 cooling down (rate-limited), 2 quarantined (refused: 401/403, exhausted quota)',
    labelNames: ['provider', 'key'],
    registers,
    async collect() {
      this.reset();
      for (const pool of (await pipeline.keyPools?.()) ?? []) {
        for (const k of pool.keys) this.set({ provider: pool.provider, key: k.key }, KEY_STATE_VALUE[k.state]);
      }
    },
  });
  const setAside = new Counter({
    name: 'lifeline_api_key_set_aside_total',
    help: 'Attempts re-sent at once with another key of the pool, by provider, the key set aside (fingerprint) and the status it got (429: cooling down; 401/403: quarantined)',
    labelNames: ['provider', 'key', 'status'],
    registers,
  });
  return (meta) => {
    for (const a of meta.attemptLog) {
      for (const k of a.keysTried ?? []) setAside.inc({ provider: providerOf(a.target), key: k.key, status: String(k.status ?? '') });
    }
  };
}
