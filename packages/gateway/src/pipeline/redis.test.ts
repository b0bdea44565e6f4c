/**
 * `store.redis` against a real Redis: `REDIS_URL` when set, else a redis-server (or valkey-server)
 * started here from PATH on a free port. With neither, the whole file is skipped with a line that
 * says how to run it (`LIFELINE_REQUIRE_REDIS=1`, as in CI, fails instead): see test-support/redis-suites.ts.
 */
import { randomUUID } from 'node:crypto';
import { RedisConnection } from '@lifeline/redis';
import { startMockProvider } from '@lifeline/testing';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '../config/types.js';
import { redactRedisUrl } from '../config/validate-store.js';
import { freePort, redisForTests } from '../../test/redis-server.js';
import { createGateway, type Gateway, type GatewayRuntimeOptions } from '../server/create-gateway.js';

let redis: { url: string; stop(): void };
beforeAll(async () => {
  redis = await redisForTests();
});
afterAll(() => redis?.stop());

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const hi = (content = 'hi') => JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content }] });

async function gateway(config: Omit<GatewayConfigInput, 'server'>, runtime: GatewayRuntimeOptions = {}): Promise<Gateway> {
  const g = createGateway({ server: { logLevel: 'silent' }, ...config }, runtime);
  closers.push(() => g.close());
  return g;
}

async function listening(config: Omit<GatewayConfigInput, 'server'>): Promise<{ g: Gateway; url: string }> {
  const g = await gateway(config);
  return { g, url: await g.listen({ port: 0, host: '127.0.0.1' }) };
}

