/**
 * `store.redis.cluster` against a real 3-master Redis Cluster: `REDIS_CLUSTER_NODES` when set
 * (CI), else one started here with redis-server and redis-cli from PATH (the helper of
 * `@lifeline/redis`'s cluster suite). Without them they are skipped with one line — or fail under
 * `LIFELINE_REQUIRE_REDIS=1` (CI).
 */
import { randomUUID } from 'node:crypto';
import { startMockProvider } from '@lifeline/testing';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '../config/types.js';
import { createGateway, type Gateway, type GatewayRuntimeOptions } from '../server/create-gateway.js';
import { NO_CLUSTER, type RedisCluster, redisCliBin, startRedisCluster } from '../../../redis/test/redis-cluster.js';
import { freePort, redisServerBin } from '../../../redis/test/redis-server.js';

const given = process.env.REDIS_CLUSTER_NODES;
const possible = Boolean(given) || (redisServerBin() !== undefined && redisCliBin() !== undefined);
if (!possible && process.env.LIFELINE_REQUIRE_REDIS === '1') throw new Error(`store.redis.cluster tests are required (LIFELINE_REQUIRE_REDIS=1): ${NO_CLUSTER}`);
if (!possible) console.warn(`⚠ @lifeline/gateway: store.redis.cluster tests SKIPPED — ${NO_CLUSTER}`);

let cluster: Pick<RedisCluster, 'rootNodes' | 'stop'> | undefined;
beforeAll(async () => {
  if (possible) cluster = given ? { rootNodes: given.split(','), stop: async () => {} } : await startRedisCluster();
}, 60_000);
afterAll(() => cluster?.stop());

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function listening(config: Omit<GatewayConfigInput, 'server'>, runtime: GatewayRuntimeOptions = {}): Promise<{ g: Gateway; url: string }> {
  const g = createGateway({ server: { logLevel: 'silent' }, ...config }, runtime);
  closers.push(() => g.close());
  return { g, url: await g.listen({ port: 0, host: '127.0.0.1' }) };
}

const hi = JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
const chat = (url: string) => fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: hi });

describe.skipIf(!possible)('store.redis.cluster: gateways sharing one Redis Cluster', () => {
  it('share the cache and budgets; /api/health lists the shards and /metrics counts them', async () => {
    const { rootNodes } = cluster!;
    const mock = await startMockProvider({ flavor: 'openai', apiKey: 'k' });
    closers.push(() => mock.close());
    const config = {
      providers: { p: { kind: 'openai' as const, baseURL: mock.url, apiKey: 'k' } },
      routes: [{ model: '*', targets: ['p'] }],
      budgets: { dailyUsd: 100 },
      cache: { ttlMs: 600_000 },
      store: { redis: { cluster: { rootNodes }, prefix: `t-${randomUUID()}` } },
    };
    const lines: string[] = [];
    const [a, b] = await Promise.all([listening(config, { logger: pino({ level: 'info' }, { write: (l: string) => lines.push(l) }) }), listening(config)]);
    const first = await chat(a.url);
    const second = await chat(b.url);
    expect([first.status, first.headers.get('x-lifeline-cache')]).toEqual([200, 'miss']);
    expect([second.status, second.headers.get('x-lifeline-cache')]).toEqual([200, 'hit']);
    expect(mock.requests).toHaveLength(1);
    expect(lines.map((l) => JSON.parse(l).msg)).toContain(`state store: redis cluster at ${rootNodes.join(',')} (prefix "${config.store.redis.prefix}"): the cache, breakers, rate limits and budgets are shared by every gateway using it`);
    const health = (await (await fetch(`${b.url}/api/health`)).json()) as Record<string, any>;
    expect(health.status).toBe('ok');
    expect(health.store).toMatchObject({ kind: 'redis', url: rootNodes.join(','), state: 'ready', cluster: { rootNodes, redirects: 0 } });
    expect(health.store.cluster.shards).toHaveLength(3);
    for (const shard of health.store.cluster.shards) expect(shard).toEqual({ address: expect.stringMatching(/^127\.0\.0\.1:\d+$/), state: 'ready' });
    expect(health.store.stores.budget).toMatchObject({ failures: 0, rejected: 0 });
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toContain('lifeline_redis_cluster_shards{state="ready"} 3');
    expect(metrics).toContain('lifeline_redis_cluster_redirects_total 0');
  });

  it('answers 503 budget_store_unavailable while the cluster is unreachable, never showing a root node password', async () => {
    const password = `pw-${randomUUID()}`;
    const lines: string[] = [];
    const mock = await startMockProvider({ flavor: 'openai', apiKey: 'k' });
    closers.push(() => mock.close());
    const dead = [`redis://:${password}@127.0.0.1:${await freePort()}`, `redis://127.0.0.1:${await freePort()}`];
    const { g } = await listening(
      { providers: { p: { kind: 'openai', baseURL: mock.url, apiKey: 'k' } }, routes: [{ model: '*', targets: ['p'] }], budgets: { dailyUsd: 100 }, store: { redis: { cluster: { rootNodes: dead } } } },
      { logger: pino({ level: 'info' }, { write: (l: string) => lines.push(l) }) },
    );
    const res = await g.app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, payload: hi });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ type: 'service_unavailable', code: 'budget_store_unavailable' });
    const health = (await g.app.inject('/api/health')).json();
    expect([health.status, health.store.state, health.store.url]).toEqual(['degraded', 'connecting', `redis://:***@${dead[0]!.split('@')[1]},${dead[1]}`]);
    const metrics = (await g.app.inject('/metrics')).body;
    for (const text of [lines.join('\n'), JSON.stringify(health), metrics, res.body]) expect(text).not.toContain(password);
  });
});
