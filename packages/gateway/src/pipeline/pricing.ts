/**
 * The price catalogs of a config: what each provider charges, and the reference for savings.
 * @module
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { defaultCatalog, parseCatalog, type Catalog } from '@lifeline/pricing';
import { ConfigValidationError } from '../config/check.js';
import type { GatewayConfig, TargetConfig } from '../config/types.js';
import type { CostComparison, PriceSide } from './types.js';

/** Catalogs resolved from a config. */
export interface GatewayPricing {
  /** Prices of providers without their own catalog. */
  catalog: Catalog;
  /** Prices per provider name (`meter({ catalogs })`). */
  catalogs: Record<string, Catalog>;
  /** Reference prices for savings. */
  reference: Catalog;
}

/**
 * Reads a catalog file synchronously (startup only), naming the config field on failure.
 * @example
 * ```ts
 * const relay = readCatalogFile('relay.yaml', 'providers.primary.catalog');
 * ```
 */
export function readCatalogFile(file: string, field: string): Catalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigValidationError([`${field}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  try {
    return parseCatalog(text, extname(file).toLowerCase() === '.json' ? 'json' : 'yaml', file);
  } catch (err) {
    throw new ConfigValidationError([`${field}: ${(err as Error).message}`]);
  }
}

/**
 * Loads `pricing.catalog`, `pricing.reference` and each `providers.<name>.catalog`.
 *
 * @param config - the validated config
 * @param base - catalogs given in code, which win over files (`{ catalog, reference, catalogs }`)
 * @example
 * ```ts
 * const { catalog, catalogs, reference } = loadPricing(config);
 * ```
 */
export function loadPricing(config: GatewayConfig, base: Partial<GatewayPricing> = {}): GatewayPricing {
  const catalog = base.catalog ?? (config.pricing.catalog ? readCatalogFile(config.pricing.catalog, 'pricing.catalog') : defaultCatalog);
  const reference = base.reference ?? (config.pricing.reference ? readCatalogFile(config.pricing.reference, 'pricing.reference') : defaultCatalog);
  const catalogs: Record<string, Catalog> = {};
  for (const [name, p] of Object.entries(config.providers)) {
    if (p.catalog) catalogs[name] = readCatalogFile(p.catalog, `providers.${name}.catalog`);
  }
  return { catalog, reference, catalogs: { ...catalogs, ...base.catalogs } };
}

function side(entry: { inputPerMTok: number; outputPerMTok: number; cachedInputPerMTok?: number; source: string; effectiveDate: string }): PriceSide {
  const out: PriceSide = { inputPerMTok: entry.inputPerMTok, outputPerMTok: entry.outputPerMTok, source: entry.source, effectiveDate: entry.effectiveDate };
  if (entry.cachedInputPerMTok !== undefined) out.cachedInputPerMTok = entry.cachedInputPerMTok;
  return out;
}

const pct = (reference: number, price: number) => (reference > 0 ? Math.round(((reference - price) / reference) * 1000) / 10 : 0);

/**
 * What `model` costs on the first target of its route (the relay you pay) against the reference
 * (official) price.
 *
 * @returns the comparison, or `undefined` when the paying side has no price
 * @example
 * ```ts
 * compareCost(pricing, 'deepseek-v3.2', { provider: 'primary' }); // { model, relay: {…}, official: {…}, savings: {…} }
 * ```
 */
export function compareCost(pricing: GatewayPricing, model: string, target: TargetConfig | undefined): CostComparison | undefined {
  const upstreamModel = target?.model ?? model;
  const paying = (target && pricing.catalogs[target.provider]) || pricing.catalog;
  const price = paying.get(upstreamModel);
  if (!price) return undefined;
  const official = pricing.reference.get(upstreamModel);
  const report: CostComparison = { model: upstreamModel, relay: side(price) };
  if (official) {
    report.official = side(official);
    report.savings = { inputPercent: pct(official.inputPerMTok, price.inputPerMTok), outputPercent: pct(official.outputPerMTok, price.outputPerMTok) };
  }
  return report;
}
