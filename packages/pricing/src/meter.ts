/**
 * `meter()`: the cost of every call, from the provider's reported usage, JSON and streams alike.
 * @module
 */
import { ConfigurationError, lifelineChannel, type AttemptRecord, type ChatResponse, type Context, type Meta, type Middleware, type Usage } from '@lifeline/core';
import { catalogFor, needsEstimate, priceAttemptLog, type AttemptCost, type PricingCatalogs } from './attempt-cost.js';
import type { Catalog } from './catalog.js';
import { totalCostUsd } from './cost.js';
import { defaultCatalog } from './default-catalog.js';
import { responseChars } from './estimate.js';
import type { Ledger } from './ledger.js';
import { meterStream } from './stream-end.js';

/** What `meter` reports for each call (to `onCost` and on the `lifeline:cost` channel). */
export interface CostEvent {
  ctx: Context;
  /** Target that answered (`meta.provider`). */
  provider: string | undefined;
  /** Model that answered (`meta.model`). */
  model: string | undefined;
  /** `metadata.tenant`, when the caller passed one. */
  tenant: string | undefined;
  /** USD for the whole call; `undefined` when a model that produced tokens has no price. */
  costUsd: number | undefined;
  /** What a cache hit saved, USD. */
  savedUsd?: number | undefined;
  /** Usage billed, summed over attempts. */
  usage: Usage | undefined;
  /** True when some usage was estimated (a stream without a usage chunk). */
  estimated: boolean;
  /** Cost of each upstream attempt. */
  attempts: AttemptCost[];
  /** Unpriced models, in words. Non-empty means `costUsd` is `undefined`. */
  warnings: string[];
  cache?: Meta['cache'];
}

/** Options of {@link meter}. */
export interface MeterOptions {
/** Prices for targets not listed in `catalogs`. @defaultValue defaultCatalog (official prices) */
  catalog?: Catalog;
  /** Prices per target name, e.g. `{ primary: relayCatalog }`. @defaultValue {} */
  catalogs?: Readonly<Record<string, Catalog>>;
  /** Called once per call when its cost is known (at the end of a stream for streams). @defaultValue none */
  onCost?: (event: CostEvent) => void;
  /** Aggregates costs by provider, model, tenant and day. @defaultValue none */
  ledger?: Ledger;
}

const DEFAULTS: Required<Pick<MeterOptions, 'catalog' | 'catalogs'>> = { catalog: defaultCatalog, catalogs: {} };

/** `lifeline:cost`, looked up once. */
const costChannel = lifelineChannel('lifeline:cost');

const SERVED_FROM_CACHE = new Set<Meta['cache']>(['hit', 'coalesced']);

function isCatalog(value: unknown): value is Catalog {
  return typeof value === 'object' && value !== null && typeof (value as Catalog).get === 'function';
}

/**
 * Meters each call: prices every upstream attempt made inside it (retries, failover targets,
 * hedges — a hedged loser that produced tokens is billed, a failed attempt with no output
 * costs 0) with the target's catalog, and sets `meta.costUsd`, `meta.usage` and, for answers
 * served by the cache, `meta.savedUsd`. Streams are priced when they end (or fail, or are
 * abandoned) from the usage chunk; without one, from an estimate flagged `estimated: true`.
 *
 * @param options - catalogs, ledger and callback
 * @throws {@link ConfigurationError} when a catalog is not a catalog
 * @example
 * ```ts
 * const ledger = new Ledger();
 * const client = createClient({ adapter, use: [meter({ catalogs: { relay: relayCatalog }, ledger })] });
 * const { meta } = await client.chat(request);
 * console.log(meta.costUsd, ledger.totals({ by: 'model' }));
 * ```
 */
