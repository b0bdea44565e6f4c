/**
 * What only a Redis Cluster can show (the `redis-cluster` suite): every store's scripts run
 * without CROSSSLOT and their keys spread over the shards; redirections (`ASK` while a slot
 * migrates, `MOVED` after) are followed and counted; and a shard killed mid-run is survived like
 * a single Redis killed today — its keys fall back (budgets on it fail closed), the other shards
 * keep answering from Redis, and all recovers when it is back. Tests that change the topology
 * get a cluster of their own.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ChatRequest } from '@lifeline/core';
import { cache } from '@lifeline/cache';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { budget, createCatalog } from '@lifeline/pricing';
import { rateLimit } from '@lifeline/rate-limit';
import { BudgetUnavailableError, createRedisStores, hashSlot, REDIS_CHANNEL, type RedisEvent, type RedisStores, type RedisStoresOptions } from '../src/index.js';
import type { RedisClusterLike } from '../src/connection-options.js';
import { fakeAdapter } from './fake-adapter.js';
import { redisTarget, uniquePrefix, until } from './helpers.js';
import { type RedisCluster, startRedisCluster } from './redis-cluster.js';

const catalog = createCatalog({ name: 'test', source: 'test prices', effectiveDate: '2026-01-01', models: { 'test-model': { inputPerMTok: 1, outputPerMTok: 10 } } });
const ask = (i: number): ChatRequest => ({ model: 'test-model', messages: [{ role: 'user', content: `question ${i}` }], max_tokens: 100 });
const PATIENT = { timeoutMs: 5000, retryAfterMs: 200 } as const;
const WINDOW = `day:${new Date().toISOString().slice(0, 10)}`;
const opened: Array<{ close(): Promise<unknown> }> = [];
const events: RedisEvent[] = [];
const onEvent = (e: unknown) => events.push(e as RedisEvent);
let own: RedisCluster | undefined;

beforeAll(() => subscribe(REDIS_CHANNEL, onEvent));
afterAll(async () => {
  unsubscribe(REDIS_CHANNEL, onEvent);
  for (const o of opened.splice(0)) await o.close();
  await own?.stop();
});

async function open(options: Omit<RedisStoresOptions, 'prefix'>): Promise<RedisStores> {
  const stores = createRedisStores({ prefix: uniquePrefix('cluster'), ...PATIENT, ...options });
  opened.push(stores);
  expect(await stores.ready(10_000)).toBe(true);
  return stores;
}

/** Per tenant: a cached, rate-limited, breaker-guarded call, and a budgeted one. */
function pipeline(stores: RedisStores) {
  const adapter = fakeAdapter({ name: 'primary' });
  const tenant = (ctx: { metadata: Record<string, unknown> }) => String(ctx.metadata.tenant ?? 'global');
  const answers = createClient({ adapter, use: [stores.singleFlight, cache({ ttlMs: 60_000, store: stores.cache }), rateLimit({ rpm: 100_000, store: stores.rateLimit }), circuitBreaker({ store: stores.breaker })] });
  const budgeted = createClient({ adapter, use: [budget({ limitUsd: 100, window: 'day', store: stores.budget, catalog, scope: tenant })] });
  return { answers, budgeted, spend: (tenantName: string, i: number) => budgeted.chat(ask(i), { metadata: { tenant: tenantName } }) };
}

/** The `host:port` of the master serving `key`, as the client sees it. */
const shardOf = (stores: RedisStores, key: string) => (stores.connection.client as RedisClusterLike).slots[hashSlot(key)]!.master.address;

describe('the stores on a Redis Cluster', () => {
  it('run every script without CROSSSLOT, and spread their keys over the shards', async () => {
    const stores = await open(redisTarget());
    expect(stores.connection.cluster).toBe(true);
    const { answers, spend } = pipeline(stores);
    for (let i = 0; i < 12; i++) await answers.chat(ask(i));
    for (let i = 0; i < 12; i++) await spend(`tenant-${i}`, i);
    await stores.flush();
    const s = stores.stats();
    for (const store of ['cache', 'breaker', 'rateLimit', 'budget'] as const) expect(s[store], store).toMatchObject({ failures: 0, fallbacks: 0, rejected: 0 });
    expect(s.connection.cluster!.shards.map((shard) => shard.state)).toEqual(['ready', 'ready', 'ready']);
    // 12 tenants' budgets land on more than one shard.
    const shards = new Set(Array.from({ length: 12 }, (_, i) => shardOf(stores, stores.budget.keys.budget(`tenant-${i}`, WINDOW))));
    expect(shards.size).toBeGreaterThan(1);
    const usage = await stores.budget.usage('tenant-3', WINDOW);
    expect(usage.reservedUsd).toBe(0);
    expect(usage.spentUsd).toBeGreaterThan(0);
  });

  it("keep each shard's commands in order: a settlement not awaited is seen by this process's next reservation", async () => {
    const stores = await open(redisTarget());
    const w = 'day:2026-11-24';
    const first = await stores.budget.reserve('ordered', 0.4, 1, w);
    expect(await stores.budget.reserve('ordered', 0.4, 1, w)).toMatchObject({ ok: true, remaining: 0.2 });
    const settled = stores.budget.settle('ordered', 0.4, 0.1, w, first.reservationId); // write-behind
    expect(await stores.budget.reserve('ordered', 0.3, 1, w)).toMatchObject({ ok: true, remaining: 0.2 });
    await settled;
    expect(await stores.budget.usage('ordered', w)).toEqual({ spentUsd: 0.1, reservedUsd: 0.7 });
  });
});

