import { ConfigurationError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';

const T = Date.UTC(2026, 10, 24, 12);
const DAY = 86_400_000;
const usage = { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150, prompt_tokens_details: { cached_tokens: 40 }, completion_tokens_details: { reasoning_tokens: 10 } };

describe('Ledger', () => {
  it('totals by provider, model, tenant and day, most expensive first', () => {
    const ledger = new Ledger();
    ledger.record({ at: T, provider: 'relay', model: 'gpt-4.1', tenant: 'acme', costUsd: 0.3, usage });
    ledger.record({ at: T, provider: 'relay', model: 'gpt-4.1', tenant: 'acme', costUsd: 0.1, usage });
    ledger.record({ at: T + DAY, provider: 'openai', model: 'gpt-4o-mini', costUsd: 0.2, usage });
    ledger.record({ at: T + DAY, provider: 'openai', model: 'mystery', costUsd: undefined, usage: { ...usage, estimated: true } });
    expect(ledger.totals({ by: 'provider' }).map((t) => [t.key, t.costUsd, t.requests, t.unpricedRequests])).toEqual([['relay', 0.4, 2, 0], ['openai', 0.2, 2, 1]]);
    expect(ledger.totals({ by: 'tenant' }).map((t) => [t.key, t.costUsd])).toEqual([['acme', 0.4], ['(none)', 0.2]]);
    expect(ledger.totals({ by: 'day' }).map((t) => t.key)).toEqual(['2026-11-24', '2026-11-25']);
    expect(ledger.totals({ by: 'model', since: '2026-11-25' }).map((t) => t.key)).toEqual(['gpt-4o-mini', 'mystery']);
    expect(ledger.totals({ by: 'model', until: '2026-11-24' })).toEqual([
      { key: 'gpt-4.1', costUsd: 0.4, savedUsd: 0, requests: 2, cacheHits: 0, unpricedRequests: 0, estimatedRequests: 0, promptTokens: 200, completionTokens: 100, cachedTokens: 80, reasoningTokens: 20 },
    ]);
    const snap = ledger.snapshot();
    expect(snap.total).toMatchObject({ key: 'total', costUsd: 0.6, requests: 4, unpricedRequests: 1, estimatedRequests: 1, promptTokens: 400 });
    expect(snap.byProvider.map((t) => t.key)).toEqual(['relay', 'openai']);
  });

  it("narrows totals and snapshots to one tenant's calls", () => {
    const ledger = new Ledger();
    ledger.record({ at: T, provider: 'relay', model: 'gpt-4.1', tenant: 'acme', costUsd: 0.3, usage });
    ledger.record({ at: T, provider: 'relay', model: 'claude-sonnet-4.5', tenant: 'globex', costUsd: 0.5, usage });
    ledger.record({ at: T + DAY, provider: 'backup', model: 'gpt-4.1', tenant: 'acme', costUsd: 0.1, usage });
    ledger.record({ at: T, provider: 'relay', model: 'gpt-4.1', costUsd: 0.7, usage });
    expect(ledger.totals({ by: 'model', tenant: 'acme' }).map((t) => [t.key, t.costUsd, t.requests])).toEqual([['gpt-4.1', 0.4, 2]]);
    const acme = ledger.snapshot({ tenant: 'acme' });
    expect(acme.total).toMatchObject({ costUsd: 0.4, requests: 2 });
    expect([acme.byTenant.map((t) => t.key), acme.byProvider.map((t) => t.key), acme.byDay.map((t) => t.key)]).toEqual([['acme'], ['relay', 'backup'], ['2026-11-24', '2026-11-25']]);
    expect(ledger.snapshot({ tenant: '(none)' }).total.costUsd).toBe(0.7);
    expect(ledger.snapshot({ tenant: 'nobody' }).total.requests).toBe(0);
    expect(ledger.snapshot().total.costUsd).toBe(1.6);
  });

  it('keeps maxDays of history', () => {
    const ledger = new Ledger({ maxDays: 2 });
    ledger.record({ at: T, provider: 'p', model: 'm', costUsd: 1 });
    ledger.record({ at: T + DAY, provider: 'p', model: 'm', costUsd: 1 });
    ledger.record({ at: T + 2 * DAY, provider: 'p', model: 'm', costUsd: 1 });
    expect(ledger.totals({ by: 'day' }).map((t) => t.key)).toEqual(['2026-11-25', '2026-11-26']);
    ledger.record({ at: T, provider: 'p', model: 'm', costUsd: 1 }); // too old: dropped
    expect(ledger.size).toBe(2);
  });

  it('files each record under its own UTC day, in any order, across many days', () => {
    const ledger = new Ledger({ maxDays: 3 });
    const midnight = Date.UTC(2026, 10, 25);
    for (const at of [midnight - 1, midnight, midnight - 1, midnight + DAY - 1, midnight]) ledger.record({ at, provider: 'p', model: 'm', costUsd: 1 });
    expect(ledger.totals({ by: 'day' }).map((t) => [t.key, t.requests])).toEqual([['2026-11-24', 2], ['2026-11-25', 3]]);
    ledger.record({ at: midnight + 2 * DAY, provider: 'p', model: 'm', costUsd: 1 }); // 2026-11-27: keeps the 25th to the 27th
    ledger.record({ at: midnight - 1, provider: 'p', model: 'm', costUsd: 1 }); // the 24th is now out of the window: dropped
    ledger.record({ at: midnight, provider: 'p', model: 'm', costUsd: 1 });
    expect(ledger.totals({ by: 'day' }).map((t) => [t.key, t.requests])).toEqual([['2026-11-25', 4], ['2026-11-27', 1]]);
  });

  it('bounds memory: beyond maxGroups, new groups fold into (other)', () => {
    const ledger = new Ledger({ maxGroups: 3 });
    for (let i = 0; i < 100; i++) ledger.record({ at: T, provider: 'p', model: 'm', tenant: `tenant-${i}`, costUsd: 0.01 });
    expect(ledger.size).toBe(4);
    const byTenant = ledger.totals({ by: 'tenant' });
    expect(byTenant[0]).toMatchObject({ key: '(other)', requests: 97, costUsd: 0.97 });
    expect(ledger.snapshot().total.costUsd).toBe(1);
    ledger.clear();
    expect(ledger.size).toBe(0);
  });

  it('validates its options', () => {
    expect(() => new Ledger({ maxDays: 0 })).toThrow(ConfigurationError);
    expect(() => new Ledger({ maxDays: 0 })).toThrow('Ledger: maxDays must be a positive integer, got 0');
    expect(() => new Ledger({ maxGroups: 1.5 })).toThrow('Ledger: maxGroups must be a positive integer, got 1.5');
    expect(() => new Ledger().totals({ by: 'week' as never })).toThrow('Ledger.totals: by must be provider, model, tenant or day, got week');
  });
});
