/**
 * `POST /v1/embeddings` end to end: the official `openai` SDK → the gateway (built from a config)
 * → adapters → mock providers on loopback.
 */
import { startMockProvider, mockEmbedding, type MockProvider, type MockProviderOptions } from '@lifeline/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '../../../config/types.js';
import { createGateway, type Gateway } from '../../create-gateway.js';

const KEY = 'gateway-key-0123456789';
const ADMIN_KEY = 'admin-key-0123456789';
const UPSTREAM = 'sk-upstream-0123456789';
const MODEL = 'text-embedding-3-small';
let gateway: Gateway | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function mock(options: MockProviderOptions = {}): Promise<MockProvider> {
  const m = await startMockProvider({ apiKey: UPSTREAM, embeddingDimensions: 16, ...options });
  closers.push(() => m.close());
  return m;
}

async function start(config: Omit<GatewayConfigInput, 'server' | 'auth'> & { auth?: GatewayConfigInput['auth'] }) {
  // Fresh cache hits are opt-in in the gateway (ttlMs); operator endpoints such as /metrics need an admin key.
  gateway = createGateway({ server: { logLevel: 'silent' }, auth: { keys: [{ key: KEY, tenant: 'acme' }, { key: ADMIN_KEY, role: 'admin' }] }, cache: { ttlMs: 600_000 }, ...config });
  const url = await gateway.listen({ port: 0 });
  return { url, sdk: new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0 }) };
}

const one = (m: MockProvider, name = 'primary') => ({ providers: { [name]: { kind: 'openai' as const, baseURL: m.url, apiKey: UPSTREAM } }, routes: [{ model: '*', targets: [name] }] });
const texts = (n: number) => Array.from({ length: n }, (_, i) => `passage ${i}`);

