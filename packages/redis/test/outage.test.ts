/**
 * Redis slow or down, on a redis-server of this file's own (so killing it affects no other test):
 * fail-open stores keep answering from process-local state, budgets fail closed with a clear
 * error, no request waits on Redis longer than the per-call timeout, and everything goes back
 * to Redis once it is up again.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ChatRequest } from '@lifeline/core';
import { cache } from '@lifeline/cache';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { budget, createCatalog } from '@lifeline/pricing';
import { rateLimit } from '@lifeline/rate-limit';
import { BudgetUnavailableError, createRedisStores, REDIS_CHANNEL, RedisConnection, type RedisEvent, type RedisStores } from '../src/index.js';
import { fakeAdapter } from './fake-adapter.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { until, uniquePrefix } from './helpers.js';

const catalog = createCatalog({ name: 'test', source: 'test prices', effectiveDate: '2026-01-01', models: { 'test-model': { inputPerMTok: 1, outputPerMTok: 10 } } });
let server: RedisServer;
let stores: RedisStores;
const events: RedisEvent[] = [];
const onEvent = (e: unknown) => events.push(e as RedisEvent);

beforeAll(async () => {
  server = await startRedisServer();
  stores = createRedisStores({ url: server.url, prefix: uniquePrefix('outage'), timeoutMs: 50, retryAfterMs: 200 });
  expect(await stores.ready()).toBe(true);
  subscribe(REDIS_CHANNEL, onEvent);
});
afterAll(async () => {
  unsubscribe(REDIS_CHANNEL, onEvent);
  await stores?.close();
  await server?.stop();
});

function pipeline() {
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
    const { answers, budgeted } = pipeline();
    for (let i = 0; i < 5; i++) await answers.chat(ask(i));
    expect((await budgeted.chat(ask(100))).response.choices).toHaveLength(1);
    await stores.flush(); // let the write-behind settlement land before the crash
    const before = stores.stats();
    expect(before.connection.state).toBe('ready');

    await server.kill();
    const during = await Promise.all(Array.from({ length: 20 }, (_, i) => timed(answers.chat(ask(1000 + i)))));
    for (const r of during) expect(r.error).toBeUndefined();
    expect(Math.max(...during.map((r) => r.ms))).toBeLessThan(1000); // nobody hangs on the dead Redis
    const refused = await timed(budgeted.chat(ask(101)));
    expect(refused.error).toBeInstanceOf(BudgetUnavailableError);
    expect((refused.error as Error).message).toMatch(/^budget: the budget store cannot reach Redis \(.+\), so the spend of scope "global" cannot be checked; the call is refused rather than risk passing the limit \(failMode 'closed'\)$/);
    expect(refused.ms).toBeLessThan(1000);
    const down = stores.stats();
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
    const { answers } = pipeline();
    await answers.chat(ask(3000));
    const admin = new RedisConnection({ url: server.url, timeoutMs: 1000 });
    expect(await admin.ready()).toBe(true);
    const timeouts = stores.stats().connection.timeouts;
    await admin.call('connection', 'pause', ['CLIENT', 'PAUSE', '600', 'ALL']);
    const slow = await Promise.all(Array.from({ length: 10 }, (_, i) => timed(answers.chat(ask(3100 + i)))));
    for (const r of slow) expect(r.error).toBeUndefined();
    expect(Math.max(...slow.map((r) => r.ms))).toBeLessThan(400); // well under the 600 ms pause
    expect(stores.stats().connection.timeouts).toBeGreaterThan(timeouts);
    await admin.close();
    await until('Redis answering again', async () => (await answers.chat(ask(3200)), stores.stats().connection.state === 'ready' && stores.connection.available), 5_000);
  });

  it('a budget settlement that cannot be sent is retried until Redis answers, and never lost', async () => {
    const windowKey = 'day:2026-11-24';
    const lost = stores.budget.redisStats().lostSettles;
    expect(await stores.budget.reserve('tenant-a', 0.5, 1, windowKey)).toEqual({ ok: true, remaining: 0.5 });
    // Block this process's connection for 100 ms: the call times out after 50 ms and Redis is skipped for retryAfterMs (200 ms).
    await expect(stores.connection.call('budget', 'test', ['BLPOP', `${uniquePrefix('nothing')}`, '0.1'])).rejects.toThrow('Redis did not answer test within 50 ms');
    await stores.budget.settle('tenant-a', 0.5, 0.2, windowKey); // not sent: queued; the call it belongs to is not failed
    await stores.budget.flush();
    expect(stores.budget.redisStats()).toMatchObject({ deferredSettles: 1, lostSettles: lost });
    await until('the deferred settlement', () => stores.budget.redisStats().deferredSettles === 0, 5_000);
    expect(await stores.budget.usage('tenant-a', windowKey)).toEqual({ spentUsd: 0.2, reservedUsd: 0 });
    expect(stores.budget.redisStats().lostSettles).toBe(lost);
  });
});
