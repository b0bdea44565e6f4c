/**
 * `savingsReport()`: a relay's prices against a reference (official) catalog.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';
import type { Catalog } from './catalog.js';
import { roundUsd } from './cost.js';
import type { PriceEntry } from './price.js';

/** Options of {@link savingsReport}. */
export interface SavingsReportOptions {
  /** Input tokens per month per model, for the projection. @defaultValue none (no projection) */
  monthlyInputTokens?: number;
  /** Output tokens per month per model, for the projection. @defaultValue none (no projection) */
  monthlyOutputTokens?: number;
  /** Models to compare. @defaultValue every model `catalog.models()` lists */
  models?: readonly string[];
  /** When prices are looked up (epoch ms). @defaultValue now */
  at?: number;
}

/** A price as the report shows it. */
export interface ReportedPrice {
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
  source: string;
  effectiveDate: string;
}

/** Monthly cost projection of one model. */
export interface MonthlyProjection {
  inputTokens: number;
  outputTokens: number;
  catalogUsd: number;
  referenceUsd: number;
  /** `referenceUsd - catalogUsd`: negative when the catalog costs more. */
  savedUsd: number;
  savingsPct: number;
}

/** One model of a {@link SavingsReport}. */
export interface SavingsRow {
  model: string;
  /** The price in the compared catalog (the relay). */
  price: ReportedPrice;
  /** The price in the reference catalog; `undefined` when the reference has none. */
  reference: ReportedPrice | undefined;
  /** `(reference - price) / reference × 100`, one decimal; negative when the catalog costs more. */
  inputSavingsPct: number | undefined;
  outputSavingsPct: number | undefined;
  monthly?: MonthlyProjection;
}

/** The comparison of a catalog against a reference. */
export interface SavingsReport {
  catalog: string;
  reference: string;
  rows: SavingsRow[];
  /** Models the compared catalog has no price for. */
  missing: string[];
  /** Sum of the monthly projections over models priced in both catalogs. */
  monthlyTotal?: Omit<MonthlyProjection, 'inputTokens' | 'outputTokens'>;
}

const pct = (reference: number, price: number): number | undefined =>
  reference > 0 ? Math.round(((reference - price) / reference) * 1000) / 10 : undefined;

const shown = (e: PriceEntry): ReportedPrice => ({
  model: e.model, inputPerMTok: e.inputPerMTok, outputPerMTok: e.outputPerMTok, source: e.source, effectiveDate: e.effectiveDate,
});

function tokens(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ConfigurationError(`savingsReport: ${name} must be a non-negative number, got ${String(value)}`);
  return value;
}

/**
 * Compares `catalog` (e.g. a relay's price list) with `reference` (e.g. `defaultCatalog`): per
 * model, both input and output prices and the savings in percent — negative when the catalog is
 * MORE expensive — and, given monthly token volumes, the projected monthly cost of each.
 *
 * @param catalog - the catalog to evaluate
 * @param reference - the prices to compare against
 * @param options - volumes for the projection, models to compare
 * @returns the report
 * @throws {@link ConfigurationError} when the models cannot be listed or a volume is invalid
 * @example
 * ```ts
 * const report = savingsReport(await loadCatalog('examples/catalogs/relay.yaml'), defaultCatalog, { monthlyInputTokens: 50e6, monthlyOutputTokens: 50e6 });
 * console.log(formatSavingsTable(report));
 * ```
 */
export function savingsReport(catalog: Catalog, reference: Catalog, options: SavingsReportOptions = {}): SavingsReport {
  const inTok = tokens('monthlyInputTokens', options.monthlyInputTokens);
  const outTok = tokens('monthlyOutputTokens', options.monthlyOutputTokens);
  const models = options.models ?? catalog.models?.();
  if (!models) throw new ConfigurationError(`savingsReport: catalog "${catalog.name}" cannot list its models; pass options.models`);
  const at = options.at ?? Date.now();
  const project = inTok !== undefined || outTok !== undefined;
  const rows: SavingsRow[] = [];
  const missing: string[] = [];
  const total = { catalogUsd: 0, referenceUsd: 0 };
  for (const model of models) {
    const price = catalog.get(model, { at });
    if (!price) {
      missing.push(model);
      continue;
    }
    const ref = reference.get(model, { at });
    const row: SavingsRow = {
      model,
      price: shown(price),
      reference: ref ? shown(ref) : undefined,
      inputSavingsPct: ref ? pct(ref.inputPerMTok, price.inputPerMTok) : undefined,
      outputSavingsPct: ref ? pct(ref.outputPerMTok, price.outputPerMTok) : undefined,
    };
    if (project && ref) {
      const i = inTok ?? 0;
      const o = outTok ?? 0;
      const catalogUsd = roundUsd((i * price.inputPerMTok + o * price.outputPerMTok) / 1e6);
      const referenceUsd = roundUsd((i * ref.inputPerMTok + o * ref.outputPerMTok) / 1e6);
      row.monthly = { inputTokens: i, outputTokens: o, catalogUsd, referenceUsd, savedUsd: roundUsd(referenceUsd - catalogUsd), savingsPct: pct(referenceUsd, catalogUsd) ?? 0 };
      total.catalogUsd += catalogUsd;
      total.referenceUsd += referenceUsd;
    }
    rows.push(row);
  }
  const report: SavingsReport = { catalog: catalog.name, reference: reference.name, rows, missing };
  if (project) {
    const catalogUsd = roundUsd(total.catalogUsd);
    const referenceUsd = roundUsd(total.referenceUsd);
    report.monthlyTotal = { catalogUsd, referenceUsd, savedUsd: roundUsd(referenceUsd - catalogUsd), savingsPct: pct(referenceUsd, catalogUsd) ?? 0 };
  }
  return report;
}
