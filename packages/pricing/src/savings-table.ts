/**
 * `formatSavingsTable()`: a savings report as a terminal table.
 * @module
 */
import type { SavingsReport } from './savings.js';

const price = (n: number) => n.toFixed(4).replace(/0{1,2}$/, '');
const money = (n: number) => `${n < 0 ? '-' : ''}$${Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const percent = (n: number | undefined) => (n === undefined ? 'n/a' : `${n.toFixed(1)}%`);

function render(rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const [head, ...body] = rows;
  return [line(head!), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

/**
 * Formats a {@link SavingsReport} as a plain-text table (prices in USD per million tokens),
 * followed by the monthly totals, the models without a price, and the source and date of every
 * price shown.
 *
 * @param report - from `savingsReport`
 * @returns the table, lines joined with `\n`
 * @example
 * ```ts
 * console.log(formatSavingsTable(savingsReport(relay, defaultCatalog, { monthlyInputTokens: 1e6, monthlyOutputTokens: 1e6 })));
 * ```
 */
export function formatSavingsTable(report: SavingsReport): string {
  const monthly = report.monthlyTotal !== undefined;
  const head = ['model', `${report.catalog} in/out`, `${report.reference} in/out`, 'input saved', 'output saved'];
  if (monthly) head.push(`${report.catalog}/month`, `${report.reference}/month`, 'saved/month');
  const rows = [head];
  for (const r of report.rows) {
    const row = [
      r.model,
      `${price(r.price.inputPerMTok)} / ${price(r.price.outputPerMTok)}`,
      r.reference ? `${price(r.reference.inputPerMTok)} / ${price(r.reference.outputPerMTok)}` : 'no price',
      percent(r.inputSavingsPct),
      percent(r.outputSavingsPct),
    ];
    if (monthly) row.push(...(r.monthly ? [money(r.monthly.catalogUsd), money(r.monthly.referenceUsd), money(r.monthly.savedUsd)] : ['n/a', 'n/a', 'n/a']));
    rows.push(row);
  }
  const t = report.monthlyTotal;
  if (t) rows.push(['total', '', '', '', '', money(t.catalogUsd), money(t.referenceUsd), `${money(t.savedUsd)} (${percent(t.savingsPct)})`]);
  const out = render(rows, new Set([3, 4, 5, 6, 7]));
  out.push('', 'Prices in USD per million tokens. A negative saving means the first catalog costs MORE.');
  if (report.missing.length) out.push(`No price in ${report.catalog}: ${report.missing.join(', ')}`);
  const sources = new Set<string>();
  for (const r of report.rows) {
    sources.add(`${report.catalog}: ${r.price.source} (${r.price.effectiveDate})`);
    if (r.reference) sources.add(`${report.reference}: ${r.reference.source} (${r.reference.effectiveDate})`);
  }
  if (sources.size) out.push('Sources:', ...[...sources].map((s) => `  ${s}`));
  return out.join('\n');
}
