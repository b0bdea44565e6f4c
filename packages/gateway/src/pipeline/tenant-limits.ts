/**
 * Per-tenant limits from gateway keys: each key's `budgetUsdPerDay` applies to its tenant only.
 * @module
 */
import type { Context, Middleware } from '@lifeline/core';
import { budget, type BudgetStore, type Catalog } from '@lifeline/pricing';
import { rateLimit, type RateLimitStore } from '@lifeline/rate-limit';
import type { GatewayKey } from '../config/types.js';

/** Runs `inner` only for calls whose `metadata.tenant` is `tenant`. */
export function forTenant(tenant: string, inner: Middleware): Middleware {
  return async function forTenant(ctx: Context, next) {
    if (ctx.metadata.tenant !== tenant) return next();
    return inner(ctx, next);
  };
}

/**
 * The middleware enforcing each tenant's daily budget and requests per minute. Over its rpm, a
 * tenant is refused at once (429 with Retry-After), not queued.
 *
 * @param keys - gateway keys
 * @param priced - catalogs, as for `meter`
 * @param stores - where the buckets and spend live (e.g. Redis); default: each limit's own memory store
 * @example
 * ```ts
 * const use = [...tenantLimits(config.auth.keys, { catalog, catalogs }), meter()];
 * ```
 */
export function tenantLimits(
  keys: readonly GatewayKey[],
  priced: { catalog: Catalog; catalogs: Record<string, Catalog> },
  stores: { rateLimit?: RateLimitStore | undefined; budget?: BudgetStore | undefined } = {},
): Middleware[] {
  const out: Middleware[] = [];
  const seen = new Set<string>();
  for (const key of keys) {
    if (key.tenant === undefined || seen.has(key.tenant)) continue;
    seen.add(key.tenant);
    const tenant = key.tenant;
    if (key.rpm !== undefined) out.push(forTenant(tenant, rateLimit({ rpm: key.rpm, key: () => `tenant:${tenant}`, maxWaitMs: 0, adaptive: false, ...(stores.rateLimit && { store: stores.rateLimit }) })));
    if (key.budgetUsdPerDay !== undefined) out.push(forTenant(tenant, budget({ limitUsd: key.budgetUsdPerDay, window: 'day', scope: `tenant:${tenant}`, ...priced, ...(stores.budget && { store: stores.budget }) })));
  }
  return out;
}
