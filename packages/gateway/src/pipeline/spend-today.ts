/**
 * Today's spend against the budgets, read from the pipeline's ledger (for the status page).
 * @module
 */
import type { Ledger } from '@lifeline/pricing';
import type { GatewayConfig } from '../config/types.js';
import type { SpendRow, SpendToday } from './types.js';

const row = (t: { key: string; costUsd: number; requests: number }): SpendRow => ({ key: t.key, costUsd: t.costUsd, requests: t.requests });

/**
 * Today's (UTC) spend per provider and model, this month's total, and the budgets they count
 * against: the gateway's (`budgets`) and each tenant key's `budgetUsdPerDay`.
 *
 * @param ledger - the pipeline's spend ledger
 * @param config - budgets and keys
 * @param now - epoch ms
 * @returns the summary
 * @example
 * ```ts
 * spendToday(ledger, config, Date.now()); // { day: '2026-05-01', totalUsd: 0.42, byProvider: [...], … }
 * ```
 */
export function spendToday(ledger: Ledger, config: Pick<GatewayConfig, 'budgets' | 'auth'>, now: number): SpendToday {
  const day = new Date(now).toISOString().slice(0, 10);
  const month = `${day.slice(0, 8)}01`;
  const byProvider = ledger.totals({ by: 'provider', since: day, until: day });
  const byTenant = new Map(ledger.totals({ by: 'tenant', since: day, until: day }).map((t) => [t.key, t.costUsd]));
  const budgeted = new Map<string, number>();
  for (const k of config.auth.keys) if (k.tenant !== undefined && k.budgetUsdPerDay !== undefined) budgeted.set(k.tenant, k.budgetUsdPerDay);
  return {
    day,
    totalUsd: byProvider.reduce((s, t) => s + t.costUsd, 0),
    monthUsd: ledger.totals({ by: 'day', since: month, until: day }).reduce((s, t) => s + t.costUsd, 0),
    byProvider: byProvider.map(row),
    byModel: ledger.totals({ by: 'model', since: day, until: day }).map(row),
    budgets: { dailyUsd: config.budgets.dailyUsd, monthlyUsd: config.budgets.monthlyUsd },
    tenants: [...budgeted].map(([tenant, budgetUsd]) => ({ tenant, costUsd: byTenant.get(tenant) ?? 0, budgetUsd })),
  };
}
