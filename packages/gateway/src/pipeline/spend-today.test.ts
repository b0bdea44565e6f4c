import { Ledger } from '@lifeline/pricing';
import { describe, expect, it } from 'vitest';
import { spendToday } from './spend-today.js';

const DAY = Date.parse('2026-05-14T12:00:00Z');
const H = 3_600_000;

describe('spendToday', () => {
  it("totals today's (UTC) spend per provider and model, this month's, and tenants against their daily budgets", () => {
    const ledger = new Ledger();
    ledger.record({ at: DAY - 13 * 24 * H, provider: 'relay', model: 'm1', costUsd: 1 }); // May 1st
    ledger.record({ at: DAY - 14 * 24 * H, provider: 'relay', model: 'm1', costUsd: 5 }); // April 30th: not this month
    ledger.record({ at: DAY - 13 * H, provider: 'relay', model: 'm1', costUsd: 2 }); // yesterday
    ledger.record({ at: DAY, provider: 'relay', model: 'm1', tenant: 'acme', costUsd: 0.25 });
    ledger.record({ at: DAY + H, provider: 'backup', model: 'm2', tenant: 'acme', costUsd: 0.5 });
    ledger.record({ at: DAY + 2 * H, provider: 'backup', model: 'm1', costUsd: 0.125 });
    const keys = [{ sha256: 'x', name: 'a', tenant: 'acme', budgetUsdPerDay: 1 }, { sha256: 'y', name: 'b', tenant: 'idle', budgetUsdPerDay: 2 }, { sha256: 'z', name: 'c' }];
    expect(spendToday(ledger, { budgets: { dailyUsd: 10, monthlyUsd: 100 }, auth: { keys } }, DAY)).toEqual({
      day: '2026-05-14',
      totalUsd: 0.875,
      monthUsd: 3.875,
      byProvider: [{ key: 'backup', costUsd: 0.625, requests: 2 }, { key: 'relay', costUsd: 0.25, requests: 1 }],
      byModel: [{ key: 'm2', costUsd: 0.5, requests: 1 }, { key: 'm1', costUsd: 0.375, requests: 2 }],
      budgets: { dailyUsd: 10, monthlyUsd: 100 },
      tenants: [{ tenant: 'acme', costUsd: 0.75, budgetUsd: 1 }, { tenant: 'idle', costUsd: 0, budgetUsd: 2 }],
    });
  });
});
