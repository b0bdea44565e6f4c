import { afterAll, describe, expect, it } from 'vitest';
import { BudgetExceededError, createClient, type ChatRequest } from '@lifeline/core';
import { budget, createCatalog, MemoryBudgetStore } from '@lifeline/pricing';
import { RedisConnection } from './connection.js';
import { RedisBudgetStore } from './budget-store.js';
import { BudgetUnavailableError } from './errors.js';
import { fakeAdapter } from '../test/fake-adapter.js';
import { freePort, startRedisServer } from '../test/redis-server.js';
import { redisUrl, uniquePrefix } from '../test/helpers.js';

const connections: RedisConnection[] = [];
async function store(prefix: string, options: Partial<ConstructorParameters<typeof RedisBudgetStore>[0]> = {}): Promise<RedisBudgetStore> {
  const connection = new RedisConnection({ url: redisUrl(), timeoutMs: 2000 });
  connections.push(connection);
  expect(await connection.ready()).toBe(true);
  return new RedisBudgetStore({ connection, prefix, ...options });
}
afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
});

const catalog = createCatalog({ name: 'test', source: 'test prices', effectiveDate: '2026-01-01', models: { 'test-model': { inputPerMTok: 1, outputPerMTok: 10 } } });

describe('RedisBudgetStore', () => {
  it('reserves, refuses, settles and reports exactly like MemoryBudgetStore (each step awaited, as budget() does)', async () => {
    const redis = await store(uniquePrefix('budget-parity'));
    const memory = new MemoryBudgetStore();
    const w = 'day:2026-11-24';
    const steps: Array<(s: RedisBudgetStore | MemoryBudgetStore) => Promise<unknown>> = [
      (s) => s.reserve('acme', 0.4, 1, w),
      (s) => s.reserve('acme', 0.4, 1, w),
      (s) => s.reserve('acme', 0.3, 1, w), // 0.4 + 0.4 + 0.3 > 1: refused
      (s) => s.settle('acme', 0.4, 0.1, w),
      (s) => s.reserve('acme', 0.3, 1, w),
      (s) => s.settle('acme', 0.4, 0.55, w), // actual above the reservation
      (s) => s.usage('acme', w),
      (s) => s.settle('acme', 0.3, 0.2, 'day:2026-11-23'), // a window that holds nothing: no-op
      (s) => s.usage('acme', 'day:2026-11-23'),
      (s) => s.usage('other', w),
    ];
    // Reservation ids differ (each store names its own): compare that both name one.
    const named = (r: unknown) => (r !== null && typeof r === 'object' && 'reservationId' in r ? { ...r, reservationId: typeof r.reservationId } : r);
    for (const [i, step] of steps.entries()) expect(named(await step(redis)), `step ${i}`).toEqual(named(await step(memory)));
    expect(await redis.usage('acme', w)).toEqual({ spentUsd: 0.65, reservedUsd: 0.3 });
  });

  it('a settle this process does not wait for is seen by its next reserve, even on a Redis that does not know the script yet', async () => {
    const server = await startRedisServer(); // a fresh server: no script loaded (the shared one may know them all)
    const connection = new RedisConnection({ url: server.url, timeoutMs: 2000 });
    try {
      expect(await connection.ready()).toBe(true);
      const s = new RedisBudgetStore({ connection, prefix: uniquePrefix('budget-order') });
      const w = 'day:2026-11-24';
      const first = await s.reserve('acme', 0.4, 1, w);
      expect(first).toMatchObject({ ok: true, remaining: 0.6 });
      expect(await s.reserve('acme', 0.4, 1, w)).toMatchObject({ ok: true, remaining: 0.2 });
      const settled = s.settle('acme', 0.4, 0.1, w, first.reservationId); // write-behind: not awaited
      expect(await s.reserve('acme', 0.3, 1, w)).toMatchObject({ ok: true, remaining: 0.2 }); // 1 - 0.1 spent - 0.4 - 0.3
      await settled;
      expect(await s.usage('acme', w)).toEqual({ spentUsd: 0.1, reservedUsd: 0.7 });
    } finally {
      await connection.close();
      await server.stop();
    }
  });

  it('settles a reservation id once: a settlement sent twice counts the spend once', async () => {
    const s = await store(uniquePrefix('budget-idempotent'));
    const w = 'day:2026-11-24';
    const a = await s.reserve('acme', 0.4, 1, w);
    const b = await s.reserve('acme', 0.3, 1, w);
    expect(a.reservationId).toMatch(/^[\w-]{16}$/);
    expect(b.reservationId).not.toBe(a.reservationId);
    await s.settle('acme', 0.4, 0.25, w, a.reservationId);
    await s.settle('acme', 0.4, 0.25, w, a.reservationId);
    await s.settle('acme', 0.3, 0.1, w, 'not-a-reservation');
    expect(await s.usage('acme', w)).toEqual({ spentUsd: 0.25, reservedUsd: 0.3 });
    await s.settle('acme', 0.3, 0.1, w, b.reservationId);
    expect(await s.usage('acme', w)).toEqual({ spentUsd: 0.35, reservedUsd: 0 });
    expect(await s.connection.call('budget', 'test', ['HKEYS', s.keys.budget('acme', w)])).toEqual(['spent', 'reserved']); // no reservation left open
  });

  it('on a single Redis, counts what processes of the previous release recorded (rolling upgrade)', async () => {
    const s = await store(uniquePrefix('budget-legacy'));
    const w = 'day:2026-11-24';
    // A process of the previous release reserved $0.30 and spent $0.50 under the v1 key.
    await s.connection.call('budget', 'test', ['HSET', s.keys.legacyBudget('acme', w), 'spent', '500000000', 'reserved', '300000000']);
    expect(await s.reserve('acme', 0.3, 1, w)).toEqual({ ok: false, remaining: 0.2 });
    expect(await s.reserve('acme', 0.2, 1, w)).toMatchObject({ ok: true, remaining: 0 });
    expect(await s.usage('acme', w)).toEqual({ spentUsd: 0.5, reservedUsd: 0.5 });
  });

  it('settle() resolves once Redis has applied the settlement', async () => {
    const s = await store(uniquePrefix('budget-settled'));
    const w = 'day:2026-11-24';
    await s.reserve('acme', 0.5, 1, w);
    const answered = s.redisStats().redis;
    await s.settle('acme', 0.5, 0.2, w);
    expect(s.redisStats()).toMatchObject({ redis: answered + 1, failures: 0, deferredSettles: 0, lostSettles: 0 });
  });

  it('keeps a window until it ends plus graceMs, under a key that names no scope', async () => {
    const s = await store(uniquePrefix('budget-ttl'), { graceMs: 60_000 });
    const now = Date.now();
    const windowMs = 3_600_000;
    const windowKey = `${windowMs}ms:${String(Math.floor(now / windowMs)).padStart(15, '0')}`;
    const { reservationId } = await s.reserve('tenant-secret', 0.01, 1, windowKey); // never settled
    const key = s.keys.budget('tenant-secret', windowKey);
    expect(key).not.toContain('tenant-secret');
    // The open reservation lives in the window's hash: it expires with the window.
    expect(await s.connection.call('budget', 'test', ['HGET', key, `r:${reservationId}`])).toBe('10000000');
    const ttl = await s.connection.call<number>('budget', 'test', ['PTTL', key]);
    const expected = (Math.floor(now / windowMs) + 1) * windowMs - now + 60_000;
    expect(ttl).toBeLessThanOrEqual(expected);
    expect(ttl).toBeGreaterThan(expected - 5_000);
  });

  it('200 concurrent reservations across 4 processes never pass $1.00', async () => {
    const prefix = uniquePrefix('budget-race');
    const stores = await Promise.all([0, 1, 2, 3].map(() => store(prefix)));
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => stores[i % 4]!.reserve('global', 0.013, 1, 'day:2026-11-24')));
    expect(results.filter((r) => r.ok)).toHaveLength(76); // floor(1 / 0.013)
    const usage = await stores[0]!.usage('global', 'day:2026-11-24');
    expect(usage.reservedUsd).toBeCloseTo(0.988, 9);
    expect(usage.spentUsd + usage.reservedUsd).toBeLessThanOrEqual(1);
  });

  it('a $1.00 budget is never overrun by 200 concurrent calls through budget() in 4 processes', async () => {
    const prefix = uniquePrefix('budget-mw');
    const adapter = fakeAdapter({ delayMs: 20, usage: { prompt_tokens: 10, completion_tokens: 900 } });
    const stores = await Promise.all([0, 1, 2, 3].map(() => store(prefix)));
    const clients = stores.map((s) => createClient({ adapter, use: [budget({ limitUsd: 1, window: 'day', store: s, catalog })] }));
    const request: ChatRequest = { model: 'test-model', messages: [{ role: 'user', content: 'hello' }], max_tokens: 1000 };
    const outcomes = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => clients[i % 4]!.chat(request)));
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(BudgetExceededError);
      expect((r.reason as Error).message).toMatch(/^budget: scope "global" has \$[\d.]+ of \$1\.00 left in window day:\d{4}-\d{2}-\d{2}; this call may cost up to \$0\.01/);
    }
    const answered = outcomes.length - refused.length;
    expect(adapter.calls).toBe(answered);
    await Promise.all(stores.map((s) => s.flush())); // in case the middleware did not wait for its settlements
    const windowKey = `day:${new Date().toISOString().slice(0, 10)}`;
    const usage = await stores[0]!.usage('global', windowKey);
    expect(usage.reservedUsd).toBe(0); // every reservation settled
    expect(usage.spentUsd).toBeCloseTo(answered * 0.00901, 9);
    expect(usage.spentUsd).toBeLessThanOrEqual(1);
  });

  it('fails closed with BudgetUnavailableError when Redis cannot be reached', async () => {
    const connection = new RedisConnection({ url: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 200 });
    connections.push(connection);
    const s = new RedisBudgetStore({ connection });
    const error = await s.reserve('acme', 0.01, 1, 'day:2026-11-24').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetUnavailableError);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({ scope: 'acme', retryable: true, retryAfterMs: 1000, code: 'budget_exceeded' });
    expect((error as Error).message).toBe(
      'budget: the budget store cannot reach Redis (Redis is unavailable (not connected, or failed within retryAfterMs)), so the spend of scope "acme" cannot be checked; the call is refused rather than risk passing the limit (failMode \'closed\')',
    );
    expect(s.redisStats()).toMatchObject({ rejected: 1, redis: 0 });
    expect(new BudgetExceededError('plain')).not.toBeInstanceOf(BudgetUnavailableError);
  });

  it("with failMode 'open' reserves against a process-local budget and settles there", async () => {
    const connection = new RedisConnection({ url: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 200 });
    connections.push(connection);
    const s = new RedisBudgetStore({ connection, failMode: 'open' });
    const local = await s.reserve('acme', 0.6, 1, 'day:2026-11-24');
    expect(local).toEqual({ ok: true, remaining: 0.4, reservationId: expect.stringMatching(/^local:/) });
    expect(await s.reserve('acme', 0.6, 1, 'day:2026-11-24')).toEqual({ ok: false, remaining: 0.4 });
    await s.settle('acme', 0.6, 0.5, 'day:2026-11-24', local.reservationId);
    await s.settle('acme', 0.6, 0.5, 'day:2026-11-24', local.reservationId); // settled once
    expect(await s.fallback.usage('acme', 'day:2026-11-24')).toEqual({ spentUsd: 0.5, reservedUsd: 0 });
    expect(s.redisStats()).toMatchObject({ fallbacks: 2, rejected: 0, deferredSettles: 0 });
  });
});
