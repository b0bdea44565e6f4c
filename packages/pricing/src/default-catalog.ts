/**
 * `defaultCatalog`: official list prices from `@pydantic/genai-prices`' bundled data, used offline.
 * @module
 */
import { calcPrice, findProvider, type ModelInfo, type ModelPrice, type Provider } from '@pydantic/genai-prices';
import type { Catalog, PriceLookupOptions } from './catalog.js';
import { modelCandidates, parseModelName } from './model-name.js';
import type { PriceEntry, PriceTier, TokenPrices } from './price.js';

/** Version of the bundled `@pydantic/genai-prices` data (the dependency is pinned to it). */
export const GENAI_PRICES_VERSION = '0.1.8';
/** Publication date of that data: the `effectiveDate` of prices that carry no date of their own. */
export const GENAI_PRICES_DATE = '2026-09-23';

const KEYS: ReadonlyArray<readonly [string, keyof TokenPrices]> = [
  ['input_mtok', 'inputPerMTok'],
  ['output_mtok', 'outputPerMTok'],
  ['cache_read_mtok', 'cachedInputPerMTok'],
  ['cache_write_mtok', 'cacheWritePerMTok'],
  ['cache_write_1h_mtok', 'cacheWrite1hPerMTok'],
  ['output_reasoning_mtok', 'reasoningPerMTok'],
];

interface Resolved {
  provider: Provider;
  model: ModelInfo;
  /** The provider reduced to the one model, so that `calcPrice` only selects its dated price. */
  lite: Provider;
}

type Tiered = { base: number; tiers: Array<{ start: number; price: number }> };

function toEntry(resolved: Resolved, prices: ModelPrice): PriceEntry | undefined {
  const flat: Partial<TokenPrices> = {};
  const tiers = new Map<number, PriceTier>();
  for (const [from, to] of KEYS) {
    const value = prices[from] as number | Tiered | undefined;
    if (value === undefined) continue;
    if (typeof value === 'number') {
      flat[to] = value;
      continue;
    }
    flat[to] = value.base;
    for (const t of value.tiers) {
      const tier = tiers.get(t.start) ?? { aboveInputTokens: t.start };
      tier[to] = t.price;
      tiers.set(t.start, tier);
    }
  }
  if (flat.inputPerMTok === undefined || flat.outputPerMTok === undefined) return undefined;
  const { provider, model } = resolved;
  const dated = Array.isArray(model.prices) ? model.prices.find((p) => p.prices === prices)?.constraint : undefined;
  const effectiveDate = dated?.type === 'start_date' ? dated.start_date : GENAI_PRICES_DATE;
  const url = provider.pricing_urls?.[0];
  const entry: PriceEntry = {
    model: model.id,
    inputPerMTok: flat.inputPerMTok,
    outputPerMTok: flat.outputPerMTok,
    currency: 'USD',
    source: `@pydantic/genai-prices ${GENAI_PRICES_VERSION} (${provider.name}${url ? `: ${url}` : ''})`,
    effectiveDate,
    provider: provider.id,
  };
  for (const [, key] of KEYS) if (flat[key] !== undefined) entry[key] = flat[key];
  if (tiers.size > 0) entry.tiers = [...tiers.values()].sort((a, b) => a.aboveInputTokens - b.aboveInputTokens);
  if (dated?.type === 'time_of_date') entry.note = `time-of-day price (${dated.start_time}–${dated.end_time} UTC)`;
  else if (Array.isArray(model.prices) && model.prices.some((p) => p.constraint?.type === 'time_of_date')) entry.note = 'off-peak/peak prices vary by time of day';
  return entry;
}

function lookup(id: string, providerId: string | undefined): Resolved | undefined {
  const result = calcPrice({}, id, providerId ? { providerId } : undefined);
  if (!result) return undefined;
  return { provider: result.provider, model: result.model, lite: { ...result.provider, models: [result.model] } };
}

/** Options of {@link genaiPricesCatalog}. */
export interface GenaiPricesCatalogOptions {
  /** Restrict lookups to one provider id of the database (`openai`, `anthropic`, `google`, …). @defaultValue inferred from the model name */
  providerId?: string;
  /** How many resolved model names to remember. @defaultValue 1000 */
  maxCachedNames?: number;
}

/**
 * A catalog over `@pydantic/genai-prices`' bundled data (official list prices, cache reads and
 * writes, long-context tiers, dated and time-of-day prices). Offline: the data is never fetched
 * at run time. Lookups try the name as given, then without a provider prefix (used as the
 * provider id when it is one), then without a snapshot suffix, then with `.` ↔ `-`.
 *
 * @param options - provider restriction and name-cache size
 * @returns the catalog
 * @example
 * ```ts
 * const anthropicOnly = genaiPricesCatalog({ providerId: 'anthropic' });
 * anthropicOnly.get('claude-sonnet-4.5'); // { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, … }
 * ```
 */
export function genaiPricesCatalog(options: GenaiPricesCatalogOptions = {}): Catalog {
  const max = options.maxCachedNames ?? 1000;
  const resolved = new Map<string, Resolved | null>();

  function resolve(model: string): Resolved | undefined {
    const cached = resolved.get(model);
    if (cached !== undefined) return cached ?? undefined;
    const { provider: prefix, id } = parseModelName(model);
    const pinned = options.providerId;
    const prefixIsProvider = prefix !== undefined && findProvider({ providerId: prefix }) !== undefined;
    const providerId = pinned ?? (prefixIsProvider ? prefix : undefined);
    let hit: Resolved | undefined;
    for (const name of [id, ...modelCandidates(id), ...modelCandidates(id).map((c) => c.replace(/(\d)-(\d)(?=\D|$)/g, '$1.$2'))]) {
      hit = lookup(name, providerId);
      if (hit) break;
    }
    if (!hit && !pinned && prefix !== undefined && !prefixIsProvider) hit = lookup(model.trim().toLowerCase(), undefined);
    if (resolved.size >= max) resolved.delete(resolved.keys().next().value as string);
    resolved.set(model, hit ?? null);
    return hit;
  }

  return {
    name: options.providerId ? `genai-prices:${options.providerId}` : 'genai-prices',
    get(model: string, lookupOptions?: PriceLookupOptions): PriceEntry | undefined {
      if (typeof model !== 'string' || model.trim() === '') return undefined;
      const hit = resolve(model);
      if (!hit) return undefined;
      const at = lookupOptions?.at;
      const timestamp = at === undefined ? new Date() : at instanceof Date ? at : new Date(at);
      const priced = calcPrice({}, hit.model.id, { provider: hit.lite, timestamp });
      return priced ? toEntry(hit, priced.model_price) : undefined;
    },
  };
}

/**
 * Official list prices of the major providers, from `@pydantic/genai-prices`
 * {@link GENAI_PRICES_VERSION} (published {@link GENAI_PRICES_DATE}), offline.
 *
 * @example
 * ```ts
 * defaultCatalog.get('gpt-4.1');
 * // { model: 'gpt-4.1', inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5, source: '@pydantic/genai-prices 0.1.8 (OpenAI: …)', effectiveDate: '2026-09-23', … }
 * ```
 */
export const defaultCatalog: Catalog = genaiPricesCatalog();