export function meter(options: MeterOptions = {}): Middleware {
  const catalog = options.catalog ?? DEFAULTS.catalog;
  if (!isCatalog(catalog)) throw new ConfigurationError(`meter: catalog must have a get(model) method, got ${String(options.catalog)}`);
  const catalogs = options.catalogs ?? DEFAULTS.catalogs;
  for (const [name, c] of Object.entries(catalogs)) {
    if (!isCatalog(c)) throw new ConfigurationError(`meter: catalogs.${name} must have a get(model) method, got ${String(c)}`);
  }
  // No per-target catalogs: every attempt is priced with `catalog`, without a per-attempt search.
  const pricing: PricingCatalogs = { catalog, catalogs: Object.keys(catalogs).length > 0 ? catalogs : undefined };
  const { onCost, ledger } = options;

  /** Prices the attempts from `start` on, sets meta and reports (the event is built only when someone reads it). */
  const settle = (ctx: Context, start: number, chars: number, served: Usage | undefined): void => {
    const cost = priceAttemptLog(ctx.meta.attemptLog, start, ctx.request, pricing, chars, false);
    const meta = ctx.meta;
    let savedUsd: number | undefined;
    if (cost.attempts.length === 0 && SERVED_FROM_CACHE.has(meta.cache)) {
      savedUsd = meta.savedUsd ?? savings(ctx, served, pricing);
      if (savedUsd !== undefined) meta.savedUsd = savedUsd;
      meta.costUsd = 0;
    } else {
      meta.costUsd = cost.costUsd;
      if (cost.usage) meta.usage = cost.usage;
    }
    meta.costByAttempt = cost.attempts;
    // Nobody reads the event: it is not built (no object, no closure, no clock read per call).
    if (ledger === undefined && onCost === undefined && !costChannel.hasSubscribers) return;
    const event: CostEvent = {
      ctx,
      provider: meta.provider,
      model: meta.model ?? ctx.response?.model ?? ctx.request.model,
      tenant: ctx.metadata.tenant === undefined ? undefined : String(ctx.metadata.tenant),
      costUsd: meta.costUsd,
      savedUsd,
      usage: meta.usage ?? served,
      estimated: cost.estimated,
      attempts: cost.attempts,
      warnings: cost.warnings,
      cache: meta.cache,
    };
    ledger?.recordCall(event, ctx.clock.now());
    if (onCost) {
      try {
        onCost(event);
      } catch {
        // a failing callback never fails the call
      }
    }
    if (costChannel.hasSubscribers) costChannel.publish(event);
  };

  /** What prices a stream once it ends (made only for streams, outside the per-call frame: no context object per JSON call). */
  const settleAtEnd = (ctx: Context, start: number) => (chars: number, served: Usage | undefined) => settle(ctx, start, chars, served ?? ctx.response?.usage ?? undefined);

  return async function meter(ctx, next) {
    const start = ctx.meta.attemptLog.length;
    try {
      await next();
    } catch (err) {
      settle(ctx, start, ctx.response ? estimatedChars(ctx.meta.attemptLog, start, ctx.response) : 0, ctx.response?.usage ?? undefined);
      throw err;
    }
    if (ctx.streaming && ctx.stream) {
      ctx.stream = meterStream(ctx.stream, settleAtEnd(ctx, start));
      return;
    }
    settle(ctx, start, ctx.response ? estimatedChars(ctx.meta.attemptLog, start, ctx.response) : 0, ctx.response?.usage ?? undefined);
  };
}

/** Completion characters of `response`, counted only when an attempt will be billed from an estimate. */
function estimatedChars(log: readonly AttemptRecord[], start: number, response: ChatResponse): number {
  for (let i = start; i < log.length; i++) if (needsEstimate(log[i]!)) return responseChars(response);
  return 0;
}

/** What a cache hit saved: the served usage at the price of the model that answered. */
function savings(ctx: Context, served: Usage | undefined, pricing: PricingCatalogs): number | undefined {
  if (!served) return undefined;
  const model = ctx.meta.model ?? ctx.request.model;
  const entry = catalogFor(ctx.meta.provider ?? ctx.target?.name ?? '', pricing).get(model, { at: ctx.clock.now() });
  return entry ? totalCostUsd(served, entry) : undefined;
}
