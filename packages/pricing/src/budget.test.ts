import { BudgetExceededError, ConfigurationError, createClient, ServerError, type ChatRequest } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { fakeClock, scriptedAdapter } from '@lifeline/testing';
import { budget, maxCallCost } from './budget.js';
import { MemoryBudgetStore } from './budget-store.js';
import { budgetWindowEnd, budgetWindowKey } from './budget-window.js';
import { createCatalog } from './catalog.js';
import { defaultCatalog } from './default-catalog.js';
import { meter } from './meter.js';

// 1 USD per million tokens in and out: 1 token = $0.000001.
const catalog = createCatalog({ name: 'flat', source: 'test', effectiveDate: '2026-01-01', models: { m: { inputPerMTok: 1, outputPerMTok: 1 } } });
// Prompt estimate: ceil(25 / 4) + 4 = 11 tokens; with max_tokens 989 the upper bound is 1000 tokens = $0.001.
const request: ChatRequest = { model: 'm', max_tokens: 989, messages: [{ role: 'user', content: 'Hello there, how are you?' }] };
const USAGE = { prompt_tokens: 11, completion_tokens: 489, total_tokens: 500 }; // real cost $0.0005
const DAY = 'day:2026-11-24';
const NOON = Date.UTC(2026, 10, 24, 12, 0, 0);

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('budget', () => {
  it('bounds a call by prompt estimate × input price + max tokens × output price', () => {
    expect(maxCallCost(request, catalog.get('m')!)).toBe(0.001);
    expect(maxCallCost({ ...request, max_tokens: undefined }, catalog.get('m')!, 4096)).toBe(0.004107);
    // gpt-4.1: 11 × 2 + 989 × 8 = 7934 µ$
    expect(maxCallCost({ ...request, model: 'gpt-4.1' }, defaultCatalog.get('gpt-4.1')!)).toBe(0.007934);
    // claude: cache writes (3.75) cost more than input (3) and 1h writes more still (6): the bound uses the highest
    expect(maxCallCost({ ...request, model: 'claude-sonnet-4-5' }, defaultCatalog.get('claude-sonnet-4-5')!)).toBe(0.014901);
  });

  it('100 concurrent calls never overrun the limit: exactly those whose reservation fits run', async () => {
    const store = new MemoryBudgetStore();
    const clock = fakeClock(NOON);
    const { open, opened } = gate();
    const adapter = scriptedAdapter(() => opened, { usage: USAGE });
    const client = createClient({ adapter, clock, use: [budget({ limitUsd: 0.0105, window: 'day', store, catalog })] });
    const calls = Array.from({ length: 100 }, () => client.chat(request).then(() => 'ok', (e: unknown) => e));
    await new Promise((r) => setImmediate(r));
    expect(adapter.calls).toHaveLength(10);
    expect(await store.usage('global', DAY)).toEqual({ spentUsd: 0, reservedUsd: 0.01 });
    open();
    const results = await Promise.all(calls);
    const rejected = results.filter((r) => r !== 'ok');
    expect(results.filter((r) => r === 'ok')).toHaveLength(10);
    expect(rejected).toHaveLength(90);
    expect(rejected.every((e) => e instanceof BudgetExceededError)).toBe(true);
    const first = rejected[0] as BudgetExceededError;
    expect(first.message).toBe('budget: scope "global" has $0.0005 of $0.0105 left in window day:2026-11-24; this call may cost up to $0.001');
    expect([first.scope, first.remainingUsd, first.retryAfterMs]).toEqual(['global', 0.0005, 12 * 3_600_000]);
    // settled: the real cost replaces the reservations
    expect(await store.usage('global', DAY)).toEqual({ spentUsd: 0.005, reservedUsd: 0 });
    // the released headroom admits 5 more
    const more = await Promise.allSettled(Array.from({ length: 8 }, () => client.chat(request)));
    expect(more.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect((await store.usage('global', DAY)).spentUsd).toBe(0.0075);
  });

  it('settles with meta.costUsd when a meter runs inside (its catalogs win)', async () => {
    const store = new MemoryBudgetStore();
    const relay = createCatalog({ name: 'relay', source: 's', effectiveDate: '2026-01-01', models: { m: { inputPerMTok: 10, outputPerMTok: 10 } } });
    const client = createClient({ adapter: scriptedAdapter({ usage: USAGE }), clock: fakeClock(NOON), use: [budget({ limitUsd: 1, window: 'day', store, catalog }), meter({ catalog: relay })] });
    const { meta } = await client.chat(request);
    expect(meta.costUsd).toBe(0.005);
    expect(await store.usage('global', DAY)).toEqual({ spentUsd: 0.005, reservedUsd: 0 });
  });

  it('holds the reservation while a stream runs and settles when it ends', async () => {
    const store = new MemoryBudgetStore();
    const client = createClient({ adapter: scriptedAdapter({ usage: USAGE }), clock: fakeClock(NOON), use: [budget({ limitUsd: 1, window: 'day', store, catalog })] });
    const stream = client.stream(request);
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    expect(await store.usage('global', DAY)).toEqual({ spentUsd: 0, reservedUsd: 0.001 });
    while (!(await it.next()).done);
    expect(await store.usage('global', DAY)).toEqual({ spentUsd: 0.0005, reservedUsd: 0 });
  });

  it('releases the reservation when the call fails, charging only what attempts produced', async () => {
    const store = new MemoryBudgetStore();
    const adapter = scriptedAdapter(() => { throw new ServerError('down', { provider: 'fake', status: 500 }); });
    const client = createClient({ adapter, clock: fakeClock(NOON), use: [budget({ limitUsd: 1, window: 'day', store, catalog })] });
    await expect(client.chat(request)).rejects.toThrow(ServerError);
    expect(await store.usage('global', DAY)).toEqual({ spentUsd: 0, reservedUsd: 0 });
  });

  it('keeps budgets per scope and starts afresh in the next window', async () => {
    const store = new MemoryBudgetStore();
    const clock = fakeClock(Date.UTC(2026, 10, 24, 23, 0));
    const client = createClient({
      adapter: scriptedAdapter({ usage: USAGE }),
      clock,
      use: [budget({ limitUsd: 0.001, window: 'day', store, catalog, scope: (ctx) => String(ctx.metadata.tenant) })],
    });
    await client.chat(request, { metadata: { tenant: 'acme' } });
    await client.chat(request, { metadata: { tenant: 'globex' } });
    const err = await client.chat(request, { metadata: { tenant: 'acme' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as BudgetExceededError).message).toBe('budget: scope "acme" has $0.0005 of $0.001 left in window day:2026-11-24; this call may cost up to $0.001');
    expect((err as BudgetExceededError).retryAfterMs).toBe(3_600_000);
    await clock.advanceAsync(3_600_000);
    await expect(client.chat(request, { metadata: { tenant: 'acme' } })).resolves.toBeDefined();
    expect(await store.usage('acme', 'day:2026-11-25')).toEqual({ spentUsd: 0.0005, reservedUsd: 0 });
  });

  it('rejects a model whose cost cannot be bounded, unless unpriced: "allow"', async () => {
    const store = new MemoryBudgetStore();
    const adapter = scriptedAdapter({ usage: USAGE });
    const strict = createClient({ adapter, clock: fakeClock(NOON), use: [budget({ limitUsd: 1, window: 'month', store, catalog })] });
    const err = await strict.chat({ ...request, model: 'mystery' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as Error).message).toBe(`budget: no price for model "mystery" in catalog "flat", so the cost of this call cannot be bounded (add it to a catalog, or set unpriced: 'allow')`);
    expect(adapter.calls).toHaveLength(0);
    const lax = createClient({ adapter, clock: fakeClock(NOON), use: [budget({ limitUsd: 1, window: 'month', store, catalog, unpriced: 'allow' })] });
    await lax.chat({ ...request, model: 'mystery' });
    expect(await store.usage('global', 'month:2026-11')).toEqual({ spentUsd: 0, reservedUsd: 0 });
  });

  it.each([
    [{ limitUsd: -1, window: 'day' }, 'budget: limitUsd must be a non-negative number of USD, got -1'],
    [{ limitUsd: 1, window: 'week' }, `budget: window must be 'day', 'month' or a positive integer of milliseconds, got "week"`],
    [{ limitUsd: 1, window: 1.5 }, `budget: window must be 'day', 'month' or a positive integer of milliseconds, got 1.5`],
    [{ limitUsd: 1, window: 'day', defaultMaxTokens: 0 }, 'budget: defaultMaxTokens must be a positive integer, got 0'],
    [{ limitUsd: 1, window: 'day', unpriced: 'maybe' }, `budget: unpriced must be 'reject' or 'allow', got maybe`],
    [{ limitUsd: 1, window: 'day', scope: 3 }, 'budget: scope must be a string or a function, got 3'],
    [{ limitUsd: Number.NaN, window: 'day' }, 'budget: limitUsd must be a non-negative number of USD, got NaN'],
    [{ limitUsd: Number.POSITIVE_INFINITY, window: 'day' }, 'budget: limitUsd must be a non-negative number of USD, got Infinity'],
    [{ limitUsd: '5', window: 'day' }, 'budget: limitUsd must be a non-negative number of USD, got 5'],
  ])('validates options (%#)', (options, message) => {
    expect(() => budget(options as never)).toThrow(ConfigurationError);
    expect(() => budget(options as never)).toThrow(message);
  });

  it('accepts a zero limit and a one-token default allowance', () => {
    expect(() => budget({ limitUsd: 0, window: 'day', defaultMaxTokens: 1 })).not.toThrow();
  });
});

describe('budget() and reservation ids', () => {
  it('settles each call with the id its reservation returned', async () => {
    const store = new MemoryBudgetStore();
    const seen: Array<{ reserved?: string; settled?: string }> = [];
    const recording = {
      async reserve(...args: Parameters<MemoryBudgetStore['reserve']>) {
        const r = await store.reserve(...args);
        seen.push({ reserved: r.reservationId });
        return r;
      },
      async settle(...args: Parameters<MemoryBudgetStore['settle']>) {
        seen.push({ settled: args[4] });
        return store.settle(...args);
      },
      usage: (scope: string, windowKey: string) => store.usage(scope, windowKey),
    };
    const client = createClient({ adapter: scriptedAdapter({ usage: USAGE }), clock: fakeClock(NOON), use: [budget({ limitUsd: 1, window: 'day', store: recording, catalog })] });
    await client.chat(request);
    expect(seen).toHaveLength(2);
    expect(seen[0]!.reserved).toMatch(/^[\w-]{8,}$/);
    expect(seen[1]).toEqual({ settled: seen[0]!.reserved });
    expect(await store.usage('global', DAY)).toEqual({ spentUsd: 0.0005, reservedUsd: 0 });
  });
});

describe('MemoryBudgetStore and windows', () => {
  it('reserve is all-or-nothing and settle swaps the reservation for the real cost', async () => {
    const store = new MemoryBudgetStore();
    expect(await store.reserve('s', 0.6, 1, DAY)).toEqual({ ok: true, remaining: 0.4, reservationId: expect.any(String) });
    expect(await store.reserve('s', 0.5, 1, DAY)).toEqual({ ok: false, remaining: 0.4 });
    await store.settle('s', 0.6, 0.7, DAY);
    expect(await store.usage('s', DAY)).toEqual({ spentUsd: 0.7, reservedUsd: 0 });
    await store.settle('s', 0.1, 0.1, 'day:2026-11-23'); // an older window: ignored
    expect(await store.usage('s', DAY)).toEqual({ spentUsd: 0.7, reservedUsd: 0 });
    expect(await store.reserve('s', 0.5, 1, 'day:2026-11-25')).toMatchObject({ ok: true, remaining: 0.5 });
  });

  it('settles a reservation id once: a retried settlement counts the spend once', async () => {
    const store = new MemoryBudgetStore();
    const a = await store.reserve('s', 0.4, 1, DAY);
    const b = await store.reserve('s', 0.3, 1, DAY);
    expect(a.reservationId).not.toBe(b.reservationId);
    await store.settle('s', 0.4, 0.25, DAY, a.reservationId);
    await store.settle('s', 0.4, 0.25, DAY, a.reservationId); // the retry of a settlement whose answer was lost
    expect(await store.usage('s', DAY)).toEqual({ spentUsd: 0.25, reservedUsd: 0.3 });
    await store.settle('s', 0.3, 0.1, DAY, 'no-such-reservation');
    await store.settle('s', 0.3, 0.1, 'day:2026-11-23', b.reservationId); // another window: not this reservation
    expect(await store.usage('s', DAY)).toEqual({ spentUsd: 0.25, reservedUsd: 0.3 });
    await store.settle('s', 0.3, 0.1, DAY, b.reservationId);
    expect(await store.usage('s', DAY)).toEqual({ spentUsd: 0.35, reservedUsd: 0 });
  });

  it('drops a reservation never settled with its window', async () => {
    const store = new MemoryBudgetStore();
    const open = await store.reserve('s', 0.4, 1, DAY);
    expect(await store.reserve('s', 0.1, 1, 'day:2026-11-25')).toEqual({ ok: true, remaining: 0.9, reservationId: expect.any(String) });
    await store.settle('s', 0.4, 0.4, DAY, open.reservationId); // its window is over: nothing to settle
    expect(await store.usage('s', 'day:2026-11-25')).toEqual({ spentUsd: 0, reservedUsd: 0.1 });
  });

  it('keeps windows of different kinds apart and forgets the least recently used scope beyond maxScopes', async () => {
    const store = new MemoryBudgetStore({ maxScopes: 2 });
    await store.reserve('a', 1, 10, DAY);
    await store.reserve('a', 2, 10, 'month:2026-11');
    expect(await store.usage('a', DAY)).toEqual({ spentUsd: 0, reservedUsd: 1 });
    await store.reserve('b', 1, 10, DAY);
    expect(await store.usage('a', DAY)).toEqual({ spentUsd: 0, reservedUsd: 0 });
    expect(() => new MemoryBudgetStore({ maxScopes: 0 })).toThrow('MemoryBudgetStore: maxScopes must be a positive integer, got 0');
  });

  it('computes window keys and ends', () => {
    const t = Date.UTC(2026, 10, 24, 15, 30);
    expect([budgetWindowKey('day', t), budgetWindowKey('month', t), budgetWindowKey(3_600_000, t)]).toEqual(['day:2026-11-24', 'month:2026-11', '3600000ms:000000000498759']);
    expect([budgetWindowEnd('day', t), budgetWindowEnd('month', t), budgetWindowEnd(3_600_000, t)]).toEqual([Date.UTC(2026, 10, 25), Date.UTC(2026, 11, 1), Date.UTC(2026, 10, 24, 16)]);
  });
});
