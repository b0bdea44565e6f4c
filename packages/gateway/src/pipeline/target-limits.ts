/**
 * The per-target client-side rate limit: the gateway's `rateLimit:` for every target, and for a
 * provider whose keys declare `rpm`/`tpm` shares, the sum of its keys' shares.
 * @module
 */
import type { Context } from '@lifeline/core';
import { rateLimit, type RateLimitMiddleware, type RateLimitStore } from '@lifeline/rate-limit';
import { CONFIG_DEFAULTS } from '../config/defaults.js';
import type { GatewayConfig, ProviderConfig } from '../config/types.js';
import { providerOf } from '../server/stats.js';

type Limits = { rpm?: number | undefined; tpm?: number | undefined };

/**
 * What a provider's keys allow together: the sum of their `rpm` (and `tpm`) when every key
 * declares one; `undefined` without shares.
 */
export function keyShares(p: ProviderConfig): Limits | undefined {
  const keys = p.apiKeys ?? [];
  const sum = (f: 'rpm' | 'tpm') => (keys.length > 0 && keys.every((k) => k[f] !== undefined) ? keys.reduce((s, k) => s + k[f]!, 0) : undefined);
  const rpm = sum('rpm');
  const tpm = sum('tpm');
  return rpm === undefined && tpm === undefined ? undefined : { rpm, tpm };
}

const smaller = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

/**
 * The rate-limit layer placed right inside `failover()`: one bucket per target (keyed by its name).
 * Targets of a provider with key shares are held to the sum of the shares (and to `rateLimit:`
 * when it is lower); the others to `rateLimit:`. `undefined` when nothing is limited. Its
 * `queued()` lists the calls waiting per target, across all of them.
 *
 * @param config - the validated config
 * @param store - where the buckets live (Redis with `store.redis`)
 */
export function targetRateLimit(config: GatewayConfig, store: RateLimitStore | undefined): RateLimitMiddleware | undefined {
  const base = config.rateLimit === false ? undefined : config.rateLimit;
  const { maxQueue, maxWaitMs } = base ?? CONFIG_DEFAULTS.rateLimit;
  const make = (l: Limits) =>
    rateLimit({ ...(l.rpm !== undefined && { rpm: l.rpm }), ...(l.tpm !== undefined && { tpm: l.tpm }), maxQueue, maxWaitMs, key: (ctx) => ctx.target?.name ?? 'default', ...(store && { store }) });
  const fallback = base && make(base);
  const perProvider = new Map<string, RateLimitMiddleware>();
  for (const [name, p] of Object.entries(config.providers)) {
    const shares = keyShares(p);
    if (shares) perProvider.set(name, make({ rpm: smaller(shares.rpm, base?.rpm), tpm: smaller(shares.tpm, base?.tpm) }));
  }
  if (perProvider.size === 0) return fallback;
  const all = [...(fallback ? [fallback] : []), ...perProvider.values()];
  const middleware = async function targetRateLimit(ctx: Context, next: Parameters<RateLimitMiddleware>[1]) {
    const limit = perProvider.get(providerOf(ctx.target?.name ?? '')) ?? fallback;
    return limit ? limit(ctx, next) : next();
  };
  // Buckets are keyed by target: each target waits in one limiter only.
  return Object.assign(middleware, { queued: () => Object.assign({}, ...all.map((l) => l.queued())) as Record<string, number> });
}
