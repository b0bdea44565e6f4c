/**
 * `budget()`: stop spending before a budget is blown, even under concurrency.
 * @module
 */
import { BudgetExceededError, ConfigurationError, type ChatRequest, type Context, type Middleware } from '@lifeline/core';
import { catalogFor, priceAttempts } from './attempt-cost.js';
import { MemoryBudgetStore, type BudgetStore } from './budget-store.js';
import { budgetWindowEnd, budgetWindowKey, validateWindow, type BudgetWindow } from './budget-window.js';
import type { Catalog } from './catalog.js';
import { roundUsd } from './cost.js';
import { defaultCatalog } from './default-catalog.js';
import { maxEmbeddingCost } from './embedding-cost.js';
import { chunkChars, estimatePromptTokens, responseChars } from './estimate.js';
import { pricesFor, type PriceEntry } from './price.js';
import { watchStream } from './stream-end.js';

/** Options of {@link budget}. */
export interface BudgetOptions {
  /** The most that may be spent per window and scope, USD. */
  limitUsd: number;
  /** `'day'` and `'month'` are UTC calendar periods; a number is fixed periods of that many ms. */
  window: BudgetWindow;
  /** Whose budget a call spends: a fixed name or a function of the context. @defaultValue "global" */
  scope?: string | ((ctx: Context) => string);
  /** Where spend is kept; share a Redis-backed store across instances. @defaultValue a new MemoryBudgetStore */
  store?: BudgetStore;
  /** Prices used to bound a call's cost and, when no `meter()` runs inside, to settle it. @defaultValue defaultCatalog */
  catalog?: Catalog;
  /** Prices per target name (as in `meter`). @defaultValue {} */
  catalogs?: Readonly<Record<string, Catalog>>;
  /** Output tokens assumed when the request sets neither `max_completion_tokens` nor `max_tokens`. @defaultValue 4096 */
  defaultMaxTokens?: number;
  /** What to do with a model that has no price (its cost cannot be bounded). @defaultValue "reject" */
  unpriced?: 'reject' | 'allow';
}

const DEFAULTS = { scope: 'global', defaultMaxTokens: 4096, unpriced: 'reject' } as const satisfies Partial<BudgetOptions>;

const usd = (n: number) => (n >= 1 ? `$${n.toFixed(2)}` : `$${Number(n.toFixed(6))}`);

/**
 * The most a call can cost: estimated prompt tokens at the highest input rate (cache writes
 * cost more than plain input) plus `max_completion_tokens ?? max_tokens ?? defaultMaxTokens`
 * at the highest output rate.
 *
 * @param request - the request
 * @param entry - the model's price
 * @param defaultMaxTokens - output tokens assumed when the request sets no maximum
 * @returns USD
 * @example
 * ```ts
 * maxCallCost({ model: 'gpt-4.1', messages, max_tokens: 1000 }, defaultCatalog.get('gpt-4.1')!, 4096);
 * ```
 */
export function maxCallCost(request: ChatRequest, entry: PriceEntry, defaultMaxTokens: number = DEFAULTS.defaultMaxTokens): number {
  const prompt = estimatePromptTokens(request);
  const maxOut = request.max_completion_tokens ?? request.max_tokens ?? defaultMaxTokens;
  const p = pricesFor(entry, prompt);
  const inRate = Math.max(p.inputPerMTok, p.cacheWritePerMTok ?? 0, p.cacheWrite1hPerMTok ?? 0);
  const outRate = Math.max(p.outputPerMTok, p.reasoningPerMTok ?? 0);
  return roundUsd((prompt * inRate + maxOut * outRate) / 1e6);
}

