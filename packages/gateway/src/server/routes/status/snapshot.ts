/**
 * The status page's state, built from what `/api/health` and `/metrics` read: the provider stats
 * (their five-minute window per target), the pipeline's breakers, cache, ledger, rate-limit
 * queues and store. Nothing here is counted twice.
 * @module
 */
import type { BreakerStatus, SpendToday, StoreStatus } from '../../../pipeline/types.js';
import type { ServerContext } from '../../context.js';
import type { RecentFigures } from '../../recent-window.js';
import { keyPoolOf, keyPoolViews, type KeyPoolView } from './key-pools.js';

/** A breaker state as the page shows it. */
export type BreakerView = 'closed' | 'open' | 'half-open' | 'isolated';

/** One target's line on the page. */
export interface TargetStatus extends RecentFigures {
  name: string;
  /** The worst state of the target's breakers; `until`: the soonest probe of an open one (epoch ms). */
  breaker: { state: BreakerView; until: number | null; keys: Array<{ key: string; state: BreakerView; until: number | null }> };
  /** The target's provider has several API keys: how many are healthy, cooling down, quarantined. */
  keyPool?: KeyPoolView;
}

/** Spend, cache, queues, store. */
export interface StatusSummary {
  spend: SpendToday | null;
  cache: { hits: number; misses: number; stale: number; coalesced: number; hitRatio: number | null; entries: number | null; bytes: number | null } | null;
  queues: { total: number; byKey: Record<string, number> } | null;
  store: StoreStatus;
  /** Requests being served (status streams are not counted). */
  inflight: number;
}

/** The whole state (the SSE stream's first event adds the timeline). */
export interface StatusState {
  /** Server time, epoch ms (the page corrects its clock with it). */
  at: number;
  startedAt: number;
  /** True when the gateway has no keys (anyone can call it). */
  authOff: boolean;
  routes: Array<{ pattern: string; strategy: string; targets: string[] }>;
  targets: Record<string, TargetStatus>;
  summary: StatusSummary;
}

const RANK: Record<BreakerView, number> = { closed: 0, 'half-open': 1, open: 2, isolated: 3 };

function breakerOf(name: string, all: readonly BreakerStatus[], now: number): TargetStatus['breaker'] {
  const own = all.filter((b) => b.key === name || b.key.startsWith(`${name}/`));
  const keys = own
    .filter((b) => b.state !== 'closed')
    .map((b) => ({ key: b.key, state: b.state, until: b.state !== 'open' ? null : (b.nextProbeAt ?? (b.retryAfterMs === undefined ? null : now + b.retryAfterMs)) }));
  const state = own.reduce<BreakerView>((worst, b) => (RANK[b.state] > RANK[worst] ? b.state : worst), 'closed');
  const untils = keys.filter((k) => k.state === 'open' && k.until !== null).map((k) => k.until!);
  return { state, until: state === 'open' && untils.length > 0 ? Math.min(...untils) : null, keys };
}

function summaryOf(ctx: ServerContext): StatusSummary {
  const p = ctx.pipeline;
  const c = p.cache?.();
  const looked = c ? (c.hits ?? 0) + (c.misses ?? 0) + (typeof c.coalesced === 'number' ? c.coalesced : 0) : 0;
  const queues = p.rateLimitQueues?.();
  return {
    spend: p.spendToday?.() ?? null,
    cache: c
      ? {
          hits: c.hits ?? 0,
          misses: c.misses ?? 0,
          stale: c.stale ?? 0,
          coalesced: typeof c.coalesced === 'number' ? c.coalesced : 0,
          hitRatio: looked === 0 ? null : ((c.hits ?? 0) + (typeof c.coalesced === 'number' ? c.coalesced : 0)) / looked,
          entries: c.entries,
          bytes: c.bytes,
        }
      : null,
    queues: queues ? { total: Object.values(queues).reduce((s, v) => s + v, 0), byKey: queues } : null,
    store: p.store?.() ?? { kind: 'memory' },
    inflight: ctx.inflight.size,
  };
}

/**
 * Builds the status page's state.
 *
 * @param ctx - the server's shared state
 * @param now - epoch ms
 * @param authOff - the gateway has no keys
 * @returns the state
 */
export async function buildStatusState(ctx: ServerContext, now: number, authOff = false): Promise<StatusState> {
  const routes = (ctx.pipeline.routes?.() ?? []).map((r) => ({ pattern: r.pattern, strategy: r.strategy ?? 'ordered', targets: [...r.targets] }));
  const breakers = (await ctx.pipeline.breakers?.()) ?? [];
  const pools = await keyPoolViews(ctx.pipeline);
  const names = new Set([...routes.flatMap((r) => r.targets), ...ctx.stats.recent.targets()]);
  const targets: Record<string, TargetStatus> = {};
  for (const name of names) {
    const keyPool = keyPoolOf(pools, name);
    targets[name] = { name, breaker: breakerOf(name, breakers, now), ...ctx.stats.recent.figures(name, now), ...(keyPool && { keyPool }) };
  }
  return { at: now, startedAt: ctx.state.startedAt, authOff, routes, targets, summary: summaryOf(ctx) };
}