describe('a cluster whose topology changes', () => {
  beforeAll(async () => {
    own = await startRedisCluster();
  }, 60_000);

  it('follows ASK while a slot migrates and MOVED after, counting the redirections; no spend is lost', async () => {
    const stores = await open({ cluster: { rootNodes: own!.rootNodes } });
    const { spend } = pipeline(stores);
    await spend('moving', 1);
    const one = (await stores.budget.usage('moving', WINDOW)).spentUsd;
    expect(one).toBeGreaterThan(0);
    const key = stores.budget.keys.budget('moving', WINDOW);
    const slot = String(hashSlot(key));
    const from = own!.nodes.find((n) => n.address === shardOf(stores, key))!;
    const to = own!.nodes.find((n) => n !== from)!;
    const [fromId, toId] = await Promise.all([from.cli('CLUSTER', 'MYID'), to.cli('CLUSTER', 'MYID')]).then((ids) => ids.map((id) => id.trim()));
    await to.cli('CLUSTER', 'SETSLOT', slot, 'IMPORTING', fromId!);
    await from.cli('CLUSTER', 'SETSLOT', slot, 'MIGRATING', toId!);
    // A window the source does not hold: ASK sends it to the target.
    expect(await stores.budget.reserve('moving', 0.01, 1, 'day:2000-01-01')).toMatchObject({ ok: true });
    await from.cli('MIGRATE', '127.0.0.1', String(to.port), '', '0', '5000', 'KEYS', key);
    for (const node of own!.nodes) await node.cli('CLUSTER', 'SETSLOT', slot, 'NODE', toId!);
    await spend('moving', 2); // MOVED: the client learns the new owner
    expect(shardOf(stores, key)).toBe(to.address);
    const s = stores.stats();
    expect(s.connection.cluster!.redirects).toBeGreaterThanOrEqual(2);
    expect(s.budget).toMatchObject({ failures: 0, rejected: 0 });
    const usage = await stores.budget.usage('moving', WINDOW);
    expect(usage.reservedUsd).toBe(0);
    expect(usage.spentUsd).toBeCloseTo(2 * one, 12); // the migrated hash kept the first call; the second added once
  });

  it('survives a shard killed mid-run: its keys fall back (its budgets fail closed), the others keep using Redis, all recovers', async () => {
    const stores = await open({ cluster: { rootNodes: own!.rootNodes } });
    const { answers, spend } = pipeline(stores);
    for (let i = 0; i < 5; i++) await answers.chat(ask(i));
    // Two tenants whose budgets live on different shards: one will die, one will not.
    const tenants = Array.from({ length: 30 }, (_, i) => `t${i}`);
    const shard = (t: string) => shardOf(stores, stores.budget.keys.budget(t, WINDOW));
    const doomed = tenants[0]!;
    const spared = tenants.find((t) => shard(t) !== shard(doomed))!;
    const victim = own!.nodes.find((n) => n.address === shard(doomed))!;
    await spend(doomed, 1);
    await spend(spared, 1);
    await stores.flush();

    await victim.kill();
    const during = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const start = performance.now();
      await answers.chat(ask(1000 + i));
      return performance.now() - start;
    }));
    // Calls to the dead shard fail at once: nobody waits for a timeout (connection.timeouts is 0 below);
    // the bound, half of timeoutMs, is a safety net for any other wait.
    expect(Math.max(...during)).toBeLessThan(PATIENT.timeoutMs / 2);
    const refused = await spend(doomed, 2).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BudgetUnavailableError);
    expect((refused as Error).message).toMatch(new RegExp(`^budget: the budget store cannot reach Redis \\(.*${victim.address.replace(/\./g, '\\.')}.*\\), so the spend of scope "${doomed}" cannot be checked`));
    expect((await spend(spared, 2)).response.choices).toHaveLength(1); // another shard: still Redis
    const down = stores.stats();
    expect(down.connection.state).toBe('unavailable');
    expect(down.connection.cluster!.shards.find((s) => s.address === victim.address)!.state).not.toBe('ready');
    expect(down.connection.cluster!.shards.filter((s) => s.state === 'ready')).toHaveLength(2);
    expect(down.budget.rejected).toBe(1);
    expect(down.cache.fallbacks + down.rateLimit.fallbacks + down.breaker.fallbacks).toBeGreaterThan(0);
    expect(down.connection.timeouts).toBe(0);
    expect(events.some((e) => e.type === 'unavailable' && e.message.includes(victim.address))).toBe(true);

    await victim.start();
    await until('the shard answering again', async () => (await spend(doomed, 3).then(() => true, () => false)), 20_000);
    await until('every shard ready', () => stores.stats().connection.state === 'ready', 10_000);
    expect(events.some((e) => e.type === 'recovered' && e.message.includes(victim.address))).toBe(true);
    expect(await stores.budget.usage(spared, WINDOW)).toMatchObject({ reservedUsd: 0 });
    expect(stores.stats().connection.cluster!.shards.map((s) => s.state)).toEqual(['ready', 'ready', 'ready']);
  }, 60_000);
});
