/**
 * Pricing every upstream attempt of a call, each with its own target, model and catalog.
 * @module
 */
import type { AttemptRecord, ChatRequest, Usage } from '@lifeline/core';
import type { Catalog } from './catalog.js';
import { costOf, roundUsd } from './cost.js';
import { estimateUsage } from './estimate.js';
import { sumUsage } from './usage.js';

/** What one attempt cost. */
export interface AttemptCost {
  /** Target name. */
  target: string;
  /** Model sent upstream. */
  model: string;
  /** Epoch ms the attempt started (prices are looked up at this time). */
  startedAt: number;
  outcome: AttemptRecord['outcome'];
  hedge: boolean;
  /** The usage billed: reported, estimated (`estimated: true`), or `undefined` when nothing was produced. */
  usage: Usage | undefined;
  /** USD; `undefined` when the model has no price and the attempt produced tokens. */
  costUsd: number | undefined;
  /** Where the price came from (`source`, `effectiveDate`), when priced. */
  priceSource?: string;
}

/** What a whole call cost: the sum over its attempts. */
export interface CallCost {
  attempts: AttemptCost[];
  /** USD; `undefined` when any attempt that produced tokens has no price. */
  costUsd: number | undefined;
  /** Usage summed over billed attempts; `undefined` when no attempt produced any. */
  usage: Usage | undefined;
  /** True when any billed usage was estimated. */
  estimated: boolean;
  /** Human-readable warnings (unpriced models). */
  warnings: string[];
}

/** The catalogs a call is priced with. */
export interface PricingCatalogs {
  /** Used for targets not in `catalogs`. */
  catalog: Catalog;
  /** Per target name (`{ primary: relayCatalog }`). A target `name:model` also matches `name`. */
  catalogs?: Readonly<Record<string, Catalog>> | undefined;
}

/**
 * The catalog for `target`: `catalogs[target]`, else `catalogs[prefix]` for `prefix:model`, else `catalog`.
 * @example
 * ```ts
 * catalogFor('relay:claude-sonnet-4.5', { catalog: defaultCatalog, catalogs: { relay } }); // relay
 * ```
 */
export function catalogFor(target: string, pricing: PricingCatalogs): Catalog {
  const map = pricing.catalogs;
  if (map) {
    if (Object.hasOwn(map, target)) return map[target]!;
    for (let i = target.lastIndexOf(':'); i > 0; i = target.lastIndexOf(':', i - 1)) {
      const prefix = target.slice(0, i);
      if (Object.hasOwn(map, prefix)) return map[prefix]!;
    }
  }
  return pricing.catalog;
}

/** What the caller saw of the answer, to estimate a completion the provider did not count. */
export interface SeenCompletion {
  /** Characters of completion the caller received (content, reasoning, tool-call arguments). */
  chars: number;
}

/**
 * Prices attempts. An attempt with reported usage is billed exactly (a hedged loser too); one
 * without usage that produced content (an `ok` outcome, or a first token) gets an estimate —
 * the prompt from the request, and the completion `seen` attributed to the last such attempt;
 * an attempt that produced nothing costs 0.
 *
 * @param records - the attempts (a slice of `ctx.meta.attemptLog`)
 * @param request - the request sent (for prompt estimates)
 * @param pricing - catalogs
 * @param seen - completion characters the caller received, for estimates
 * @returns per-attempt and total cost
 * @example
 * ```ts
 * const cost = priceAttempts(ctx.meta.attemptLog, ctx.request, { catalog: defaultCatalog });
 * cost.costUsd; // undefined when a model that produced tokens has no price
 * ```
 */
export function priceAttempts(records: readonly AttemptRecord[], request: ChatRequest, pricing: PricingCatalogs, seen: SeenCompletion = { chars: 0 }): CallCost {
  const produced = (r: AttemptRecord) => !r.usage && (r.outcome === 'ok' || r.timeToFirstTokenMs !== undefined);
  let lastEstimated = -1;
  records.forEach((r, i) => {
    if (produced(r)) lastEstimated = i;
  });
  const attempts: AttemptCost[] = [];
  const warnings: string[] = [];
  let total = 0;
  let known = true;
  records.forEach((r, i) => {
    const usage = r.usage ?? (produced(r) ? estimateUsage({ ...request, model: r.model }, i === lastEstimated ? seen.chars : 0) : undefined);
    const cost: AttemptCost = { target: r.target, model: r.model, startedAt: r.startedAt, outcome: r.outcome, hedge: r.hedge === true, usage, costUsd: 0 };
    if (usage && (usage.prompt_tokens > 0 || usage.completion_tokens > 0)) {
      const catalog = catalogFor(r.target, pricing);
      const entry = catalog.get(r.model, { at: r.startedAt });
      if (entry) {
        cost.costUsd = costOf(usage, entry).totalUsd;
        cost.priceSource = `${entry.source}, ${entry.effectiveDate}`;
        total += cost.costUsd;
      } else {
        cost.costUsd = undefined;
        known = false;
        warnings.push(`no price for model "${r.model}" (target "${r.target}") in catalog "${catalog.name}": cost unknown`);
      }
    }
    attempts.push(cost);
  });
  const billed = attempts.flatMap((a) => (a.usage ? [a.usage] : []));
  return {
    attempts,
    costUsd: known ? roundUsd(total) : undefined,
    usage: billed.length ? sumUsage(billed) : undefined,
    estimated: billed.some((u) => u.estimated === true),
    warnings,
  };
}