async function chat(url: string, body = hi(), headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: any }> {
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

async function upstream(script?: NonNullable<Parameters<typeof startMockProvider>[0]>['script']) {
  const mock = await startMockProvider({ flavor: 'openai', apiKey: 'k', ...(script !== undefined && { script }) });
  closers.push(() => mock.close());
  return mock;
}

describe('store.redis: two gateways sharing one Redis', () => {
  it('serves an answer cached through gateway A as a hit through gateway B, without calling upstream again', async () => {
    const mock = await upstream();
    const config = { providers: { p: { kind: 'openai' as const, baseURL: mock.url, apiKey: 'k' } }, routes: [{ model: '*', targets: ['p'] }], store: { redis: { url: redis.url, prefix: `t-${randomUUID()}` } } };
    const [a, b] = await Promise.all([listening(config), listening(config)]);
    const first = await chat(a.url);
    const second = await chat(b.url);
    expect([first.status, first.headers.get('x-lifeline-cache')]).toEqual([200, 'miss']);
    expect([second.status, second.headers.get('x-lifeline-cache')]).toEqual([200, 'hit']);
    expect(second.json.choices[0].message.content).toBe(first.json.choices[0].message.content);
    expect(mock.requests).toHaveLength(1);
    const health = (await (await fetch(`${b.url}/api/health`)).json()) as Record<string, any>;
    expect(health.store).toMatchObject({ kind: 'redis', url: redactRedisUrl(redis.url), state: 'ready' });
    expect(health.store.stores.cache.followed + health.store.stores.cache.redis).toBeGreaterThan(0);
    expect(health.cache).toMatchObject({ entries: null, bytes: null, hits: 1, local: { entries: 0, bytes: 0 } });
  });

  it('rejects at gateway B, without calling upstream, a breaker opened by failures through gateway A', async () => {
    const mock = await upstream({ status: 500 });
    const config = {
      providers: { p: { kind: 'openai' as const, baseURL: mock.url, apiKey: 'k' } },
      routes: [{ model: '*', targets: ['p'] }],
      retry: false as const,
      cache: false as const,
      fallback: { enabled: false },
      circuitBreaker: { failureThreshold: 2, breakDurationMs: 60_000 },
      store: { redis: { url: redis.url, prefix: `t-${randomUUID()}` } },
    };
    const [a, b] = await Promise.all([listening(config), listening(config)]);
    expect((await chat(a.url)).status).toBe(502);
    expect((await chat(a.url)).status).toBe(502);
    expect(mock.requests).toHaveLength(2);
    const refused = await chat(b.url);
    expect(refused.status).toBe(503);
    expect(refused.json.error).toMatchObject({ type: 'service_unavailable', code: 'circuit_open' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(mock.requests).toHaveLength(2);
    const health = (await (await fetch(`${b.url}/api/health`)).json()) as Record<string, any>;
    expect(health.providers.p.breakers).toEqual([expect.objectContaining({ key: 'p/gpt-4.1', state: 'open' })]);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toContain('lifeline_redis_state 0');
    expect(metrics).toMatch(/lifeline_redis_calls_total\{store="breaker"\} [1-9]/);
    expect(metrics).toContain('lifeline_breaker_state{key="p/gpt-4.1"} 2');
  });

  it('enforces a tenant rpm across gateways', async () => {
    const mock = await upstream();
    const key = `tenant-key-${randomUUID()}`;
    const config = {
      auth: { keys: [{ key, tenant: 'acme', rpm: 1 }] },
      providers: { p: { kind: 'openai' as const, baseURL: mock.url, apiKey: 'k' } },
      routes: [{ model: '*', targets: ['p'] }],
      cache: false as const,
      store: { redis: { url: redis.url, prefix: `t-${randomUUID()}` } },
    };
    const [a, b] = await Promise.all([listening(config), listening(config)]);
    const auth = { authorization: `Bearer ${key}` };
    expect((await chat(a.url, hi(), auth)).status).toBe(200);
    const limited = await chat(b.url, hi(), auth);
    expect([limited.status, limited.json.error.code]).toEqual([429, 'rate_limit_exceeded']);
    expect(mock.requests).toHaveLength(1);
  });
});

describe('store.redis: the password never shows', () => {
  it('logs, reports and exports the URL with its password redacted', async () => {
    const admin = new RedisConnection({ url: redis.url, timeoutMs: 2000 });
    expect(await admin.ready(5000)).toBe(true);
    const user = `gw-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    await admin.call('connection', 'acl', ['ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all']);
    closers.push(async () => {
      await admin.call('connection', 'acl', ['ACL', 'DELUSER', user]);
      await admin.close();
    });
    const secretUrl = redis.url.replace('redis://', `redis://${user}:${password}@`);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const mock = await upstream();
    const g = await gateway({ providers: { p: { kind: 'openai', baseURL: mock.url, apiKey: 'k' } }, routes: [{ model: '*', targets: ['p'] }], store: { redis: { url: secretUrl, prefix: `t-${randomUUID()}` } } }, { logger });
    const url = await g.listen({ port: 0, host: '127.0.0.1' });
    expect((await chat(url)).status).toBe(200);
    const shown = `redis://${user}:***@${redis.url.slice('redis://'.length)}`;
    expect(lines.map((l) => JSON.parse(l).msg)).toContain(`state store: redis at ${shown} (prefix "${g.config!.store.redis!.prefix}"): the cache, breakers, rate limits and budgets are shared by every gateway using it`);
    const health = await (await fetch(`${url}/api/health`)).text();
    expect(JSON.parse(health).store).toMatchObject({ kind: 'redis', url: shown, state: 'ready' });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/lifeline_redis_calls_total\{store="cache"\} [1-9]/);
    for (const text of [lines.join('\n'), health, metrics]) expect(text).not.toContain(password);
  });

  it('answers 503 budget_store_unavailable while Redis is unreachable, and still never shows the password', async () => {
    const password = `pw-${randomUUID()}`;
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const mock = await upstream();
    const dead = `redis://app:${password}@127.0.0.1:${await freePort()}`;
    const g = await gateway({ providers: { p: { kind: 'openai', baseURL: mock.url, apiKey: 'k' } }, routes: [{ model: '*', targets: ['p'] }], budgets: { dailyUsd: 100 }, store: { redis: { url: dead } } }, { logger });
    const res = await g.app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, payload: hi() });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ type: 'service_unavailable', code: 'budget_store_unavailable' });
    expect(res.json().error.message).toMatch(/^budget: the budget store cannot reach Redis \(.+\), so the spend of scope "gateway" cannot be checked; the call is refused rather than risk passing the limit \(failMode 'closed'\)$/);
    expect([res.headers['retry-after'], res.headers['retry-after-ms']]).toEqual(['1', '1000']);
    expect(mock.requests).toHaveLength(0);
    expect((await g.app.inject('/ready')).statusCode).toBe(200);
    const health = (await g.app.inject('/api/health')).json();
    expect([health.status, health.store.kind, health.store.url, health.store.state]).toEqual(['degraded', 'redis', `redis://app:***@127.0.0.1:${dead.split(':').at(-1)}`, 'connecting']);
    const metrics = (await g.app.inject('/metrics')).body;
    expect(metrics).toContain('lifeline_redis_state 1');
    expect(metrics).toContain('lifeline_redis_rejected_total{store="budget"} 1');
    for (const text of [lines.join('\n'), JSON.stringify(health), metrics, res.body]) expect(text).not.toContain(password);
  });
});
