/** cache() for embedding calls: exact meta, counters, events, boundaries and entries (mock provider on loopback). */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { openai } from '@lifeline/adapters';
import { type Clock, ConfigurationError, createClient, type EmbeddingRequest, type Middleware, ServerError } from '@lifeline/core';
import { fakeClock, startMockProvider, type MockProvider, type MockProviderOptions } from '@lifeline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { embeddingKeys } from './embedding-key.js';
import type { EmbeddingEntry } from './entry.js';
import { cache, type CacheOptions } from './index.js';
import type { CacheStore } from './store.js';

const MODEL = 'text-embedding-3-small';
let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
  events.length = 0;
});

const events: Array<{ status: string; key?: string }> = [];
const onCache = (m: unknown) => events.push(m as (typeof events)[number]);
beforeAll(() => subscribe('lifeline:cache', onCache));
afterAll(() => unsubscribe('lifeline:cache', onCache));

/** Sets `meta.costUsd` from the attempt's usage at $1 per 1000 tokens (a stand-in for meter()). */
const priced: Middleware = async function priced(ctx, next) {
  await next();
  ctx.meta.costUsd = (ctx.meta.attemptLog.at(-1)?.usage?.prompt_tokens ?? 0) / 1000;
};

interface Options {
  mock?: MockProviderOptions;
  cache?: Partial<CacheOptions>;
  outer?: Middleware[];
  inner?: Middleware[];
  clientClock?: Clock;
}

async function setup(o: Options = {}) {
  const clock = fakeClock(1_000_000);
  const mock: MockProvider = await startMockProvider({ embeddingDimensions: 4, ...o.mock });
  const adapter = openai({ baseURL: mock.url, apiKey: 'test-key', name: 'primary' });
  closers.push(() => adapter.close(), () => mock.close());
  const answers = cache({ ttlMs: 60_000, clock, ...o.cache });
  const client = createClient({ adapter, clock: o.clientClock ?? clock, use: [...(o.outer ?? []), answers, priced, ...(o.inner ?? [])] });
  return { clock, mock, answers, client };
}

const req = (input: EmbeddingRequest['input'], extra: Partial<EmbeddingRequest> = {}): EmbeddingRequest => ({ model: MODEL, input, encoding_format: 'float', ...extra });
const entryOf = async (answers: { store: CacheStore }, request: EmbeddingRequest, i = 0) => (await answers.store.get(embeddingKeys(request)[i]!)) as EmbeddingEntry | undefined;
const settle = () => new Promise((r) => setImmediate(r));

