import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerError } from '@lifeline/core';
import { startMockProvider } from '@lifeline/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '../config/types.js';
import { createGateway, type Gateway } from '../server/create-gateway.js';
import { scriptedAdapter } from '@lifeline/testing';
import { tempDir } from '../../test/temp-dir.js';

const TENANT_KEY = 'tenant-key-0123456789';
let gateway: Gateway | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function start(config: Omit<GatewayConfigInput, 'server'>, adapters?: Parameters<typeof createGateway>[1]): Promise<{ url: string; sdk: OpenAI }> {
  gateway = createGateway({ server: { logLevel: 'silent' }, ...config }, adapters);
  const url = await gateway.listen({ port: 0 });
  return { url, sdk: new OpenAI({ baseURL: `${url}/v1`, apiKey: TENANT_KEY, maxRetries: 0 }) };
}

const hi = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('buildPipeline wiring', () => {
  it('refuses a tenant over its daily budget with 429 insufficient_quota', async () => {
    const { sdk } = await start(
      { auth: { keys: [{ key: TENANT_KEY, tenant: 'acme', budgetUsdPerDay: 0 }] }, providers: { p: { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1' } }, routes: [{ model: '*', targets: ['p'] }] },
      { pipeline: { adapters: { p: scriptedAdapter('ok', { name: 'p' }) } } },
    );
    const err = await sdk.chat.completions.create(hi).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('x-should-retry')).toBe('false');
  });

  it('refuses a tenant over its rpm at once, with Retry-After', async () => {
    const adapter = scriptedAdapter('ok', { name: 'p' });
    const { sdk } = await start(
      { auth: { keys: [{ key: TENANT_KEY, tenant: 'acme', rpm: 1 }] }, providers: { p: { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1' } }, routes: [{ model: '*', targets: ['p'] }], cache: false },
      { pipeline: { adapters: { p: adapter } } },
    );
    await sdk.chat.completions.create(hi);
    const err = await sdk.chat.completions.create(hi).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(adapter.calls).toHaveLength(1);
  });

  it('answers 429 with Retry-After when every target is rate-limited (no degraded answer)', async () => {
    const a = await startMockProvider({ flavor: 'openai', apiKey: 'k', script: { status: 429, retryAfter: 7 } });
    const b = await startMockProvider({ flavor: 'openai', apiKey: 'k', script: { status: 429, retryAfter: 3 } });
    closers.push(() => a.close(), () => b.close());
    const { sdk } = await start({
      providers: { a: { kind: 'openai', baseURL: a.url, apiKey: 'k' }, b: { kind: 'openai', baseURL: b.url, apiKey: 'k' } },
      routes: [{ model: '*', targets: ['a', 'b'] }],
      retry: { maxAttempts: 2, maxRetryAfterMs: 100 },
    });
    const err = await sdk.chat.completions.create(hi).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('3');
  });

  it('keeps upstream keys out of responses, /api/health and /metrics', async () => {
    const secret = 'upstreamsecretvalue42';
    const leaky = scriptedAdapter(() => { throw new ServerError(`bad gateway for key ${secret}`, { provider: 'p', status: 502 }); }, { name: 'p' });
    const { url, sdk } = await start(
      { providers: { p: { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1', apiKey: secret } }, routes: [{ model: '*', targets: ['p'] }], fallback: { enabled: false }, retry: false },
      { pipeline: { adapters: { p: leaky } } },
    );
    const err = await sdk.chat.completions.create(hi).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((err as Error).message).toBe('502 Every failover target failed (1): p: server 502');
    const health = await (await fetch(`${url}/api/health`)).text();
    expect(health).toContain('"lastError":"server (502): bad gateway for key [redacted]"');
    expect(health).not.toContain(secret);
    expect(await (await fetch(`${url}/metrics`)).text()).not.toContain(secret);
  });

  it('reports breakers, relay prices and spend', async () => {
    const dir = tempDir('pricing');
    writeFileSync(join(dir, 'relay.yaml'), 'name: relay\nsource: relay price page\neffectiveDate: "2026-01-01"\nmodels:\n  gpt-4.1: { inputPerMTok: 1, outputPerMTok: 4 }\n');
    const down = scriptedAdapter(() => { throw new ServerError('down', { provider: 'p', status: 503 }); }, { name: 'p' });
    const { url, sdk } = await start(
      {
        providers: { p: { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1', catalog: join(dir, 'relay.yaml'), models: ['gpt-4.1'] }, q: { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1' } },
        routes: [{ model: '*', targets: ['p', 'q'] }],
        retry: false,
        circuitBreaker: { failureThreshold: 1, breakDurationMs: 60_000 },
      },
      { pipeline: { adapters: { p: down, q: scriptedAdapter('ok', { name: 'q' }) } } },
    );
    const { response } = await sdk.chat.completions.create(hi).withResponse();
    expect(response.headers.get('x-lifeline-provider')).toBe('q');
    const health = (await (await fetch(`${url}/api/health`)).json()) as { status: string; providers: Record<string, { breaker: string; breakers: Array<{ key: string; state: string; retryAfterMs: number }> }> };
    expect(health.status).toBe('degraded');
    expect(health.providers.p!.breaker).toBe('open');
    expect(health.providers.p!.breakers[0]).toMatchObject({ key: 'p/gpt-4.1', state: 'open' });
    expect(health.providers.q!.breaker).toBe('closed');
    const cost = (await (await fetch(`${url}/api/cost/gpt-4.1`)).json()) as Record<string, any>;
    expect(cost.relay).toEqual({ inputPerMTok: 1, outputPerMTok: 4, source: 'relay price page', effectiveDate: '2026-01-01' });
    expect(cost.official.inputPerMTok).toBeGreaterThan(1);
    expect(cost.savings.inputPercent).toBeGreaterThan(0);
    const spend = (await (await fetch(`${url}/api/spend`)).json()) as { total: { requests: number } };
    expect(spend.total.requests).toBe(2);
    expect((await sdk.models.list()).data.map((m) => m.id)).toEqual(['gpt-4.1']);
  });

  it('serves many concurrent streams from one process', async () => {
    const up = await startMockProvider({ flavor: 'openai', apiKey: 'k', text: 'one two three four five', script: { stream: { chunkDelayMs: 5 } } });
    closers.push(() => up.close());
    const { sdk } = await start({ providers: { up: { kind: 'openai', baseURL: up.url, apiKey: 'k' } }, routes: [{ model: '*', targets: ['up'] }], cache: false });
    const texts = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const stream = await sdk.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: `q${i}` }], stream: true });
        let text = '';
        for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
        return text;
      }),
    );
    expect(new Set(texts)).toEqual(new Set(['one two three four five']));
    expect(up.requests).toHaveLength(40);
    expect(up.requests.every((r) => (r.body as { stream_options?: unknown }).stream_options !== undefined)).toBe(true);
  });
});