describe('POST /v1/embeddings with the official openai SDK', () => {
  it('returns vectors of the right dimension in float and in base64 (the SDK default, decoded by it)', async () => {
    const m = await mock();
    const { sdk } = await start({ ...one(m), cache: false });
    const floats = await sdk.embeddings.create({ model: MODEL, input: ['alpha', 'beta'], encoding_format: 'float', dimensions: 8 });
    expect(floats.data.map((d) => d.embedding)).toEqual([mockEmbedding(MODEL, 'alpha', 8), mockEmbedding(MODEL, 'beta', 8)]);
    expect(floats).toMatchObject({ object: 'list', model: MODEL, usage: { prompt_tokens: 3, total_tokens: 3 } });
    const b64 = await sdk.embeddings.create({ model: MODEL, input: 'alpha', dimensions: 8 });
    expect(m.requests[1]!.body).toMatchObject({ encoding_format: 'base64', dimensions: 8 });
    expect(b64.data[0]!.embedding).toHaveLength(8);
    expect(b64.data[0]!.embedding).toEqual(mockEmbedding(MODEL, 'alpha', 8));
    const raw = await sdk.embeddings.create({ model: MODEL, input: 'alpha', encoding_format: 'base64' });
    expect(typeof raw.data[0]!.embedding).toBe('string');
    expect(m.requests.every((r) => r.headers.authorization === '[redacted]' && r.path === '/v1/embeddings')).toBe(true);
  });

  it('sets the x-lifeline-* headers and the lifeline summary, and counts the request in /metrics', async () => {
    const m = await mock();
    const { url, sdk } = await start(one(m));
    const { data, response } = await sdk.embeddings.create({ model: MODEL, input: ['a', 'b'] }).withResponse();
    expect(response.headers.get('x-lifeline-provider')).toBe('primary');
    expect(response.headers.get('x-lifeline-cache')).toBe('miss');
    expect(response.headers.get('x-lifeline-cache-items')).toBe('0/2');
    expect(response.headers.get('x-lifeline-cost-usd')).toBe('0.00000004');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((data as unknown as { lifeline: unknown }).lifeline).toMatchObject({ provider: 'primary', model: MODEL, attempts: 1, cache: 'miss', costUsd: 0.00000004, degraded: false });
    const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    expect(metrics).toMatch(/lifeline_requests_total\{endpoint="embeddings",status="200",stream="false",provider="primary",model="text-embedding-3-small",tenant="acme"\} 1/);
  });

  it('a batch of 100 inputs with 60 cached calls the upstream once with the 40 misses, in order', async () => {
    const m = await mock();
    const { sdk } = await start(one(m));
    const all = texts(100);
    const cached = new Set(all.filter((_, i) => i % 5 < 3)); // 60
    // The SDK's default encoding (base64) both times: the cache keys on the encoding.
    await sdk.embeddings.create({ model: MODEL, input: all.filter((t) => cached.has(t)) });
    const { data, response } = await sdk.embeddings.create({ model: MODEL, input: all }).withResponse();
    expect(m.requests).toHaveLength(2);
    expect((m.requests[1]!.body as { input: string[] }).input).toEqual(all.filter((t) => !cached.has(t)));
    expect(data.data.map((d) => d.index)).toEqual(all.map((_, i) => i));
    expect(data.data.map((d) => d.embedding)).toEqual(all.map((t) => mockEmbedding(MODEL, t, 16)));
    expect(response.headers.get('x-lifeline-cache-items')).toBe('60/100');
    const again = await sdk.embeddings.create({ model: MODEL, input: all }).withResponse();
    expect(again.response.headers.get('x-lifeline-cache')).toBe('hit');
    expect(again.response.headers.get('x-lifeline-cost-usd')).toBe('0.00000000');
    expect(m.requests).toHaveLength(2);
  });

  it('keeps tenants apart in the cache', async () => {
    const m = await mock();
    const other = 'other-key-0123456789';
    const { url } = await start({ ...one(m), auth: { keys: [{ key: KEY, tenant: 'acme' }, { key: other, tenant: 'globex' }] } });
    for (const key of [KEY, other, KEY]) await new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 }).embeddings.create({ model: MODEL, input: 'shared' });
    expect(m.requests).toHaveLength(2);
  });

  it('fails over to a second endpoint of the same model, and skips one serving another model', async () => {
    const down = await mock({ script: { status: 503 } });
    const other = await mock();
    const same = await mock();
    const { sdk } = await start({
      providers: { down: { kind: 'openai', baseURL: down.url, apiKey: UPSTREAM }, other: { kind: 'openai', baseURL: other.url, apiKey: UPSTREAM }, same: { kind: 'openai', baseURL: same.url, apiKey: UPSTREAM } },
      routes: [{ model: MODEL, targets: ['down', { provider: 'other', model: 'text-embedding-3-large' }, 'same'] }],
      retry: false,
      cache: false,
    });
    const { data, response } = await sdk.embeddings.create({ model: MODEL, input: 'x', encoding_format: 'float' }).withResponse();
    expect(response.headers.get('x-lifeline-provider')).toBe('same');
    expect(data.data[0]!.embedding).toEqual(mockEmbedding(MODEL, 'x', 16));
    expect([down.requests.length, other.requests.length, same.requests.length]).toEqual([1, 0, 1]);
  });

  it('uses a declared embeddingFamily target, with dimensions checked', async () => {
    const down = await mock({ script: { status: 503 } });
    const azure = await mock({ script: { reply: { model: MODEL } } });
    const { sdk } = await start({
      providers: { down: { kind: 'openai', baseURL: down.url, apiKey: UPSTREAM }, azure: { kind: 'openai', baseURL: azure.url, apiKey: UPSTREAM } },
      routes: [{ model: MODEL, targets: [{ provider: 'down', dimensions: 16 }, { provider: 'azure', model: 'emb-prod', embeddingFamily: MODEL, dimensions: 16 }] }],
      retry: false,
      cache: false,
    });
    const { response } = await sdk.embeddings.create({ model: MODEL, input: 'x' }).withResponse();
    expect(response.headers.get('x-lifeline-provider')).toBe('azure:emb-prod');
    expect((azure.requests[0]!.body as { model: string }).model).toBe('emb-prod');
  });

  it('answers 429 with Retry-After when the upstream rate-limits, and never a degraded vector', async () => {
    const m = await mock({ script: { status: 429, retryAfter: 7 } });
    const { sdk } = await start({ ...one(m), retry: { maxAttempts: 2, maxRetryAfterMs: 100 } });
    const err = await sdk.embeddings.create({ model: MODEL, input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('7');
    const down = await mock({ script: { status: 500 } });
    const r = await start({ ...one(down), retry: false });
    const e500 = await r.sdk.embeddings.create({ model: MODEL, input: 'x' }).catch((e: unknown) => e);
    expect((e500 as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((e500 as Error).message).toBe('502 Every failover target failed (1): primary: server 500');
  });

  it('refuses a tenant over its daily budget with 429 budget_exceeded', async () => {
    const m = await mock();
    const { sdk } = await start({ ...one(m), auth: { keys: [{ key: KEY, tenant: 'acme', budgetUsdPerDay: 0.00000001 }] }, cache: false });
    const err = await sdk.embeddings.create({ model: MODEL, input: 'x'.repeat(4000) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });
    expect(m.requests).toHaveLength(0);
  });

  it('rejects a bad body with a 400 naming the field, before any upstream call', async () => {
    const m = await mock();
    const { sdk } = await start(one(m));
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ model: MODEL, input: ['a', ''] }, 'input[1]', '400 Invalid embedding request: input[1] must be a non-empty string, got an empty string'],
      [{ model: MODEL, input: 'a', dimensions: 0 }, 'dimensions', '400 Invalid embedding request: dimensions must be a positive integer, got number 0'],
      [{ model: MODEL, input: 'a', encoding_format: 'int8' }, 'encoding_format', '400 Invalid embedding request: encoding_format must be \'float\' or \'base64\', got "int8"'],
      [{ model: MODEL }, 'input', '400 Invalid request: input is required'],
      [{ model: MODEL, input: 5 }, 'input', '400 Invalid request: input must be a string or an array, got 5'],
    ];
    for (const [body, param, message] of cases) {
      const err = await sdk.embeddings.create(body as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as Error).message).toBe(message);
      expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(param);
    }
    expect(m.requests).toHaveLength(0);
  });

  it('answers 400 model_not_supported for a route without an embeddings API, and 401 without a key', async () => {
    const claude = await startMockProvider({ flavor: 'anthropic', apiKey: UPSTREAM });
    closers.push(() => claude.close());
    const { url, sdk } = await start({ providers: { claude: { kind: 'anthropic', baseURL: claude.url, apiKey: UPSTREAM } }, routes: [{ model: '*', targets: ['claude'] }] });
    const err = await sdk.embeddings.create({ model: 'claude-sonnet-4-5', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ param: 'model', code: 'model_not_supported' });
    expect((err as Error).message).toBe(
      "400 The model 'claude-sonnet-4-5' has no embeddings on this gateway: failover: no target has an embeddings API for this embedding call ('claude' (anthropic)); add an openai() or gemini() target",
    );
    expect(claude.requests).toHaveLength(0);
    const anon = await fetch(`${url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, input: 'x' }) });
    expect(anon.status).toBe(401);
  });

  it('serves a Gemini upstream in the OpenAI shape', async () => {
    const g = await mock({ flavor: 'gemini' });
    const { sdk } = await start({ providers: { google: { kind: 'gemini', baseURL: g.url, apiKey: UPSTREAM } }, routes: [{ model: 'gemini-*', targets: ['google'] }] });
    const res = await sdk.embeddings.create({ model: 'gemini-embedding-001', input: ['one', 'two'], dimensions: 4 });
    expect(res.data.map((d) => d.embedding)).toEqual([mockEmbedding('gemini-embedding-001', 'one', 4), mockEmbedding('gemini-embedding-001', 'two', 4)]);
    expect(g.requests[0]!.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
  });
});
