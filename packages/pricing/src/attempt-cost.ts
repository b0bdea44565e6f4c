/**
 * Pricing every upstream attempt of a call, each with its own target, model and catalog.
 * @module
 */
import type { AttemptRecord, ChatRequest, Usage } from '@lifeline/core';
import type { Catalog } from './catalog.js';
import { roundUsd, totalCostUsd } from './cost.js';
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
 * True when an attempt produced output but reported no usage: it is billed from an estimate.
 * @example
 * ```ts
 * needsEstimate({ target: 'a', model: 'm', startedAt: 0, outcome: 'ok' }); // true
 * ```
 */
export function needsEstimate(r: AttemptRecord): boolean {
  return !r.usage && (r.outcome === 'ok' || r.timeToFirstTokenMs !== undefined);
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
 * @returns per-attempt and total cost; `usage` is the sum of the billed usages, in the OpenAI shape
 * @example
 * ```ts
 * const cost = priceAttempts(ctx.meta.attemptLog, ctx.request, { catalog: defaultCatalog });
 * cost.costUsd; // undefined when a model that produced tokens has no price
 * ```
 */
export function priceAttempts(records: readonly AttemptRecord[], request: ChatRequest, pricing: PricingCatalogs, seen: SeenCompletion = { chars: 0 }): CallCost {
  return priceAttemptLog(records, 0, request, pricing, seen.chars, true);
}

/**
 * {@link priceAttempts} over `records[start..]`, without copying the log (meter's per-call path).
 * With `normaliseSingle` false, a call with exactly one billed usage reports that usage object
 * itself as `usage` (as `meta.usage` shows it) instead of its normalised sum.
 *
 * @internal
 * @example
 * ```ts
 * const cost = priceAttemptLog(ctx.meta.attemptLog, start, ctx.request, pricing, 0, false);
 * ```
 */
export function priceAttemptLog(
  records: readonly AttemptRecord[],
  start: number,
  request: ChatRequest,
  pricing: PricingCatalogs,
  seenChars: number,
  normaliseSingle: boolean,
): CallCost {
  let lastEstimated = -1;
  for (let i = start; i < records.length; i++) if (needsEstimate(records[i]!)) lastEstimated = i;
  const attempts: AttemptCost[] = [];
  const warnings: string[] = [];
  let total = 0;
  let known = true;
  let billed = 0;
  let single: Usage | undefined;
  let estimated = false;
  for (let i = start; i < records.length; i++) {
    const r = records[i]!;
    const usage = r.usage ?? (needsEstimate(r) ? estimateUsage({ ...request, model: r.model }, i === lastEstimated ? seenChars : 0) : undefined);
    const cost: AttemptCost = { target: r.target, model: r.model, startedAt: r.startedAt, outcome: r.outcome, hedge: r.hedge === true, usage, costUsd: 0 };
    if (usage) {
      billed++;
      single ??= usage;
      if (usage.estimated === true) estimated = true;
      if (usage.prompt_tokens > 0 || usage.completion_tokens > 0) {
        const catalog = catalogFor(r.target, pricing);
        const entry = catalog.get(r.model, { at: r.startedAt });
        if (entry) {
          cost.costUsd = totalCostUsd(usage, entry);
          cost.priceSource = `${entry.source}, ${entry.effectiveDate}`;
          total += cost.costUsd;
        } else {
          cost.costUsd = undefined;
          known = false;
          warnings.push(`no price for model "${r.model}" (target "${r.target}") in catalog "${catalog.name}": cost unknown`);
        }
      }
    }
    attempts.push(cost);
  }
  let usage: Usage | undefined;
  if (billed === 1 && !normaliseSingle) usage = single;
  else if (billed > 0) usage = sumUsage(attempts.flatMap((a) => (a.usage ? [a.usage] : [])));
  return { attempts, costUsd: known ? roundUsd(total) : undefined, usage, estimated, warnings };
}
