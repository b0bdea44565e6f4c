/**
 * Price catalogs: look a model up, get its price and provenance. Build one from an object
 * (a relay's price list), a JSON/YAML file ({@link loadCatalog}), or use `defaultCatalog`.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';
import { canonicalModelId, modelCandidates, parseModelName } from './model-name.js';
import { priceKeys, type PriceEntry, type PriceTier, type TokenPrices } from './price.js';

/** Options of {@link Catalog.get}. */
export interface PriceLookupOptions {
  /** When the call happened (epoch ms or a Date), for prices that change by date or time of day. @defaultValue now */
  at?: number | Date;
}

/**
 * A price catalog. `get` resolves aliases (`claude-sonnet-4.5` / `claude-sonnet-4-5`, dated
 * snapshots such as `gpt-4.1-2025-04-14`, provider prefixes such as `openai/gpt-4.1`) and returns
 * `undefined` when the model has no price — never a silent 0.
 */
export interface Catalog {
  /** A label for messages and reports (`relay`, `genai-prices`). */
  readonly name: string;
  /** The price of `model`, or `undefined` when the catalog has none. */
  get(model: string, options?: PriceLookupOptions): PriceEntry | undefined;
  /** The model ids the catalog lists, when it can enumerate them (custom catalogs can). */
  models?(): readonly string[];
}

/** One model of a {@link CatalogData}: prices plus optional per-entry provenance. */
export interface CatalogModelData extends Partial<TokenPrices> {
  /** Overrides the catalog's `source`. */
  source?: string;
  /** Overrides the catalog's `effectiveDate` (`YYYY-MM-DD`). */
  effectiveDate?: string;
  provider?: string;
  note?: string;
  /** Other names of the same model. */
  aliases?: string[];
  /** Long-context tiers (see {@link PriceTier}). */
  tiers?: PriceTier[];
}

