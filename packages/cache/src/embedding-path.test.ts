/** cache() for embedding calls, over a mock provider on loopback through the real openai() adapter. */
import { openai } from '@lifeline/adapters';
import { createClient, decodeEmbedding, ServerError, type EmbeddingRequest, type Middleware } from '@lifeline/core';
import { fakeClock, mockEmbedding, startMockProvider, type MockProvider, type MockProviderOptions } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { cache, type CacheOptions } from './index.js';
import { embeddingKeyMaterial, embeddingKeys } from './embedding-key.js';
import { embeddingEntryJson, packVector, unpackVector } from './vector.js';

const MODEL = 'text-embedding-3-small';
const DIMS = 4;
let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

/** Sets `meta.costUsd` from the attempt's usage at $1 per 1000 tokens (a stand-in for meter()). */
const priced: Middleware = async function priced(ctx, next) {
  await next();
  ctx.meta.costUsd = (ctx.meta.attemptLog.at(-1)?.usage?.prompt_tokens ?? 0) / 1000;
};

async function setup(mockOptions: MockProviderOptions = {}, cacheOptions: Partial<CacheOptions> = {}) {
  const clock = fakeClock(1_000_000);
  const mock: MockProvider = await startMockProvider({ embeddingDimensions: DIMS, ...mockOptions });
  const adapter = openai({ baseURL: mock.url, apiKey: 'test-key', name: 'primary' });
  closers.push(() => adapter.close(), () => mock.close());
  const answers = cache({ ttlMs: 60_000, clock, ...cacheOptions });
  const client = createClient({ adapter, clock, use: [answers, priced] });
  return { clock, mock, answers, client };
}

const texts = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `document number ${from + i}`);
const req = (input: EmbeddingRequest['input'], extra: Partial<EmbeddingRequest> = {}): EmbeddingRequest => ({ model: MODEL, input, encoding_format: 'float', ...extra });
const sentInputs = (mock: MockProvider) => mock.requests.map((r) => (r.body as { input: unknown }).input);

describe('vectors in entries', () => {
  it('keeps float vectors exactly (float64 bytes) and base64 as served', () => {
    const floats = [-0.0069292834, 0.1, 1e-300, -0, 0.013334209, 123456.789];
    const packed = packVector(floats);
    expect(packed.format).toBe('f64');
    expect(Object.is(unpackVector(packed)[3], -0)).toBe(true);
    expect(unpackVector(packed)).toEqual(floats);
    expect(JSON.stringify(unpackVector(packed))).toBe(JSON.stringify(floats));
    expect(unpackVector(packVector('AAAAPwAAgL8='))).toBe('AAAAPwAAgL8=');
  });

  it('writes the JSON of an entry parseable back to the same entry', () => {
    const base = { v: 1 as const, kind: 'embedding' as const, tokens: 3, createdAt: 1, expiresAt: 2, staleUntil: 3, provider: 'p', model: 'm', costUsd: 1e-7 };
    for (const entry of [{ ...base, ...packVector([0.5, -1]) }, { ...base, ...packVector('a"b\\c') }]) {
      expect(JSON.parse(embeddingEntryJson(entry))).toEqual(entry);
    }
  });
});

