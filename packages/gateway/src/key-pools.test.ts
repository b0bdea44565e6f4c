/**
 * Key pools through the gateway, over real HTTP: `apiKeys` on a provider, rotation invisible to
 * clients, `/api/health`, `/metrics`, logs — and no key in any of them.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { keyFingerprint } from '@lifeline/adapters';
import { fakeClock, startMockProvider, type FakeClock, type MockProvider, type MockProviderOptions } from '@lifeline/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from './config/types.js';
import { createGateway } from './server/create-gateway.js';

const KEYS = ['sk-gateway-pool-one-0123456789AAAA', 'sk-gateway-pool-two-0123456789BBBB', 'sk-gateway-pool-three-012345678CCCC'];
const [FP1, FP2, FP3] = KEYS.map(keyFingerprint) as [string, string, string];
const GUARDS = new Set([60_000, 30_000, 15_000, 20_000]); // the default timeouts' guards (total, attempt, first token, idle)

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

interface Setup {
  url: string;
  mock: MockProvider;
  backup: MockProvider;
  clock: FakeClock;
  logs: string[];
}

async function setup(
  mockOptions: MockProviderOptions,
  config: Partial<GatewayConfigInput> | ((mock: MockProvider) => Partial<GatewayConfigInput>) = {},
  withBackup = false,
): Promise<Setup> {
  const clock = fakeClock(Date.now());
  const mock = await startMockProvider({ apiKey: KEYS, ...mockOptions });
  const backup = await startMockProvider({ apiKey: 'sk-backup-only-key-0123456789', text: 'From the backup.' });
  closers.push(() => mock.close(), () => backup.close());
  const logs: string[] = [];
  const gateway = createGateway(
    {
      providers: {
        primary: { kind: 'openai', baseURL: mock.url, apiKeys: KEYS },
        backup: { kind: 'openai', baseURL: backup.url, apiKey: 'sk-backup-only-key-0123456789' },
      },
      routes: [{ model: '*', targets: withBackup ? ['primary', 'backup'] : ['primary'] }],
      cache: false,
      ...(typeof config === 'function' ? config(mock) : config),
    },
    { logger: pino({ level: 'trace' }, { write: (l: string) => logs.push(l) }), pipeline: { clock } },
  );
  closers.push(() => gateway.close());
  const url = await gateway.listen({ port: 0, host: '127.0.0.1' });
  return { url, mock, backup, clock, logs };
}

const outputs: string[] = [];
async function chat(url: string, stream = false): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1', stream, messages: [{ role: 'user', content: 'Hi' }] }),
  });
  const text = await res.text();
  outputs.push(text, JSON.stringify([...res.headers]));
  return { status: res.status, headers: res.headers, text, json: stream ? undefined : JSON.parse(text) };
}
async function get(url: string, path: string): Promise<string> {
  const text = await (await fetch(`${url}${path}`)).text();
  outputs.push(text);
  return text;
}
const health = async (url: string) => JSON.parse(await get(url, '/api/health')) as Record<string, any>;

describe('key pools in the gateway', () => {
  it('key 1 rate-limited: the next 20 requests are answered at once through keys 2 and 3; health and metrics show key 1 cooling; key 1 is back after 30 s', async () => {
    const { url, mock, clock, logs } = await setup({ keys: { [KEYS[0]!]: [{ preset: 'rate_limit', retryAfter: 30 }] } });
    const first = await chat(url);
    expect([first.status, first.headers.get('x-lifeline-attempts'), first.headers.get('x-lifeline-provider')]).toEqual([200, '1', 'primary']);
    for (let i = 0; i < 20; i++) {
      const r = await chat(url);
      expect([r.status, r.headers.get('x-lifeline-attempts')]).toEqual([200, '1']);
      expect(r.json.lifeline.route ?? []).not.toContain('primary:error:rate_limit');
    }
    expect(clock.delays.filter((ms) => !GUARDS.has(ms))).toEqual([]);
    const used = mock.requests.slice(2).map((r) => r.keyIndex);
    expect([used.filter((k) => k === 1).length, used.filter((k) => k === 2).length]).toEqual([10, 10]);

    const h = await health(url);
    expect(h.status).toBe('ok');
    expect(h.providers.primary.keyPool).toMatchObject({
      strategy: 'round-robin', healthy: 2, cooling: 1, quarantined: 0,
      keys: [{ key: FP1, state: 'cooling', reason: 'rate_limit', status: 429, retryAfterMs: 30_000 }, { key: FP2, state: 'healthy' }, { key: FP3, state: 'healthy' }],
    });
    expect(h.providers.backup.keyPool).toBeUndefined();
    const metrics = await get(url, '/metrics');
    expect(metrics).toContain(`lifeline_api_key_state{provider="primary",key="${FP1}"} 1`);
    expect(metrics).toContain(`lifeline_api_key_state{provider="primary",key="${FP2}"} 0`);
    expect(metrics).toContain(`lifeline_api_key_set_aside_total{provider="primary",key="${FP1}",status="429"} 1`);
    expect(metrics).toContain('lifeline_upstream_attempts_total{provider="primary",target="primary",model="gpt-4.1",outcome="ok",code=""} 21');
    expect(logs.map((l) => JSON.parse(l).msg)).toContain(`provider primary: API key ${FP1} rate-limited after a 429: cooling down for 30000 ms while the other keys answer`);

    clock.advance(30_000);
    const back = [];
    for (let i = 0; i < 3; i++) back.push((await chat(url)).status);
    expect(back).toEqual([200, 200, 200]);
    expect(mock.requests.slice(-3).map((r) => r.keyIndex)).toContain(0);
    expect((await health(url)).providers.primary.keyPool).toMatchObject({ healthy: 3, cooling: 0 });
  });

  it('a revoked key is quarantined on its first 401: health says degraded, the log warns by fingerprint, clients see nothing', async () => {
    const { url, mock, logs } = await setup({ apiKey: [KEYS[0]!, KEYS[2]!] });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await chat(url)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(mock.requests.filter((r) => r.keyIndex === undefined)).toHaveLength(1); // key 2 tried once
    const h = await health(url);
    expect(h.status).toBe('degraded');
    expect(h.providers.primary.keyPool).toMatchObject({ healthy: 2, quarantined: 1, keys: [{}, { key: FP2, state: 'quarantined', reason: 'auth', status: 401, retryAfterMs: 600_000 }, {}] });
    const warn = logs.map((l) => JSON.parse(l)).find((e) => e.level === 40 && e.key === FP2);
    expect(warn).toMatchObject({ provider: 'primary', state: 'quarantined', status: 401, msg: `provider primary: API key ${FP2} quarantined after a 401 (refused by the provider): its traffic goes to the other keys; re-checked in 600000 ms` });
    expect(await get(url, '/metrics')).toContain(`lifeline_api_key_state{provider="primary",key="${FP2}"} 2`);
  });

  it('every key 429: 429 with the shortest Retry-After without a backup; with one, failover answers', async () => {
    const keys = { [KEYS[0]!]: { preset: 'rate_limit' as const, retryAfter: 30 }, [KEYS[1]!]: { preset: 'rate_limit' as const, retryAfter: 15 }, [KEYS[2]!]: { preset: 'rate_limit' as const, retryAfter: 20 } };
    const alone = await setup({ keys }, { retry: false });
    const r = await chat(alone.url);
    expect(r.status).toBe(429);
    expect([r.headers.get('retry-after'), r.headers.get('retry-after-ms')]).toEqual(['15', '15000']);
    expect(r.json.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Every failover target failed (1): primary: rate_limit 429 (retry after 15000 ms)' });

    const covered = await setup({ keys }, {}, true);
    const ok = await chat(covered.url);
    expect([ok.status, ok.headers.get('x-lifeline-provider')]).toEqual([200, 'backup']);
    expect(ok.json.choices[0].message.content).toBe('From the backup.');
    expect(covered.clock.delays.filter((ms) => !GUARDS.has(ms))).toEqual([]); // 15 s is above retry.maxRetryAfterMs (10 s): no wait, failover
  });

  it('streams go through the pool too', async () => {
    const { url } = await setup({ keys: { [KEYS[0]!]: { preset: 'rate_limit', retryAfter: 30 } } });
    const r = await chat(url, true);
    expect(r.status).toBe(200);
    expect(r.text).toContain('data: [DONE]');
    expect(r.text).toContain('Hello');
  });

  it('holds a provider to the sum of its keys’ rpm shares (client-side, before the provider says 429)', async () => {
    const { url, mock } = await setup({}, (m) => ({
      providers: { primary: { kind: 'openai', baseURL: m.url, apiKeys: [{ key: KEYS[0]!, rpm: 1 }, { key: KEYS[1]!, rpm: 1 }] } },
      rateLimit: { rpm: 1000, maxWaitMs: 0 },
      fallback: { enabled: false },
    }));
    expect([(await chat(url)).status, (await chat(url)).status]).toEqual([200, 200]);
    const third = await chat(url);
    expect(third.status).toBe(429);
    expect(third.json.error).toMatchObject({ code: 'rate_limit_exceeded', message: 'Every failover target failed (1): primary: rate_limit_exceeded' });
    expect(third.headers.get('retry-after')).toBe('30'); // two 1-rpm keys: one request every 30 s
    expect(mock.requests.map((r) => r.keyIndex)).toEqual([0, 1]);
  });
});

describe('no upstream key in any output', () => {
  const events: unknown[] = [];
  const onEvent = (e: unknown) => events.push(e);
  afterEach(() => {
    for (const name of ['lifeline:key', 'lifeline:attempt', 'lifeline:request', 'lifeline:failover', 'lifeline:retry']) unsubscribe(name, onEvent);
  });

  it('responses, headers, errors, health, metrics, logs and events never carry a key (nor most of one)', async () => {
    for (const name of ['lifeline:key', 'lifeline:attempt', 'lifeline:request', 'lifeline:failover', 'lifeline:retry']) subscribe(name, onEvent);
    outputs.length = 0;
    const { url, clock, logs } = await setup(
      { apiKey: [KEYS[0]!, KEYS[2]!], keys: { [KEYS[0]!]: [{ preset: 'rate_limit', retryAfter: 5 }, 'ok', { preset: 'insufficient_quota' }] } },
      {},
      true,
    );
    for (let i = 0; i < 4; i++) await chat(url);
    await chat(url, true);
    clock.advance(5_000);
    for (let i = 0; i < 4; i++) await chat(url);
    await get(url, '/api/health');
    await get(url, '/metrics');
    await get(url, '/v1/models');
    const everything = [...outputs, ...logs, ...events.map((e) => inspect(e, { depth: 8 })), JSON.stringify(events, (_k, v) => (typeof v === 'bigint' ? String(v) : v))].join('\n');
    expect(events.length).toBeGreaterThan(10);
    expect(logs.length).toBeGreaterThan(10);
    for (const key of KEYS) {
      expect(everything).not.toContain(key);
      expect(everything).not.toContain(key.slice(0, 16));
      expect(everything).not.toContain(key.slice(-12));
    }
  });
});