/** A custom catalog, as an object or the content of a JSON/YAML file. */
export interface CatalogData {
  /** @defaultValue "custom" */
  name?: string;
  /** Currency of the prices. @defaultValue "USD" */
  currency?: string;
  /** USD per unit of `currency`; required when `currency` is not USD (prices are converted on load). */
  usdPerUnit?: number;
  /** Default `source` of every entry. */
  source?: string;
  /** Default `effectiveDate` of every entry (`YYYY-MM-DD`). */
  effectiveDate?: string;
  /** Default `provider` of every entry. */
  provider?: string;
  /** Default `note` of every entry. */
  note?: string;
  /** Model id → prices. */
  models: Record<string, CatalogModelData>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function fail(where: string, what: string, got: unknown): never {
  throw new ConfigurationError(`${where}${what.startsWith('.') ? '' : ' '}${what}, got ${typeof got === 'string' ? JSON.stringify(got) : String(got)}`);
}

function price(where: string, key: string, value: unknown, rate: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(where, `.${key} must be a non-negative number (USD per million tokens)`, value);
  return value * rate;
}

function readPrices(where: string, data: Record<string, unknown>, rate: number): Partial<TokenPrices> {
  const out: Partial<TokenPrices> = {};
  for (const key of priceKeys) {
    const v = price(where, key, data[key], rate);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function entryOf(catalog: string, id: string, raw: unknown, defaults: CatalogData, rate: number): PriceEntry {
  const where = `catalog "${catalog}": models[${JSON.stringify(id)}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(where, 'must be an object of prices', raw);
  const data = raw as CatalogModelData & Record<string, unknown>;
  const prices = readPrices(where, data, rate);
  if (prices.inputPerMTok === undefined) fail(where, '.inputPerMTok must be a non-negative number (USD per million tokens)', data.inputPerMTok);
  if (prices.outputPerMTok === undefined) fail(where, '.outputPerMTok must be a non-negative number (USD per million tokens)', data.outputPerMTok);
  const source = data.source ?? defaults.source;
  if (typeof source !== 'string' || source.trim() === '') fail(where, '.source (or the catalog source) must say where the price came from', source);
  const effectiveDate = data.effectiveDate ?? defaults.effectiveDate;
  if (typeof effectiveDate !== 'string' || !DATE.test(effectiveDate)) fail(where, '.effectiveDate (or the catalog effectiveDate) must be a YYYY-MM-DD date', effectiveDate);
  const currency = (defaults.currency ?? 'USD').toUpperCase();
  const entry: PriceEntry = {
    model: id,
    inputPerMTok: prices.inputPerMTok,
    outputPerMTok: prices.outputPerMTok,
    currency: 'USD',
    source: currency === 'USD' ? source : `${source} (converted from ${currency} at ${defaults.usdPerUnit} USD/${currency})`,
    effectiveDate,
  };
  for (const key of priceKeys) if (prices[key] !== undefined) entry[key] = prices[key];
  const provider = data.provider ?? defaults.provider;
  if (provider !== undefined) entry.provider = provider;
  const note = data.note ?? defaults.note;
  if (note !== undefined) entry.note = note;
  if (data.tiers !== undefined) {
    if (!Array.isArray(data.tiers)) fail(where, '.tiers must be an array', data.tiers);
    entry.tiers = data.tiers
      .map((t, i) => {
        const tw = `${where}.tiers[${i}]`;
        if (typeof t !== 'object' || t === null) fail(tw, 'must be an object', t);
        const above = (t as PriceTier).aboveInputTokens;
        if (typeof above !== 'number' || !Number.isInteger(above) || above < 0) fail(tw, '.aboveInputTokens must be a non-negative integer', above);
        return { aboveInputTokens: above, ...readPrices(tw, t as unknown as Record<string, unknown>, rate) };
      })
      .sort((a, b) => a.aboveInputTokens - b.aboveInputTokens);
  }
  return entry;
}

/**
 * Builds a catalog from an object: a relay's price list, your negotiated prices. Every entry
 * must end up with a `source` and an `effectiveDate` (its own or the catalog's).
 *
 * @param data - the catalog
 * @returns a {@link Catalog}
 * @throws {@link ConfigurationError} naming the entry and field when a price, source or date is missing or invalid
 * @example
 * ```ts
 * const relay = createCatalog({
 *   name: 'relay', source: 'https://relay.example/pricing', effectiveDate: '2026-01-01',
 *   models: { 'gpt-4.1': { inputPerMTok: 8, outputPerMTok: 32 } },
 * });
 * relay.get('openai/gpt-4.1-2025-04-14')?.inputPerMTok; // 8
 * ```
 */
export function createCatalog(data: CatalogData): Catalog {
  if (typeof data !== 'object' || data === null) throw new ConfigurationError(`createCatalog: data must be an object, got ${String(data)}`);
  const name = data.name ?? 'custom';
  if (typeof data.models !== 'object' || data.models === null || Array.isArray(data.models)) {
    fail(`catalog "${name}":`, 'models must be an object of model id → prices', data.models);
  }
  const currency = (data.currency ?? 'USD').toUpperCase();
  let rate = 1;
  if (currency !== 'USD') {
    if (typeof data.usdPerUnit !== 'number' || !(data.usdPerUnit > 0)) {
      fail(`catalog "${name}":`, `usdPerUnit must be a positive number when currency is ${currency}`, data.usdPerUnit);
    }
    rate = data.usdPerUnit;
  }
  const byKey = new Map<string, PriceEntry>();
  const ids: string[] = [];
  for (const [id, raw] of Object.entries(data.models)) {
    const entry = entryOf(name, id, raw, data, rate);
    ids.push(id);
    const aliases = (raw as CatalogModelData).aliases ?? [];
    for (const alias of [id, ...aliases]) byKey.set(canonicalModelId(alias.trim()), entry);
  }
  return {
    name,
    models: () => ids.slice(),
    get(model: string): PriceEntry | undefined {
      if (typeof model !== 'string' || model === '') return undefined;
      const full = canonicalModelId(model.trim());
      const hit = byKey.get(full);
      if (hit) return hit;
      for (const candidate of modelCandidates(parseModelName(model).id)) {
        const entry = byKey.get(candidate);
        if (entry) return entry;
      }
      return undefined;
    },
  };
}

/**
 * A catalog that asks each of `catalogs` in turn and returns the first price found — e.g. a
 * relay's list, falling back to official prices for models the relay does not list.
 *
 * @param catalogs - catalogs in order of preference
 * @returns the chained catalog
 * @example
 * ```ts
 * const prices = chainCatalogs(relayCatalog, defaultCatalog);
 * ```
 */
export function chainCatalogs(...catalogs: Catalog[]): Catalog {
  return {
    name: catalogs.map((c) => c.name).join(' > '),
    get(model, options) {
      for (const c of catalogs) {
        const entry = c.get(model, options);
        if (entry) return entry;
      }
      return undefined;
    },
  };
}
