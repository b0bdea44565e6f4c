/**
 * Read-only endpoints: `/v1/models`, `/health`, `/ready`, `/api/health`, `/api/cost/:model`, `/metrics`.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { requestState, type ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { OPERATOR_ROUTE, spendFor } from '../operator-auth.js';
import type { ProviderHealth } from '../stats.js';
import type { KeyPoolSnapshot, KeyStatus } from '@lifeline/adapters';
import type { StoreStatus } from '../../pipeline/types.js';

/** `GET /api/health`. */
export interface ApiHealth {
  status: 'ok' | 'degraded' | 'down';
  uptimeSeconds: number;
  providers: Record<
    string,
    ProviderHealth & { kind?: string; breaker: BreakerState; breakers: Array<{ key: string; state: string; retryAfterMs?: number }>; keyPool?: KeyPoolHealth }
  >;
  /** Entries and bytes are `null` when the cache lives in Redis. */
  cache: { entries: number | null; bytes: number | null; [k: string]: unknown } | null;
  /**
   * Where state lives: `{ kind: 'memory' }`, or `{ kind: 'redis', url (password redacted), prefix,
   * state, reconnects, timeouts, stores }`. Redis not `ready` makes `status` at least `degraded`.
   */
  store: StoreStatus;
}

/**
 * A provider's key pool in `GET /api/health`: how many keys are healthy, cooling down or
 * quarantined, and each key by fingerprint. A quarantined key makes `status` at least `degraded`.
 */
export interface KeyPoolHealth {
  strategy: KeyPoolSnapshot['strategy'];
  healthy: number;
  cooling: number;
  quarantined: number;
  keys: KeyStatus[];
}

const WORST = { closed: 0, 'half-open': 1, open: 2, isolated: 3 } as const;
type BreakerState = keyof typeof WORST;

/** Registers the read-only endpoints. */
export function infoRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const pub = { config: { public: true } };
  app.get('/health', pub, async () => ({ status: 'ok' }));
  // Ready does not wait for a Redis state store: its stores fail open (budgets: closed, 503 per
  // call), so a gateway without Redis still answers; /api/health and lifeline_redis_state say so.
  app.get('/ready', pub, async (_req, reply) => {
    if (ctx.state.draining) return reply.code(503).send({ ready: false, reason: 'shutting down' });
    return { ready: true };
  });

  app.get('/v1/models', async () => {
    const created = Math.floor(ctx.state.startedAt / 1000);
    return { object: 'list', data: ctx.pipeline.models().map((id) => ({ id, object: 'model', created, owned_by: 'lifeline' })) };
  });

  app.get('/api/health', OPERATOR_ROUTE, async (): Promise<ApiHealth> => {
    const stats = ctx.stats.snapshot();
    const breakers = (await ctx.pipeline.breakers?.()) ?? [];
    const pools = new Map(((await ctx.pipeline.keyPools?.()) ?? []).map((p) => [p.provider, p]));
    const providers: ApiHealth['providers'] = {};
    const names = new Set([...(ctx.pipeline.providers?.() ?? []).map((p) => p.name), ...Object.keys(stats)]);
    for (const name of names) {
      const own = breakers.filter((b) => b.key === name || b.key.startsWith(`${name}/`) || b.key.startsWith(`${name}:`));
      const breaker = own.reduce<BreakerState>((worst, b) => (WORST[b.state] > WORST[worst] ? b.state : worst), 'closed');
      const kind = ctx.pipeline.providers?.().find((p) => p.name === name)?.kind;
      providers[name] = {
        ...(kind !== undefined && { kind }),
        breaker,
        breakers: own.map((b) => ({ key: b.key, state: b.state, ...(b.retryAfterMs !== undefined && { retryAfterMs: b.retryAfterMs }) })),
        ...(stats[name] ?? emptyHealth()),
        ...(pools.has(name) && { keyPool: poolHealth(pools.get(name)!) }),
      };
    }
    const all = Object.values(providers);
    const open = all.filter((p) => p.breaker === 'open' || p.breaker === 'isolated').length;
    const store = ctx.pipeline.store?.() ?? { kind: 'memory' as const };
    const storeDegraded = store.kind === 'redis' && store.state !== 'ready';
    const keyRefused = all.some((p) => (p.keyPool?.quarantined ?? 0) > 0);
    const status = all.length > 0 && open === all.length ? 'down' : open > 0 || storeDegraded || keyRefused ? 'degraded' : 'ok';
    const cache = ctx.pipeline.cache?.() ?? null;
    return { status, uptimeSeconds: Math.round((Date.now() - ctx.state.startedAt) / 1000), providers, cache, store };
  });

  app.get('/api/cost/:model', async (req) => {
    const { model } = req.params as { model: string };
    const report = ctx.pipeline.cost?.(model);
    if (!report) throw new HttpError(404, `No price is known for model '${model}'; add it to the pricing catalog (pricing.catalog)`, 'invalid_request_error', 'model', 'model_not_found');
    return report;
  });

  app.get('/api/spend', async (req) => {
    const spend = spendFor(ctx.pipeline, requestState(ctx, req).key);
    if (spend === undefined) throw new HttpError(404, 'This gateway keeps no spend ledger', 'invalid_request_error', null, 'not_found');
    return spend;
  });

  app.get('/metrics', OPERATOR_ROUTE, async (_req, reply) => {
    void reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
}

function poolHealth(pool: KeyPoolSnapshot): KeyPoolHealth {
  const count = (state: KeyStatus['state']) => pool.keys.filter((k) => k.state === state).length;
  return { strategy: pool.strategy, healthy: count('healthy'), cooling: count('cooling'), quarantined: count('quarantined'), keys: pool.keys };
}

function emptyHealth(): ProviderHealth {
  return { requests: 0, failures: 0, consecutiveFailures: 0, lastSuccessAt: null, lastFailureAt: null, lastError: null, latencyMs: { last: null, avg: null, p50: null, p95: null } };
}
