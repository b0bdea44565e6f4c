/**
 * Redis slow or down, on a redis-server of this file's own (so killing it affects no other test):
 * fail-open stores keep answering from process-local state, budgets fail closed with a clear
 * error, no request waits on Redis longer than the per-call timeout, and everything goes back
 * to Redis once it is up again. Only the test whose subject is the timeout uses a short one;
 * the others give Redis 5 s per call, so a loaded machine cannot turn their setup into a timeout.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ChatRequest } from '@lifeline/core';
import { cache } from '@lifeline/cache';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { budget, createCatalog } from '@lifeline/pricing';
import { rateLimit } from '@lifeline/rate-limit';
import { BudgetUnavailableError, createRedisStores, REDIS_CHANNEL, RedisConnection, type RedisEvent, type RedisStores, type RedisStoresOptions } from '../src/index.js';
import { fakeAdapter } from './fake-adapter.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { until, uniquePrefix, within } from './helpers.js';

const catalog = createCatalog({ name: 'test', source: 'test prices', effectiveDate: '2026-01-01', models: { 'test-model': { inputPerMTok: 1, outputPerMTok: 10 } } });
let server: RedisServer;
const opened: Array<{ close(): Promise<void> }> = [];
const events: RedisEvent[] = [];
const onEvent = (e: unknown) => events.push(e as RedisEvent);

beforeAll(async () => {
  server = await startRedisServer();
  subscribe(REDIS_CHANNEL, onEvent);
});
afterAll(async () => {
  unsubscribe(REDIS_CHANNEL, onEvent);
  for (const o of opened) await o.close();
  await server?.stop();
});

/** Timeouts for steps whose subject is not the timeout: generous, so a loaded machine never trips them. */
const PATIENT = { timeoutMs: 5000, retryAfterMs: 200 } as const;

async function open(options: Omit<RedisStoresOptions, 'url' | 'prefix'>): Promise<RedisStores> {
  const stores = createRedisStores({ url: server.url, prefix: uniquePrefix('outage'), ...options });
  opened.push(stores);
  expect(await stores.ready()).toBe(true);
  return stores;
}

async function admin(): Promise<RedisConnection> {
  const connection = new RedisConnection({ url: server.url, timeoutMs: 2000 });
  opened.push(connection);
  expect(await connection.ready()).toBe(true);
  return connection;
}

function pipeline(stores: RedisStores) {
  const adapter = fakeAdapter({ name: 'primary' });
  const answers = createClient({
    adapter,
    use: [stores.singleFlight, cache({ ttlMs: 60_000, store: stores.cache }), rateLimit({ rpm: 100_000, store: stores.rateLimit }), circuitBreaker({ store: stores.breaker })],
  });
  const budgeted = createClient({ adapter, use: [budget({ limitUsd: 100, window: 'day', store: stores.budget, catalog })] });
  return { adapter, answers, budgeted };
}
const ask = (i: number): ChatRequest => ({ model: 'test-model', messages: [{ role: 'user', content: `question ${i}` }], max_tokens: 100 });

async function timed<T>(work: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const start = performance.now();
  try {
    return { value: await work, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}

describe('when Redis is killed mid-run', () => {
  it('fail-open stores keep answering, budgets fail closed with a clear error, and all recovers when Redis is back', async () => {
    const stores = await open(PATIENT);
    const { answers, budgeted } = pipeline(stores);
    for (let i = 0; i < 5; i++) await answers.chat(ask(i));
    expect((await budgeted.chat(ask(100))).response.choices).toHaveLength(1);
    await stores.flush(); // let write-behind steps land before the crash
    const before = stores.stats();
    expect(before.connection.state).toBe('ready');
    expect(before.rateLimit).toMatchObject({ failures: 0, fallbacks: 0 });

    await server.kill();
    const during = await Promise.all(Array.from({ length: 20 }, (_, i) => timed(answers.chat(ask(1000 + i)))));
    for (const r of during) expect(r.error).toBeUndefined();
    // Calls on a dead connection fail at once, nobody waits for a timeout (the counter below says
    // so exactly); the bound, half of timeoutMs, is a safety net for any other wait.
    expect(Math.max(...during.map((r) => r.ms))).toBeLessThan(PATIENT.timeoutMs / 2);
    const refused = await timed(budgeted.chat(ask(101)));
    expect(refused.error).toBeInstanceOf(BudgetUnavailableError);
    expect((refused.error as Error).message).toMatch(/^budget: the budget store cannot reach Redis \(.+\), so the spend of scope "global" cannot be checked; the call is refused rather than risk passing the limit \(failMode 'closed'\)$/);
    expect(refused.ms).toBeLessThan(PATIENT.timeoutMs / 2);
    const down = stores.stats();
    expect(down.connection.timeouts).toBe(0);
    expect(down.cache.fallbacks).toBeGreaterThan(before.cache.fallbacks);
    expect(down.rateLimit.fallbacks).toBeGreaterThan(0);
    expect(down.breaker.fallbacks).toBeGreaterThan(0);
    expect(down.budget.rejected).toBe(1);
    expect(events.some((e) => e.type === 'unavailable')).toBe(true);
    expect(events.some((e) => e.type === 'fallback' && e.store === 'rateLimit')).toBe(true);
    expect(events.some((e) => e.type === 'rejected' && e.store === 'budget')).toBe(true);

    await server.start();
    await until('reconnection', () => stores.connection.available, 10_000);
    expect((await budgeted.chat(ask(102))).response.choices).toHaveLength(1);
    const redisCallsBefore = stores.stats().rateLimit.redis;
    await answers.chat(ask(2000));
    expect(stores.stats().rateLimit.redis).toBe(redisCallsBefore + 1); // the take went to Redis again
    expect(stores.stats().connection).toMatchObject({ state: 'ready' });
    expect(stores.stats().connection.reconnects).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'recovered')).toBe(true);
  }, 30_000);
});

