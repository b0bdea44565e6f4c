/**
 * The cost of one usage at one price.
 * @module
 */
import type { Usage } from '@lifeline/core';
import { pricesFor, type PriceEntry } from './price.js';
import { tokenBreakdown } from './usage.js';

/** What a usage cost, in USD, by kind of token. */
export interface CostBreakdown {
  inputUsd: number;
  cacheReadUsd: number;
  cacheWriteUsd: number;
  outputUsd: number;
  reasoningUsd: number;
  totalUsd: number;
}

/** Rounds to 1e-12 USD so that float noise never shows (`0.30000000000000004`). */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e12) / 1e12;
}

/**
 * Prices a usage: uncached input at the input price, cache reads at the cached-input price,
 * cache writes at the cache-write price (1-hour writes at theirs), reasoning tokens at the
 * reasoning price when the entry has one (else as output), the rest of the completion at the
 * output price. Long-context tiers are chosen by the request's total prompt tokens.
 *
 * @param usage - the provider's usage (OpenAI shape; see {@link tokenBreakdown})
 * @param entry - the model's price
 * @returns the cost by kind of token, rounded to 1e-12 USD
 * @example
 * ```ts
 * costOf({ prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 800 } }, defaultCatalog.get('gpt-4.1')!);
 * // { inputUsd: 0.0004, cacheReadUsd: 0.0004, outputUsd: 0.004, totalUsd: 0.0048, … }
 * ```
 */
export function costOf(usage: Usage, entry: PriceEntry): CostBreakdown {
  const a = amounts(usage, entry);
  return {
    inputUsd: roundUsd(a.input / 1e6),
    cacheReadUsd: roundUsd(a.cacheRead / 1e6),
    cacheWriteUsd: roundUsd(a.cacheWrite / 1e6),
    outputUsd: roundUsd(a.output / 1e6),
    reasoningUsd: roundUsd(a.reasoning / 1e6),
    totalUsd: roundUsd((a.input + a.cacheRead + a.cacheWrite + a.output + a.reasoning) / 1e6),
  };
}

/**
 * `costOf(usage, entry).totalUsd`, without building the breakdown (meter's per-call path).
 * @internal
 * @example
 * ```ts
 * totalCostUsd({ prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 }, defaultCatalog.get('gpt-4.1')!); // 0.006
 * ```
 */
export function totalCostUsd(usage: Usage, entry: PriceEntry): number {
  const a = amounts(usage, entry);
  return roundUsd((a.input + a.cacheRead + a.cacheWrite + a.output + a.reasoning) / 1e6);
}

/** USD × 1e6 by kind of token, unrounded. */
interface Amounts {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

function amounts(usage: Usage, entry: PriceEntry): Amounts {
  const t = tokenBreakdown(usage);
  const p = tierApplies(entry, t.promptTokens) ? pricesFor(entry, t.promptTokens) : entry;
  const write = p.cacheWritePerMTok ?? p.inputPerMTok;
  const reasoningRated = p.reasoningPerMTok !== undefined;
  return {
    input: t.uncachedInputTokens * p.inputPerMTok,
    cacheRead: t.cacheReadTokens * (p.cachedInputPerMTok ?? p.inputPerMTok),
    cacheWrite: t.cacheWriteTokens * write + t.cacheWrite1hTokens * (p.cacheWrite1hPerMTok ?? write),
    output: (t.completionTokens - (reasoningRated ? t.reasoningTokens : 0)) * p.outputPerMTok,
    reasoning: reasoningRated ? t.reasoningTokens * p.reasoningPerMTok! : 0,
  };
}

/** True when a long-context tier replaces some of the entry's base prices at this prompt size. */
function tierApplies(entry: PriceEntry, promptTokens: number): boolean {
  const tiers = entry.tiers;
  // Stryker disable next-line BooleanLiteral: a fast path only, pricesFor() gives the base prices when no tier applies
  if (tiers === undefined) return false;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a fast path only, pricesFor() applies the same threshold
  for (let i = 0; i < tiers.length; i++) if (promptTokens > tiers[i]!.aboveInputTokens) return true;
  // Stryker disable next-line BooleanLiteral: a fast path only, pricesFor() gives the base prices when no tier applies
  return false;
}