/**
 * Enforces a spending limit per scope and window. Before each call it RESERVES the call's
 * upper-bound cost ({@link maxCallCost}; for embedding calls {@link maxEmbeddingCost}) atomically in the store, failing with
 * {@link BudgetExceededError} when the reservation does not fit; after the call (at the end of a
 * stream) it SETTLES: the reservation is released and the real cost is added — `meta.costUsd`
 * when a `meter()` runs inside, else the attempts' usage priced here; when the real cost is
 * unknown the reservation is charged. So 100 concurrent calls cannot together pass the limit.
 *
 * @param options - limit, window, scope, store, catalogs
 * @throws {@link ConfigurationError} for an invalid option
 * @example
 * ```ts
 * createClient({
 *   adapter,
 *   use: [budget({ limitUsd: 5, window: 'day', scope: (ctx) => String(ctx.metadata.tenant ?? 'anonymous') }), meter()],
 * });
 * ```
 */
export function budget(options: BudgetOptions): Middleware {
  const { limitUsd, window } = options ?? ({} as BudgetOptions);
  if (typeof limitUsd !== 'number' || !Number.isFinite(limitUsd) || limitUsd < 0) {
    throw new ConfigurationError(`budget: limitUsd must be a non-negative number of USD, got ${String(limitUsd)}`);
  }
  validateWindow(window);
  const scope = options.scope ?? DEFAULTS.scope;
  if (typeof scope !== 'string' && typeof scope !== 'function') throw new ConfigurationError(`budget: scope must be a string or a function, got ${String(scope)}`);
  const defaultMaxTokens = options.defaultMaxTokens ?? DEFAULTS.defaultMaxTokens;
  if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens < 1) {
    throw new ConfigurationError(`budget: defaultMaxTokens must be a positive integer, got ${String(defaultMaxTokens)}`);
  }
  const unpriced = options.unpriced ?? DEFAULTS.unpriced;
  if (unpriced !== 'reject' && unpriced !== 'allow') throw new ConfigurationError(`budget: unpriced must be 'reject' or 'allow', got ${String(unpriced)}`);
  const store = options.store ?? new MemoryBudgetStore();
  const pricing = { catalog: options.catalog ?? defaultCatalog, catalogs: options.catalogs };

  return async function budget(ctx, next) {
    const name = typeof scope === 'function' ? String(scope(ctx)) : scope;
    const now = ctx.clock.now();
    const windowKey = budgetWindowKey(window, now);
    const catalog = catalogFor(ctx.target?.name ?? '', pricing);
    const entry = catalog.get(ctx.request.model, { at: now });
    if (!entry && unpriced === 'reject') {
      throw new BudgetExceededError(
        `budget: no price for model "${ctx.request.model}" in catalog "${catalog.name}", so the cost of this call cannot be bounded (add it to a catalog, or set unpriced: 'allow')`,
        { scope: name, provider: ctx.target?.name },
      );
    }
    const embedding = ctx.embeddingRequest;
    const reserved = entry ? (embedding ? maxEmbeddingCost(embedding, entry) : maxCallCost(ctx.request, entry, defaultMaxTokens)) : 0;
    const result = await store.reserve(name, reserved, limitUsd, windowKey);
    if (!result.ok) {
      const remainingUsd = Math.max(0, result.remaining);
      throw new BudgetExceededError(
        `budget: scope "${name}" has ${usd(remainingUsd)} of ${usd(limitUsd)} left in window ${windowKey}; this call may cost up to ${usd(reserved)}`,
        { scope: name, remainingUsd, retryAfterMs: budgetWindowEnd(window, now) - now },
      );
    }

    const log = ctx.meta.attemptLog;
    const start = log.length;
    let chars = 0;
    let settled = false;
    const settle = async () => {
      if (settled) return;
      settled = true;
      const metered = ctx.meta.costUsd;
      const actual = metered ?? priceAttempts(log.slice(start), ctx.request, pricing, { chars }).costUsd ?? reserved;
      await store.settle(name, reserved, actual, windowKey, result.reservationId);
    };

    try {
      await next();
    } catch (err) {
      await settle().catch(() => {});
      throw err;
    }
    if (ctx.streaming && ctx.stream) {
      ctx.stream = watchStream(ctx.stream, (chunk) => (chars += chunkChars(chunk)), settle);
      return;
    }
    if (ctx.response) chars = responseChars(ctx.response);
    await settle();
  };
}