describe('when Redis is slow', () => {
  it('a call waits at most timeoutMs, then the fallback answers; Redis is skipped for retryAfterMs', async () => {
    // Redis is frozen (SIGSTOP) until the calls are answered: none of them can have waited for it,
    // however slowly this machine runs them.
    const stores = await open({ timeoutMs: 250, retryAfterMs: 2000 });
    const { answers } = pipeline(stores);
    // cache() writes an answer after returning it: the warm-up's write must land before the freeze.
    const writes: Array<Promise<void>> = [];
    const set = stores.cache.set.bind(stores.cache);
    stores.cache.set = (...args) => {
      const write = set(...args);
      writes.push(write);
      return write;
    };
    await answers.chat(ask(3000));
    await Promise.all(writes);
    await until('Redis available (after any slow warm-up call)', () => stores.connection.available, 10_000);
    const before = stores.stats();
    server.freeze();
    const slow = await within('the calls, while Redis is frozen', Promise.allSettled(Array.from({ length: 10 }, (_, i) => answers.chat(ask(3100 + i))))).finally(() => server.thaw());
    expect(slow).toEqual(Array(10).fill(expect.objectContaining({ status: 'fulfilled' })));
    const after = stores.stats();
    const timeouts = after.connection.timeouts - before.connection.timeouts;
    expect(timeouts).toBeGreaterThan(0);
    expect(timeouts).toBeLessThanOrEqual(10); // at most each call's first step (the cache read) waited for Redis
    // Every later step was sent straight to its fallback: none timed out, all fell back.
    expect(after.rateLimit.timeouts - before.rateLimit.timeouts).toBe(0);
    expect(after.rateLimit.fallbacks - before.rateLimit.fallbacks).toBe(10);
    await until('Redis answering again', async () => (await answers.chat(ask(3200)), stores.stats().connection.state === 'ready' && stores.connection.available), 10_000);
  }, 20_000);
});

describe('when a budget settlement cannot be sent', () => {
  it('it is queued, retried until Redis answers, and never lost', async () => {
    const stores = await open(PATIENT);
    const windowKey = 'day:2026-11-24';
    expect(await stores.budget.reserve('tenant-a', 0.5, 1, windowKey)).toMatchObject({ ok: true, remaining: 0.5 });
    const id = await stores.connection.call<number>('connection', 'test', ['CLIENT', 'ID']);
    // Settle at the instant the connection is found dropped, before node-redis can reconnect.
    const dropped = new Promise<{ available: boolean; settled: Promise<void> }>((resolve) => {
      const client = stores.connection.client;
      const onDrop = () => {
        client.off('reconnecting', onDrop);
        resolve({ available: stores.connection.available, settled: stores.budget.settle('tenant-a', 0.5, 0.2, windowKey) });
      };
      client.on('reconnecting', onDrop);
    });
    await (await admin()).call('connection', 'kill', ['CLIENT', 'KILL', 'ID', String(id)]);
    const { available, settled } = await dropped;
    expect(available).toBe(false);
    await settled; // resolves once queued: the call it belongs to is never failed
    expect(stores.budget.redisStats()).toMatchObject({ deferredSettles: 1, lostSettles: 0 });
    expect(events.some((e) => e.type === 'settle-deferred' && e.store === 'budget')).toBe(true);
    await until('the deferred settlement', () => stores.budget.redisStats().deferredSettles === 0, 10_000);
    expect(await stores.budget.usage('tenant-a', windowKey)).toEqual({ spentUsd: 0.2, reservedUsd: 0 });
    expect(stores.budget.redisStats()).toMatchObject({ deferredSettles: 0, lostSettles: 0 });
  });
});
