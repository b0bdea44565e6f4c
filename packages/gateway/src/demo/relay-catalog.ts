/**
 * The seed tutorial's relay price list, bundled so `lifeline prices` and the demo work offline.
 * Same data as `examples/catalogs/relay.yaml`: prices the vendor CLAIMS, never verified.
 * @module
 */
import { createCatalog, type Catalog, type CatalogData } from '@lifeline/pricing';

/** The seed relay's claimed prices (USD per million tokens). */
export const SEED_RELAY_PRICES: CatalogData = {
  name: 'relay',
  currency: 'USD',
  source: 'vendor claim (HolySheep tutorial), not verified',
  effectiveDate: '2026-11-24',
  note: 'vendor-claimed price',
  models: {
    'gpt-4.1': { inputPerMTok: 8, outputPerMTok: 32 },
    'claude-sonnet-4.5': { inputPerMTok: 15, outputPerMTok: 75 },
    'gemini-2.5-flash': { inputPerMTok: 2.5, outputPerMTok: 10 },
    'deepseek-v3.2': { inputPerMTok: 0.42, outputPerMTok: 1.68 },
  },
};

/**
 * {@link SEED_RELAY_PRICES} as a catalog.
 * @example
 * ```ts
 * formatSavingsTable(savingsReport(seedRelayCatalog(), defaultCatalog));
 * ```
 */
export function seedRelayCatalog(): Catalog {
  return createCatalog(SEED_RELAY_PRICES);
}