describe('cache() for embeddings: what a hit, a miss and a stale answer say', () => {
  it('a hit costs nothing whatever was counted before, names the model that answered, and publishes hit', async () => {
    const served: Middleware = async (ctx, next) => {
      await next();
      ctx.meta.model = 'served-model';
    };
    const spent: Middleware = async (ctx, next) => {
      ctx.meta.costUsd = 0.5;
      await next();
    };
    const { client, answers } = await setup({ outer: [spent], inner: [served] });
    await client.embed(req(['a', 'b']));
    await settle();
    events.length = 0;
    const { response, meta } = await client.embed(req(['a', 'b']));
    expect(response).toStrictEqual({
      object: 'list',
      data: [0, 1].map((index) => ({ object: 'embedding', index, embedding: expect.any(Array) })),
      model: 'served-model',
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
    expect(meta).toMatchObject({ cache: 'hit', costUsd: 0, model: 'served-model', provider: 'primary' });
    expect(events).toEqual([{ ctx: expect.anything(), key: embeddingKeys(req(['a', 'b']))[0], status: 'hit' }]);
    expect(answers.stats()).toMatchObject({ hits: 1, misses: 1, stored: 2, stale: 0 });
  });

  it('a stale answer keeps what the failed attempts cost and claims no savings; publishes stale', async () => {
    const spent: Middleware = async (ctx, next) => {
      ctx.meta.costUsd = 0.5;
      await next();
    };
    const { client, clock, mock, answers } = await setup({ outer: [spent], cache: { staleIfErrorMs: 3_600_000 } });
    await client.embed(req(['a']));
    clock.advance(120_000);
    mock.setScript({ status: 503 });
    events.length = 0;
    const { meta } = await client.embed(req(['a']));
    expect(meta.cache).toBe('stale');
    expect(meta.costUsd).toBe(0.5);
    expect('savedUsd' in meta).toBe(false);
    expect(events.map((e) => e.status)).toEqual(['miss', 'stale']);
    expect(answers.stats().stale).toBe(1);
  });

  it('a stale answer with nothing spent costs 0', async () => {
    const { client, clock, mock } = await setup({ cache: { staleIfErrorMs: 3_600_000 } });
    await client.embed(req(['a']));
    clock.advance(120_000);
    mock.setScript({ status: 503 });
    expect((await client.embed(req(['a']))).meta.costUsd).toBe(0);
  });

  it('publishes miss with the first key; claims savings only when some items were hits', async () => {
    const { client } = await setup();
    const { meta } = await client.embed(req(['a', 'b']));
    expect('savedUsd' in meta).toBe(false);
    expect(events[0]).toEqual({ ctx: expect.anything(), key: embeddingKeys(req(['a', 'b']))[0], status: 'miss' });
    const partial = await client.embed(req(['a', 'c']));
    expect(partial.meta.savedUsd).toBe(0.001);
    expect(partial.response.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
  });

  it('without a price, no savings are claimed and entries carry no cost', async () => {
    const mock = await startMockProvider({ embeddingDimensions: 4 });
    const adapter = openai({ baseURL: mock.url, apiKey: 'test-key', name: 'primary' });
    closers.push(() => adapter.close(), () => mock.close());
    const answers = cache({ ttlMs: 60_000 });
    const client = createClient({ adapter, use: [answers] });
    await client.embed(req(['a']));
    await settle();
    expect(await entryOf(answers, req(['a']))).not.toHaveProperty('costUsd');
    const hit = await client.embed(req(['a']));
    expect('savedUsd' in hit.meta).toBe(false);
    const partial = await client.embed(req(['a', 'b']));
    expect('savedUsd' in partial.meta).toBe(false);
  });
});

describe('cache() for embeddings: freshness boundaries', () => {
  it('an item is stale at exactly ttlMs, and older than max-age at exactly N seconds', async () => {
    const { client, clock } = await setup();
    await client.embed(req(['a']));
    clock.advance(30_000);
    expect((await client.embed(req(['a']), { metadata: { cacheControl: 'max-age=30' } })).meta.cache).toBe('miss');
    clock.advance(60_000 - 1);
    expect((await client.embed(req(['a']))).meta.cache).toBe('hit');
    clock.advance(1);
    expect((await client.embed(req(['a']))).meta.cache).toBe('miss');
  });

  it('without staleIfErrorMs, an outage is never answered from an entry, even one no-cache skipped', async () => {
    const { client, mock } = await setup();
    await client.embed(req(['a']));
    mock.setScript({ status: 503 });
    const err = await client.embed(req(['a']), { metadata: { cacheControl: 'no-cache' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
  });

  it("a caller's own error is never answered stale", async () => {
    const { client, clock, mock } = await setup({ cache: { staleIfErrorMs: 3_600_000 } });
    await client.embed(req(['a']));
    clock.advance(120_000);
    mock.setScript({ status: 400 });
    expect((await client.embed(req(['a'])).catch((e: unknown) => e) as Error).name).toBe('BadRequestError');
  });

  it('a stale window that ends while the call is in flight no longer covers it', async () => {
    let clockRef: ReturnType<typeof fakeClock> | undefined;
    const slow: Middleware = async (_ctx, next) => {
      clockRef!.advance(3_600_000);
      await next();
    };
    const { client, clock, mock } = await setup({ cache: { staleIfErrorMs: 3_600_000 }, inner: [slow] });
    clockRef = clock;
    await client.embed(req(['a'])); // stored at t0 + 3_600_000 (the slow layer advanced first)
    clock.advance(60_000);
    mock.setScript({ status: 503 });
    const err = await client.embed(req(['a'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
  });
});

describe('cache() for embeddings: entries', () => {
  it("shares the call's tokens by largest remainder, and records the model and provider that answered", async () => {
    const usage: Middleware = async (ctx, next) => {
      await next();
      ctx.embeddingResponse!.usage = { prompt_tokens: 10, total_tokens: 10 };
      ctx.meta.model = 'served-model';
    };
    const { client, answers } = await setup({ inner: [usage] });
    const request = req([[1, 1, 1], [1, 1], [1]]);
    await client.embed(request);
    await settle();
    const entries = await Promise.all([0, 1, 2].map((i) => entryOf(answers, request, i)));
    expect(entries.map((e) => e?.tokens)).toEqual([5, 3, 2]);
    expect(entries.map((e) => [e?.model, e?.provider])).toEqual(Array(3).fill(['served-model', 'primary']));
  });

  it('spreads a remainder of several tokens over as many items', async () => {
    const usage: Middleware = async (ctx, next) => {
      await next();
      ctx.embeddingResponse!.usage = { prompt_tokens: 11, total_tokens: 11 };
    };
    const { client, answers } = await setup({ inner: [usage] });
    const request = req([[1], [2], [3]]);
    await client.embed(request);
    await settle();
    const entries = await Promise.all([0, 1, 2].map((i) => entryOf(answers, request, i)));
    expect(entries.map((e) => e?.tokens)).toEqual([4, 4, 3]);
  });

  it('an answer a middleware made carries no provider; a pipeline without an answer is a ConfigurationError', async () => {
    const answer: Middleware = async (ctx) => {
      ctx.embeddingResponse = { object: 'list', model: MODEL, data: [{ object: 'embedding', index: 0, embedding: [1, 2] }], usage: { prompt_tokens: 1, total_tokens: 1 } };
    };
    const answers = cache({ ttlMs: 60_000 });
    await createClient({ use: [answers, answer] }).embed(req(['a']));
    await settle();
    const entry = await entryOf(answers, req(['a']));
    expect(entry).toBeDefined();
    expect(entry).not.toHaveProperty('provider');
    const silent: Middleware = async () => {};
    await expect(createClient({ use: [cache({ ttlMs: 60_000 }), silent] }).embed(req(['a']))).rejects.toThrow(ConfigurationError);
  });

  it('uses its own clock for entry ages, not the client clock', async () => {
    const clientClock = fakeClock(5_000_000_000);
    const { client, clock, answers } = await setup({ clientClock });
    await client.embed(req(['a']));
    await settle();
    expect((await entryOf(answers, req(['a'])))?.createdAt).toBe(clock.now());
    expect((await client.embed(req(['a']))).meta.cache).toBe('hit');
  });

  it('stores through set() when the store has no setSerialized, and counts each stored item', async () => {
    const map = new Map<string, unknown>();
    const store: CacheStore = {
      get: async (k) => map.get(k) as never,
      set: async (k, e) => void map.set(k, structuredClone(e)),
      delete: async (k) => void map.delete(k),
    };
    const { client, answers } = await setup({ cache: { store } });
    await client.embed(req(['a', 'b']));
    await settle();
    expect(map.size).toBe(2);
    expect(answers.stats()).toMatchObject({ stored: 2, storeErrors: 0 });
    expect((await client.embed(req(['a', 'b']))).meta.cache).toBe('hit');
  });

  it('publishes each failed write with its key', async () => {
    const store: CacheStore = { get: async () => undefined, set: () => Promise.reject(new Error('down')), delete: async () => {} };
    const { client } = await setup({ cache: { store } });
    await client.embed(req(['a']));
    await settle();
    expect(events.filter((e) => e.status === 'error')).toEqual([{ ctx: expect.anything(), key: embeddingKeys(req(['a']))[0], status: 'error', error: new Error('down') }]);
  });
});