describe('cache() for embeddings: per input item', () => {
  it('a batch of 100 with 60 cached calls upstream once with the 40 misses, and answers all 100 in order', async () => {
    const { mock, client, answers } = await setup();
    const all = texts(100);
    const cachedIdx = all.map((_, i) => i).filter((i) => i % 5 !== 1 && i % 5 !== 3); // 60 items
    await client.embed(req(cachedIdx.map((i) => all[i]!)));
    expect(mock.requests).toHaveLength(1);
    const { response, meta } = await client.embed(req(all));
    expect(mock.requests).toHaveLength(2);
    const misses = all.filter((_, i) => !cachedIdx.includes(i));
    expect(misses).toHaveLength(40);
    expect(sentInputs(mock)[1]).toEqual(misses);
    expect(response.data.map((d) => d.index)).toEqual(all.map((_, i) => i));
    expect(response.data.map((d) => d.embedding)).toEqual(all.map((t) => mockEmbedding(MODEL, t, DIMS)));
    expect(meta).toMatchObject({ cache: 'miss', cacheItems: { hits: 60, misses: 40 }, provider: 'primary', attempts: 1 });
    const sum = (xs: string[]) => xs.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
    expect(response.usage.prompt_tokens).toBe(sum(all));
    expect(meta.costUsd).toBeCloseTo(sum(misses) / 1000, 10);
    expect(meta.savedUsd).toBeCloseTo(sum(all.filter((_, i) => cachedIdx.includes(i))) / 1000, 10);
    expect(answers.stats()).toMatchObject({ entries: 100, itemHits: 60, itemMisses: 100, misses: 2, hits: 0 });
  });

  it('a fully cached batch makes no call: meta.cache hit, cost 0, savings', async () => {
    const { mock, client } = await setup();
    await client.embed(req(['a b c', 'd e f']));
    const { response, meta } = await client.embed(req(['d e f', 'a b c']));
    expect(mock.requests).toHaveLength(1);
    expect(response.data.map((d) => d.embedding)).toEqual([mockEmbedding(MODEL, 'd e f', DIMS), mockEmbedding(MODEL, 'a b c', DIMS)]);
    expect(response).toMatchObject({ object: 'list', model: MODEL, usage: { prompt_tokens: 4, total_tokens: 4 } });
    expect(meta).toMatchObject({ cache: 'hit', costUsd: 0, savedUsd: 0.004, cacheItems: { hits: 2, misses: 0 }, provider: 'primary', model: MODEL, attempts: 0 });
  });

  it('sends a repeated item once and answers it at every position', async () => {
    const { mock, client } = await setup();
    const { response } = await client.embed(req(['x', 'y', 'x', 'x']));
    expect(sentInputs(mock)).toEqual([['x', 'y']]);
    expect(response.data.map((d) => d.embedding)).toEqual(['x', 'y', 'x', 'x'].map((t) => mockEmbedding(MODEL, t, DIMS)));
  });

  it('keys on model, dimensions and encoding (and the scope); never on user', async () => {
    const { mock, client } = await setup();
    await client.embed(req(['a'], { user: 'u1' }));
    await client.embed(req(['a'], { user: 'u2' }));
    expect(mock.requests).toHaveLength(1);
    await client.embed(req(['a'], { dimensions: 2 }));
    await client.embed(req(['a'], { encoding_format: 'base64' }));
    await client.embed(req(['a'], { model: 'text-embedding-3-large' }));
    await client.embed(req(['a']), { metadata: { tenant: 'acme' } });
    expect(mock.requests).toHaveLength(5);
    const b64 = await client.embed(req(['a'], { encoding_format: 'base64' }));
    expect(b64.meta.cache).toBe('hit');
    expect(decodeEmbedding(b64.response.data[0]!.embedding as string)).toEqual(mockEmbedding(MODEL, 'a', DIMS));
    expect(embeddingKeyMaterial(req('a'))).toBe('lifeline-embedding-v1\n{"dimensions":null,"encoding_format":"float","model":"text-embedding-3-small"}');
    expect(embeddingKeys(req(['a', 'b']), 'acme')).toHaveLength(2);
    expect(embeddingKeys(req('a'))[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(embeddingKeys(req('a'))[0]).not.toBe(embeddingKeys(req('a'), 'acme')[0]);
  });

  it('keeps a single-string input a single string upstream, and token ids as token ids', async () => {
    const { mock, client } = await setup();
    await client.embed(req([[1, 2], [3]]));
    await client.embed(req([[3], [4, 5]]));
    await client.embed(req('solo'));
    expect(sentInputs(mock)).toEqual([[[1, 2], [3]], [[4, 5]], 'solo']);
  });

  it('expires items after ttlMs, and honours no-cache and max-age', async () => {
    const { clock, mock, client } = await setup();
    await client.embed(req(['a', 'b']));
    clock.advance(30_000);
    expect((await client.embed(req(['a']), { metadata: { cacheControl: 'max-age=10' } })).meta.cache).toBe('miss');
    expect((await client.embed(req(['b']), { metadata: { cacheControl: 'no-cache' } })).meta.cache).toBe('miss');
    expect((await client.embed(req(['a', 'b']))).meta.cache).toBe('hit');
    clock.advance(60_000);
    expect((await client.embed(req(['a', 'b']))).meta.cacheItems).toEqual({ hits: 0, misses: 2 });
    expect(mock.requests).toHaveLength(4);
    expect((await client.embed(req(['a']), { metadata: { cache: false } })).meta.cacheItems).toBeUndefined();
  });

  it('serves stale items on an outage when every miss has one, else keeps the error', async () => {
    const { clock, mock, client } = await setup({}, { staleIfErrorMs: 3_600_000 });
    await client.embed(req(['a', 'b']));
    clock.advance(120_000);
    mock.setScript({ status: 503 });
    const { response, meta } = await client.embed(req(['b', 'a']));
    expect(meta.cache).toBe('stale');
    expect(response.data.map((d) => d.embedding)).toEqual([mockEmbedding(MODEL, 'b', DIMS), mockEmbedding(MODEL, 'a', DIMS)]);
    const err = await client.embed(req(['a', 'new'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).status).toBe(503);
  });

  it('never caches an error, and a later call goes upstream again', async () => {
    const { mock, client, answers } = await setup({ script: [{ status: 500 }, 'ok'] });
    expect(await client.embed(req(['a'])).catch((e: unknown) => e)).toBeInstanceOf(ServerError);
    expect((await client.embed(req(['a']))).meta.cache).toBe('miss');
    expect(mock.requests).toHaveLength(2);
    expect(answers.stats().entries).toBe(1);
  });

  it('a store that fails reads as a miss and never fails the call', async () => {
    const broken = { get: () => Promise.reject(new Error('down')), set: () => Promise.reject(new Error('down')), delete: () => Promise.resolve() };
    const { mock, client, answers } = await setup({}, { store: broken });
    const { response } = await client.embed(req(['a', 'b']));
    expect(response.data).toHaveLength(2);
    expect(mock.requests).toHaveLength(1);
    await new Promise((r) => setImmediate(r));
    expect(answers.stats().storeErrors).toBe(4);
  });
});
