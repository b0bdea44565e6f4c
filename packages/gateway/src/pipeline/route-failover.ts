/**
 * A route's `failover()`: its targets (with each one's prefill capability) and its mid-stream
 * policy, with one memory of prefill refusals shared by every route.
 * @module
 */
import type { Adapter, Middleware } from '@lifeline/core';
import { type FailoverTargetConfig, type PrefillMemory, failover } from '@lifeline/failover';
import type { GatewayConfig, RouteConfig } from '../config/types.js';

/**
 * Builds the failover layer of `route`: targets in order, each with its model swap, weight and
 * `prefill` (the target's, else its provider's, else the adapter's own capability); `midStream`
 * from the route, else the config's top-level default (`continue`).
 *
 * @param route - the validated route
 * @param config - the validated config (providers' `prefill`, top-level `midStream`)
 * @param adapters - one adapter per provider name
 * @param prefillMemory - where prefill refusals are remembered, shared by every route
 * @returns the middleware
 */
export function routeFailover(route: RouteConfig, config: GatewayConfig, adapters: ReadonlyMap<string, Adapter>, prefillMemory: PrefillMemory): Middleware {
  const targets = route.targets.map((t): FailoverTargetConfig => {
    const prefill = t.prefill ?? config.providers[t.provider]?.prefill;
    return {
      adapter: adapters.get(t.provider)!,
      ...(t.model !== undefined && { model: t.model }),
      ...(t.weight !== undefined && { weight: t.weight }),
      ...(prefill !== undefined && { prefill }),
      ...(t.embeddingFamily !== undefined && { embeddingFamily: t.embeddingFamily }),
      ...(t.dimensions !== undefined && { dimensions: t.dimensions }),
    };
  });
  return failover(targets, {
    strategy: route.strategy,
    ...(route.hedgeAfterMs !== undefined && { hedgeAfterMs: route.hedgeAfterMs }),
    midStream: route.midStream ?? config.midStream,
    prefillMemory,
  });
}
