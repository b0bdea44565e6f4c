/**
 * `meter()`: the cost of every call, from the provider's reported usage, JSON and streams alike.
 * @module
 */
import { ConfigurationError, publish, type Context, type Meta, type Middleware, type Usage } from '@lifeline/core';
import { catalogFor, priceAttempts, type AttemptCost, type CallCost } from './attempt-cost.js';
import type { Catalog } from './catalog.js';
import { costOf } from './cost.js';
import { defaultCatalog } from './default-catalog.js';
import { chunkChars, responseChars } from './estimate.js';
import type { Ledger } from './ledger.js';
import { watchStream } from './stream-end.js';

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
  const pricing = { catalog, catalogs };
  const { onCost, ledger } = options;

  return async function meter(ctx, next) {
    const log = ctx.meta.attemptLog;
    const start = log.length;
    let chars = 0;
    let servedUsage: Usage | undefined;
    let done = false;
    let wrapped = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (!wrapped && ctx.response) chars = responseChars(ctx.response);
      servedUsage ??= ctx.response?.usage ?? undefined;
      settle(ctx, priceAttempts(log.slice(start), ctx.request, pricing, { chars }), servedUsage);
    };

    const settle = (c: Context, cost: CallCost, served: Usage | undefined) => {
      const meta = c.meta;
      let savedUsd: number | undefined;
      if (cost.attempts.length === 0 && SERVED_FROM_CACHE.has(meta.cache)) {
        savedUsd = meta.savedUsd ?? savings(c, served);
        if (savedUsd !== undefined) meta.savedUsd = savedUsd;
        meta.costUsd = 0;
      } else {
        meta.costUsd = cost.costUsd;
        const billed = cost.attempts.filter((a) => a.usage);
        if (cost.usage) meta.usage = billed.length === 1 ? billed[0]!.usage! : cost.usage;
      }
      meta.costByAttempt = cost.attempts;
      const tenant = c.metadata.tenant === undefined ? undefined : String(c.metadata.tenant);
      const event: CostEvent = {
        ctx: c,
        provider: meta.provider,
        model: meta.model ?? c.response?.model ?? c.request.model,
        tenant,
        costUsd: meta.costUsd,
        savedUsd,
        usage: meta.usage ?? served,
        estimated: cost.estimated,
        attempts: cost.attempts,
        warnings: cost.warnings,
        cache: meta.cache,
      };
      ledger?.recordCall(event, c.clock.now());
      try {
        onCost?.(event);
      } catch {
        // a failing callback never fails the call
      }
      publish('lifeline:cost', () => event);
    };

    const savings = (c: Context, served: Usage | undefined): number | undefined => {
      if (!served) return undefined;
      const model = c.meta.model ?? c.request.model;
      const entry = catalogFor(c.meta.provider ?? c.target?.name ?? '', pricing).get(model, { at: c.clock.now() });
      return entry ? costOf(served, entry).totalUsd : undefined;
    };

    try {
      await next();
    } catch (err) {
      finish();
      throw err;
    }
    if (ctx.streaming && ctx.stream) {
      wrapped = true;
      ctx.stream = watchStream(
        ctx.stream,
        (chunk) => {
          chars += chunkChars(chunk);
          if (chunk.usage) servedUsage = chunk.usage;
        },
        finish,
      );
      return;
    }
    finish();
  };
}
