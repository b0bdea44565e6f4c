/**
 * `@lifeline/pricing`: what every call cost and what a relay saves — dated, sourced price
 * catalogs (official prices from `@pydantic/genai-prices`, offline), `meter()` for JSON and
 * streams, a `Ledger`, `budget()` with atomic reservations, and savings reports.
 * @module
 */
export type { PriceEntry, PriceTier, TokenPrices, PriceKey } from './price.js';
export { pricesFor, priceKeys } from './price.js';
export { parseModelName, canonicalModelId, modelCandidates, type ModelName } from './model-name.js';
export { createCatalog, chainCatalogs, type Catalog, type CatalogData, type CatalogModelData, type PriceLookupOptions } from './catalog.js';
export { loadCatalog, parseCatalog, type CatalogFormat } from './load-catalog.js';
export { defaultCatalog, genaiPricesCatalog, GENAI_PRICES_VERSION, GENAI_PRICES_DATE, type GenaiPricesCatalogOptions } from './default-catalog.js';
export { tokenBreakdown, sumUsage, type TokenBreakdown } from './usage.js';
export { costOf, roundUsd, type CostBreakdown } from './cost.js';
export { estimatePromptTokens, estimateTextTokens, estimateUsage, CHARS_PER_TOKEN } from './estimate.js';
export { priceAttempts, catalogFor, type AttemptCost, type CallCost, type PricingCatalogs } from './attempt-cost.js';
export { meter, type MeterOptions, type CostEvent } from './meter.js';
export { Ledger, type LedgerOptions, type LedgerDimension, type LedgerTotal, type LedgerRecord, type LedgerSnapshot } from './ledger.js';
export { budget, maxCallCost, type BudgetOptions } from './budget.js';
export { maxEmbeddingCost } from './embedding-cost.js';
export { MemoryBudgetStore, type BudgetStore, type BudgetUsage, type ReserveResult, type MemoryBudgetStoreOptions } from './budget-store.js';
export { budgetWindowKey, budgetWindowEnd, type BudgetWindow } from './budget-window.js';
export { savingsReport, type SavingsReport, type SavingsReportOptions, type SavingsRow, type ReportedPrice, type MonthlyProjection } from './savings.js';
export { formatSavingsTable } from './savings-table.js';
