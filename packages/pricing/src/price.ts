/**
 * Price entries: what one model costs, per million tokens, with where the price came from.
 * @module
 */

/** Per-million-token prices in USD. Optional prices fall back as documented on each field. */
export interface TokenPrices {
  /** Uncached input (prompt) tokens, USD per million. */
  inputPerMTok: number;
  /** Output (completion) tokens, USD per million. */
  outputPerMTok: number;
  /** Cache reads (`cached_tokens`); falls back to `inputPerMTok`. */
  cachedInputPerMTok?: number;
  /** Cache writes (Anthropic cache creation, 5-minute TTL); falls back to `inputPerMTok`. */
  cacheWritePerMTok?: number;
  /** Cache writes with a 1-hour TTL (Anthropic); falls back to `cacheWritePerMTok`. */
  cacheWrite1hPerMTok?: number;
  /** Reasoning tokens (part of the completion); falls back to `outputPerMTok`. */
  reasoningPerMTok?: number;
}

/**
 * A price tier: when a request's prompt (all input tokens, cached ones included) exceeds
 * `aboveInputTokens`, the tier's prices replace the base prices for the WHOLE request
 * (Anthropic and Gemini long-context pricing work this way).
 */
export interface PriceTier extends Partial<TokenPrices> {
  /** The tier applies when prompt tokens are strictly above this count. */
  aboveInputTokens: number;
}

/**
 * The price of one model, as `catalog.get(model)` returns it: USD per million tokens, with its
 * provenance. `source` says where the price came from and `effectiveDate` (`YYYY-MM-DD`) from
 * when it is known to apply.
 */
export interface PriceEntry extends TokenPrices {
  /** The model id as the catalog lists it (`claude-sonnet-4-5`), which may differ from the name asked for. */
  model: string;
  /** Always `USD`: catalogs in another currency are converted when loaded. */
  currency: 'USD';
  /** Where the price came from: a URL, a price database and version, or a vendor's claim. */
  source: string;
  /** `YYYY-MM-DD`: the date from which the price is known to apply. */
  effectiveDate: string;
  /** The provider the catalog attributes the model to, when it knows. */
  provider?: string;
  /** Long-context tiers, sorted by `aboveInputTokens`. */
  tiers?: readonly PriceTier[];
  /** Free-form remark (e.g. "vendor claim, not verified"). */
  note?: string;
}

const PRICE_KEYS = [
  'inputPerMTok',
  'outputPerMTok',
  'cachedInputPerMTok',
  'cacheWritePerMTok',
  'cacheWrite1hPerMTok',
  'reasoningPerMTok',
] as const satisfies ReadonlyArray<keyof TokenPrices>;

/** The names of the per-million-token price fields. */
export type PriceKey = (typeof PRICE_KEYS)[number];

/** The price field names, in a stable order. */
export const priceKeys: readonly PriceKey[] = PRICE_KEYS;

/**
 * The prices that apply to a request with `promptTokens` input tokens: the base prices, overridden
 * by the highest tier whose threshold the prompt exceeds.
 *
 * @param entry - the model's price entry
 * @param promptTokens - all input tokens of the request (cached ones included)
 * @returns the effective prices
 * @example
 * ```ts
 * pricesFor(entry, 250_000).inputPerMTok; // 6 for claude-sonnet-4-5 (long context)
 * ```
 */
export function pricesFor(entry: PriceEntry, promptTokens: number): TokenPrices {
  const prices: TokenPrices = { inputPerMTok: entry.inputPerMTok, outputPerMTok: entry.outputPerMTok };
  for (const key of PRICE_KEYS) if (entry[key] !== undefined) prices[key] = entry[key];
  for (const tier of entry.tiers ?? []) {
    if (promptTokens > tier.aboveInputTokens) {
      for (const key of PRICE_KEYS) if (tier[key] !== undefined) prices[key] = tier[key];
    }
  }
  return prices;
}
