/**
 * `defaultCatalog`: official list prices from `@pydantic/genai-prices`' bundled data, used offline.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';
import { calcPrice, findProvider, type ModelInfo, type ModelPrice, type Provider } from '@pydantic/genai-prices';
import type { Catalog, PriceLookupOptions } from './catalog.js';
import { modelCandidates, parseModelName } from './model-name.js';
import type { PriceEntry, PriceTier, TokenPrices } from './price.js';
import { epochMs, priceSchedule, spanAt, type PriceSchedule } from './price-schedule.js';

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
  /** When the model's price changes; `undefined` when unknown (then every lookup asks `calcPrice`). */
  schedule: PriceSchedule | undefined;
  /** The price of each span of the schedule, filled on first use (`null`: no usable price). */
  entries: Array<PriceEntry | null | undefined>;
}

type Tiered = { base: number; tiers: Array<{ start: number; price: number }> };

/**
 * Providers for model names the data's provider matchers miss (OpenAI's matches `gpt-*` and
 * `o1`–`o4` only, so `text-embedding-3-small` is found only with a provider).
 */
const PROVIDER_HINTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^text-embedding-(3|ada)/, 'openai'],
  [/^embed-(v|english|multilingual)/, 'cohere'],
];

/** Embedding models by name (`text-embedding-3-small`, `gemini-embedding-001`, `embed-v4.0`, `amazon.titan-embed-text-v1`). */
function isEmbeddingModel(id: string): boolean {
  return /embed/i.test(id);
}

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
  const { provider, model } = resolved;
  // Embedding models are priced on input only: the data lists no output price for them.
  const embedding = flat.outputPerMTok === undefined && isEmbeddingModel(model.id);
  if (embedding) flat.outputPerMTok = 0;
  if (flat.inputPerMTok === undefined || flat.outputPerMTok === undefined) return undefined;
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
  if (embedding) entry.note = 'embedding model: input tokens only';
  else if (dated?.type === 'time_of_date') entry.note = `time-of-day price (${dated.start_time}–${dated.end_time} UTC)`;
  else if (Array.isArray(model.prices) && model.prices.some((p) => p.constraint?.type === 'time_of_date')) entry.note = 'off-peak/peak prices vary by time of day';
  // Entries are cached and shared by every caller: frozen, so that no caller can alter another's price.
  if (entry.tiers) for (const tier of entry.tiers) Object.freeze(tier);
  Object.freeze(entry.tiers);
  return Object.freeze(entry);
}

function lookup(id: string, providerId: string | undefined): Resolved | undefined {
  const result = calcPrice({}, id, providerId ? { providerId } : undefined);
  if (!result) return undefined;
  const schedule = priceSchedule(result.model);
  return {
    provider: result.provider,
    model: result.model,
    lite: { ...result.provider, models: [result.model] },
    schedule,
    entries: new Array<PriceEntry | null | undefined>(schedule?.spans ?? 0).fill(undefined),
  };
}

/** The price `calcPrice` selects at `timestamp` (throws, as it does, for an invalid date of a dated model). */
function priceAt(hit: Resolved, timestamp: Date): PriceEntry | undefined {
  const priced = calcPrice({}, hit.model.id, { provider: hit.lite, timestamp });
  return priced ? toEntry(hit, priced.model_price) : undefined;
}

/** Options of {@link genaiPricesCatalog}. */
export interface GenaiPricesCatalogOptions {
  /** Restrict lookups to one provider id of the database (`openai`, `anthropic`, `google`, …). @defaultValue inferred from the model name */
  providerId?: string;
  /**
   * How many model names to remember, each with its resolved model and the prices already
   * computed for it (at most one per span of constant price: one for most models, a handful for
   * dated and time-of-day prices). Beyond it, the oldest name is forgotten.
   * @defaultValue 1000
   */
  maxCachedNames?: number;
}

const DEFAULTS: Required<Pick<GenaiPricesCatalogOptions, 'maxCachedNames'>> = { maxCachedNames: 1000 };

/**
 * A catalog over `@pydantic/genai-prices`' bundled data (official list prices, cache reads and
 * writes, long-context tiers, dated and time-of-day prices). Offline: the data is never fetched
 * at run time. Lookups try the name as given, then without a provider prefix (used as the
 * provider id when it is one), then without a snapshot suffix, then with `.` ↔ `-`.
 *
 * Lookups are cached: a name is resolved once, and its price computed once per span of time in
 * which the data gives one price (a dated price change or a peak/off-peak window starts a new
 * span), so a lookup at any instant returns the price of that instant. Returned entries are
 * shared and frozen.
 *
 * @param options - provider restriction and name-cache size
 * @returns the catalog
 * @throws {@link ConfigurationError} when `maxCachedNames` is not a positive integer
 * @example
 * ```ts
 * const anthropicOnly = genaiPricesCatalog({ providerId: 'anthropic' });
 * anthropicOnly.get('claude-sonnet-4.5'); // { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, … }
 * ```
 */
export function genaiPricesCatalog(options: GenaiPricesCatalogOptions = {}): Catalog {
  const max = options.maxCachedNames ?? DEFAULTS.maxCachedNames;
  if (!Number.isInteger(max) || max < 1) throw new ConfigurationError(`genaiPricesCatalog: maxCachedNames must be a positive integer, got ${String(max)}`);
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
    if (!hit && providerId === undefined) {
      const hint = PROVIDER_HINTS.find(([re]) => re.test(id))?.[1];
      if (hint) hit = lookup(id, hint);
    }
    if (resolved.size >= max) resolved.delete(resolved.keys().next().value as string);
    resolved.set(model, hit ?? null);
    return hit;
  }

  return {
    name: options.providerId ? `genai-prices:${options.providerId}` : 'genai-prices',
    get(model: string, lookupOptions?: PriceLookupOptions): PriceEntry | undefined {
      if (typeof model !== 'string') return undefined;
      // Blank names never enter the name cache, so a cached name needs no check.
      const known = resolved.get(model);
      const hit = known === undefined ? (model.trim() === '' ? undefined : resolve(model)) : known ?? undefined;
      if (!hit) return undefined;
      const { schedule, entries } = hit;
      const at = lookupOptions?.at;
      if (!schedule) return priceAt(hit, at instanceof Date ? at : new Date(epochMs(at)));
      let span = 0;
      let ms = Number.NaN;
      if (schedule.timed) {
        ms = epochMs(at);
        if (Number.isNaN(ms)) return priceAt(hit, new Date(Number.NaN)); // throws RangeError, as calcPrice does
        span = spanAt(schedule, ms);
      }
      let entry = entries[span];
      if (entry === undefined) {
        entry = priceAt(hit, schedule.timed ? new Date(ms) : new Date()) ?? null;
        entries[span] = entry;
      }
      return entry ?? undefined;
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
