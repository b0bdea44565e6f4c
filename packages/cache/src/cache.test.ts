import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  BudgetExceededError,
  CircuitOpenError,
  ConfigurationError,
  ConnectionError,
  ContentFilterError,
  FailoverError,
  RateLimitError,
  RateLimitExceededError,
  ServerError,
  TimeoutError,
  createClient,
  type Middleware,
} from '@lifeline/core';
import { cache, cacheKey, memoryStore, type CacheStore } from './index.js';
import { scriptedAdapter, textChunks } from '@lifeline/testing';
import { textResponse } from '../test/fixtures.js';
import { PRICE_PER_TOKEN } from '../test/fake-meter.js';
import { collect, rejection, req, setup, TTL } from '../test/setup.js';

const COST = 5 * PRICE_PER_TOKEN; // textResponse usage: 5 tokens

describe('cache: hits and misses', () => {
  it('answers a repeated request from the cache, at no cost, saying what it saved', async () => {
    const { client, adapter, meter } = setup();
    const first = await client.chat(req);
    expect(first.meta).toMatchObject({ cache: 'miss', costUsd: COST, provider: 'fake', attempts: 1 });
    const second = await client.chat(req);
    expect(adapter.calls).toHaveLength(1);
    expect(meter.calls).toBe(1);
    expect(second.response).toEqual(first.response);
    expect(second.meta).toMatchObject({ cache: 'hit', costUsd: 0, savedUsd: COST, provider: 'fake', model: 'm', attempts: 0 });
    expect(second.meta.attemptLog).toEqual([]);
  });

  it('leaves savedUsd out when the original cost was not metered', async () => {
    const bare = createClient({ adapter: scriptedAdapter(), use: [cache({ ttlMs: TTL })] });
    await bare.chat(req);
    const hit = await bare.chat(req);
    expect(hit.meta.cache).toBe('hit');
    expect(hit.meta.costUsd).toBe(0);
    expect('savedUsd' in hit.meta).toBe(false);
  });

  it('hands the caller of the miss its own objects, and a hit cannot be corrupted through them', async () => {
    const { client } = setup();
    const first = await client.chat(req);
    first.response.choices[0]!.message.content = 'edited by the caller';
    const hit = await client.chat(req);
    expect(hit.response.choices[0]!.message.content).toBe('Hello world');
    expect(Object.isFrozen(hit.response)).toBe(true);
  });

  it('expires entries exactly at ttlMs on the clock', async () => {
    const { client, adapter, clock } = setup();
    await client.chat(req);
    clock.advance(TTL - 1);
    expect((await client.chat(req)).meta.cache).toBe('hit');
    clock.advance(1);
    expect((await client.chat(req)).meta.cache).toBe('miss');
    expect(adapter.calls).toHaveLength(2);
  });

  it('keeps tenants apart (default scope: metadata.tenant)', async () => {
    const { client, adapter } = setup();
    expect((await client.chat(req, { metadata: { tenant: 'acme' } })).meta.cache).toBe('miss');
    expect((await client.chat(req, { metadata: { tenant: 'globex' } })).meta.cache).toBe('miss');
    expect((await client.chat(req)).meta.cache).toBe('miss');
    expect((await client.chat(req, { metadata: { tenant: 'acme' } })).meta.cache).toBe('hit');
    expect((await client.chat(req, { metadata: { tenant: 'globex' } })).meta.cache).toBe('hit');
    expect(adapter.calls).toHaveLength(3);
  });

  it('stores under cacheKey(request, scope), so an entry can be invalidated', async () => {
    const { client, cache: c } = setup();
    await client.chat(req, { metadata: { tenant: 'acme' } });
    expect(await c.store.get(cacheKey(req, 'acme'))).toBeDefined();
    await c.store.delete(cacheKey(req, 'acme'));
    expect((await client.chat(req, { metadata: { tenant: 'acme' } })).meta.cache).toBe('miss');
  });

  it('takes a custom scope and a custom key', async () => {
    const { client, adapter } = setup({
      cache: { scope: (ctx) => ctx.request.user, key: (request) => JSON.stringify(request.messages) },
    });
    await client.chat({ ...req, user: 'u1', temperature: 0 });
    expect((await client.chat({ ...req, user: 'u1', temperature: 1 })).meta.cache).toBe('hit');
    expect((await client.chat({ ...req, user: 'u2', temperature: 0 })).meta.cache).toBe('miss');
    expect(adapter.calls).toHaveLength(2);
  });

  it('reads as a miss an entry of another format version', async () => {
    const store = memoryStore();
    const { client } = setup({ cache: { store } });
    await store.set(cacheKey(req), { v: 2, kind: 'response' } as never, TTL);
    expect((await client.chat(req)).meta.cache).toBe('miss');
  });
});

describe('cache: which requests use it', () => {
  it('bypasses n > 1 by default (meta.cache stays unset)', async () => {
    const { client, adapter, cache: c } = setup();
    await client.chat({ ...req, n: 2 });
    const again = await client.chat({ ...req, n: 2 });
    expect(again.meta.cache).toBeUndefined();
    expect(adapter.calls).toHaveLength(2);
    expect(c.stats()).toMatchObject({ bypassed: 2, entries: 0 });
  });

  it('caches regardless of temperature, and n: 1', async () => {
    const { client } = setup();
    await client.chat({ ...req, temperature: 1.2, n: 1 });
    expect((await client.chat({ ...req, temperature: 1.2, n: 1 })).meta.cache).toBe('hit');
  });

  it('follows a custom when', async () => {
    const { client, adapter } = setup({ cache: { when: (ctx) => ctx.request.model !== 'm' } });
    await client.chat(req);
    await client.chat(req);
    expect(adapter.calls).toHaveLength(2);
  });

  it('metadata.cache === false neither reads nor writes', async () => {
    const { client, adapter } = setup();
    await client.chat(req);
    expect((await client.chat(req, { metadata: { cache: false } })).meta.cache).toBeUndefined();
    expect(adapter.calls).toHaveLength(2);
    const fresh = setup();
    await fresh.client.chat(req, { metadata: { cache: false } });
    expect((await fresh.client.chat(req)).meta.cache).toBe('miss');
  });

  it("cacheControl 'no-store' neither reads nor writes", async () => {
    const { client, adapter, cache: c } = setup();
    await client.chat(req);
    await client.chat(req, { metadata: { cacheControl: 'no-store' } });
    expect(adapter.calls).toHaveLength(2);
    expect(c.stats()).toMatchObject({ entries: 1, stored: 1, bypassed: 1 });
  });

  it("cacheControl 'no-cache' goes upstream and refreshes the entry", async () => {
    let n = 0;
    const { client, adapter, clock } = setup({ script: () => textResponse(`answer ${n++}`) });
    await client.chat(req);
    clock.advance(10_000);
    const refreshed = await client.chat(req, { metadata: { cacheControl: 'no-cache' } });
    expect(refreshed.meta.cache).toBe('miss');
    expect(refreshed.response.choices[0]!.message.content).toBe('answer 1');
    clock.advance(TTL - 1); // past the first entry's ttl, within the refreshed one's
    expect((await client.chat(req)).response.choices[0]!.message.content).toBe('answer 1');
    expect(adapter.calls).toHaveLength(2);
  });

  it("cacheControl 'max-age=N' accepts only entries younger than N seconds", async () => {
    const { client, adapter, clock } = setup();
    await client.chat(req);
    clock.advance(30_000);
    expect((await client.chat(req, { metadata: { cacheControl: 'max-age=31' } })).meta.cache).toBe('hit');
    expect((await client.chat(req, { metadata: { cacheControl: 'max-age=30' } })).meta.cache).toBe('miss');
    expect(adapter.calls).toHaveLength(2);
  });

  it('rejects an invalid cacheControl with a BadRequestError before any upstream call', async () => {
    const { client, adapter } = setup();
    const err = await rejection(client.chat(req, { metadata: { cacheControl: 'max-age=soon' } }));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as Error).message).toBe('cache: metadata.cacheControl max-age must be a non-negative integer number of seconds, got "max-age=soon"');
    expect(adapter.calls).toHaveLength(0);
  });
});

describe('cache: never stored', () => {
  it('errors: a failed call leaves nothing behind', async () => {
    const { client, adapter } = setup({
      script: (_r, _c, n) => { if (n === 0) throw new ServerError('upstream 503', { provider: 'fake', status: 503 }); },
    });
    const err = await rejection(client.chat(req));
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toBe('upstream 503');
    expect((await client.chat(req)).meta.cache).toBe('miss');
    expect((await client.chat(req)).meta.cache).toBe('hit');
    expect(adapter.calls).toHaveLength(2);
  });

  it('degraded answers (meta.degraded, or a response flagged lifeline.degraded)', async () => {
    const degrade: Middleware = async (ctx, next) => {
      await next();
      ctx.meta.degraded = true;
    };
    const a = setup({ inner: [degrade] });
    await a.client.chat(req);
    expect((await a.client.chat(req)).meta.cache).toBe('miss');
    const b = setup({ script: () => ({ ...textResponse('sorry'), lifeline: { degraded: true } }) });
    await b.client.chat(req);
    expect((await b.client.chat(req)).meta.cache).toBe('miss');
    expect(a.cache.stats().entries).toBe(0);
    expect(b.cache.stats().entries).toBe(0);
  });

  it("truncated answers (finish_reason 'length') unless cacheTruncated", async () => {
    const truncated = { script: () => textResponse('Once upon a', 'm', 'length') };
    const a = setup(truncated);
    await a.client.chat(req);
    expect((await a.client.chat(req)).meta.cache).toBe('miss');
    const b = setup({ ...truncated, cache: { cacheTruncated: true } });
    await b.client.chat(req);
    expect((await b.client.chat(req)).meta.cache).toBe('hit');
  });

  it('answers with an unfinished choice, or no choice at all', async () => {
    const unfinished = setup({ script: () => textResponse('partial', 'm', null as unknown as string) });
    await unfinished.client.chat(req);
    expect((await unfinished.client.chat(req)).meta.cache).toBe('miss');
    const empty = setup({ script: () => ({ ...textResponse(''), choices: [] }) });
    await empty.client.chat(req);
    expect((await empty.client.chat(req)).meta.cache).toBe('miss');
  });
});

describe('cache: stale-if-error', () => {
  const outage = (error: unknown) => (_r: unknown, _c: unknown, n: number) => {
    if (n > 0) throw error;
  };

  it.each([
    ['ServerError', new ServerError('upstream 503', { status: 503 })],
    ['RateLimitError', new RateLimitError('429 slow down', { status: 429 })],
    ['ConnectionError', new ConnectionError('ECONNRESET')],
    ['TimeoutError', new TimeoutError('attempt timed out', { kind: 'total', timeoutMs: 100 })],
    ['CircuitOpenError', new CircuitOpenError('circuit open for fake/m')],
    ['FailoverError', new FailoverError('every target failed', { errors: [] })],
    ['RateLimitExceededError', new RateLimitExceededError('local queue full')],
  ])('serves the expired entry on %s, inside the stale window', async (_name, error) => {
    const { client, clock, adapter } = setup({ cache: { staleIfErrorMs: 10_000 }, script: outage(error) });
    const first = await client.chat(req);
    clock.advance(TTL + 10_000 - 1);
    const stale = await client.chat(req);
    expect(stale.response).toEqual(first.response);
    expect(stale.meta).toMatchObject({ cache: 'stale', costUsd: 0, savedUsd: COST, provider: 'fake', model: 'm', attempts: 1 });
    expect(adapter.calls).toHaveLength(2);
  });

  it('stops serving stale at the end of the window', async () => {
    const { client, clock } = setup({ cache: { staleIfErrorMs: 10_000 }, script: outage(new ServerError('upstream 503')) });
    await client.chat(req);
    clock.advance(TTL + 10_000);
    const err = await rejection(client.chat(req));
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toBe('upstream 503');
  });

  it('serves no stale answer without staleIfErrorMs', async () => {
    const { client, clock } = setup({ script: outage(new ServerError('upstream 503')) });
    await client.chat(req);
    clock.advance(TTL);
    expect(await rejection(client.chat(req))).toBeInstanceOf(ServerError);
  });

  it.each([
    ['AbortError', new AbortError('The operation was aborted by the caller')],
    ['BadRequestError', new BadRequestError('messages[0].content is invalid', { status: 400 })],
    ['AuthenticationError', new AuthenticationError('invalid api key', { status: 401 })],
    ['ContentFilterError', new ContentFilterError('blocked by policy')],
    ['BudgetExceededError', new BudgetExceededError('budget of acme exceeded')],
  ])('never serves stale on %s', async (name, error) => {
    const { client, clock } = setup({ cache: { staleIfErrorMs: 10_000 }, script: outage(error) });
    await client.chat(req);
    clock.advance(TTL);
    const err = await rejection(client.chat(req));
    expect((err as Error).name).toBe(name);
    expect((err as Error).message).toBe((error as Error).message);
  });

  it("never serves stale when the caller aborts", async () => {
    const controller = new AbortController();
    const { client, clock } = setup({
      cache: { staleIfErrorMs: 10_000 },
      script: (_r, call, n) => {
        if (n > 0) controller.abort();
        if (call.signal.aborted) throw new AbortError('The operation was aborted by the caller');
      },
    });
    await client.chat(req);
    clock.advance(TTL);
    const err = await rejection(client.chat(req, { signal: controller.signal }));
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).message).toBe('The operation was aborted by the caller');
  });

  it("serves stale when the call's own timeoutMs fires", async () => {
    const { client, clock } = setup({
      cache: { staleIfErrorMs: 10_000 },
      script: (_r, call, n) =>
        n === 0 ? undefined : new Promise((_, reject) => call.signal.addEventListener('abort', () => reject(call.signal.reason), { once: true })),
    });
    await client.chat(req);
    clock.advance(TTL);
    const pending = client.chat(req, { timeoutMs: 5_000 });
    await new Promise((r) => setImmediate(r));
    clock.advance(5_000);
    const { response, meta } = await pending;
    expect(meta.cache).toBe('stale');
    expect(response.choices[0]?.message.content).toBeTruthy();
  });
});

describe('cache: events, stats, store failures', () => {
  const seen: unknown[] = [];
  const listener = (msg: unknown) => seen.push(msg);
  afterEach(() => {
    unsubscribe('lifeline:cache', listener);
    seen.length = 0;
  });

  it("publishes each lookup on 'lifeline:cache' with the key and status", async () => {
    subscribe('lifeline:cache', listener);
    const { client } = setup();
    await client.chat(req);
    await client.chat(req);
    await client.chat(req, { metadata: { cache: false } });
    const key = cacheKey(req);
    expect(seen.map((m) => (m as { status: string }).status)).toEqual(['miss', 'stored', 'hit', 'bypass']);
    expect(seen.slice(0, 3).every((m) => (m as { key: string }).key === key)).toBe(true);
  });

  it('counts hits, misses, stores, and reports the store size', async () => {
    const { client, cache: c } = setup();
    await client.chat(req);
    await client.chat(req);
    await client.chat({ ...req, model: 'other' });
    const stats = c.stats();
    expect(stats).toMatchObject({ entries: 2, hits: 1, misses: 2, stale: 0, coalesced: 0, bypassed: 0, stored: 2, storeErrors: 0, inFlight: 0 });
    expect(stats.bytes).toBeGreaterThan(400);
  });

  it('hands a store with setSerialized the entry JSON, made once; set is not called', async () => {
    const memory = memoryStore();
    const calls: string[] = [];
    const store: CacheStore = {
      get: (key) => memory.get(key),
      set: (key, entry, ttlMs) => { calls.push('set'); return memory.set(key, entry, ttlMs); },
      setSerialized: (key, json, ttlMs) => { calls.push(json); return memory.setSerialized(key, json, ttlMs); },
      delete: (key) => memory.delete(key),
    };
    const { client } = setup({ cache: { store } });
    const miss = await client.chat(req);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toBe(JSON.stringify(await memory.get(cacheKey(req))));
    expect(JSON.parse(calls[0]!)).toMatchObject({ v: 1, kind: 'response', response: miss.response, provider: 'fake', model: 'm', costUsd: COST });
    expect((await client.chat(req)).meta.cache).toBe('hit');
  });

  it('keeps serving a store that has only set(): it gets the entry object, before the caller can touch it', async () => {
    const saved = new Map<string, string>();
    const store: CacheStore = {
      get: async (key) => (saved.has(key) ? JSON.parse(saved.get(key)!) : undefined),
      set: async (key, entry) => { saved.set(key, JSON.stringify(entry)); },
      delete: async (key) => { saved.delete(key); },
    };
    const { client } = setup({ cache: { store }, script: { chunks: textChunks(['Paris']) } });
    const first = await client.chat(req, { metadata: { tenant: 'json' } });
    first.response.choices[0]!.message.content = 'edited by the caller';
    const streamed = await collect(client.stream(req));
    expect(JSON.parse(saved.get(cacheKey(req, 'json'))!)).toMatchObject({ v: 1, kind: 'response', model: 'm' });
    expect(JSON.parse(saved.get(cacheKey(req))!)).toMatchObject({ v: 1, kind: 'chunks', chunks: streamed, model: 'm' });
    expect((await client.chat(req, { metadata: { tenant: 'json' } })).response.choices[0]!.message.content).toBe('Hello world');
    expect(await collect(client.stream(req))).toEqual(streamed);
  });

  it('answers, but does not store, an answer JSON cannot carry', async () => {
    subscribe('lifeline:cache', listener);
    const { client, cache: c } = setup({ script: () => ({ ...textResponse('big'), extra: 1n }) });
    const first = await client.chat(req);
    expect(first.meta.cache).toBe('miss');
    expect(first.response.extra).toBe(1n);
    expect((await client.chat(req)).meta.cache).toBe('miss');
    expect(c.stats()).toMatchObject({ entries: 0, stored: 0, storeErrors: 2, inFlight: 0 });
    const errors = seen.filter((m) => (m as { status: string }).status === 'error').map((m) => (m as { error: Error }).error);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect(errors[0]!.message).toBe('Do not know how to serialize a BigInt');
  });

  it('counts the bytes of exactly the JSON it keeps, for JSON and streamed answers alike', async () => {
    const { client, cache: c } = setup({ script: { chunks: textChunks(['Paris', ' is', ' the', ' capital']) } });
    await collect(client.stream(req));
    await client.chat(req, { metadata: { tenant: 'acme' } });
    const keys = [cacheKey(req), cacheKey(req, 'acme')];
    let bytes = 0;
    for (const key of keys) bytes += Buffer.byteLength(JSON.stringify(await c.store.get(key))) + key.length;
    expect(c.stats().bytes).toBe(bytes);
  });

  it('keeps answering when the store fails: a failed read is a miss, a failed write is not stored', async () => {
    subscribe('lifeline:cache', listener);
    const broken: CacheStore = {
      get: () => Promise.reject(new Error('redis down')),
      set: () => Promise.reject(new Error('redis down')),
      delete: () => Promise.resolve(),
    };
    const { client, cache: c } = setup({ cache: { store: broken } });
    expect((await client.chat(req)).meta.cache).toBe('miss');
    await new Promise((r) => setImmediate(r));
    expect(c.stats()).toMatchObject({ storeErrors: 2, stored: 0, entries: undefined, bytes: undefined });
    expect(seen.filter((m) => (m as { status: string }).status === 'error')).toHaveLength(2);
  });
});

describe('cache: options', () => {
  it.each([
    [{ ttlMs: -1 }, 'cache: ttlMs must be a non-negative number of milliseconds, got -1'],
    [{}, 'cache: ttlMs must be a non-negative number of milliseconds, got undefined'],
    [{ ttlMs: Infinity }, 'cache: ttlMs must be a non-negative number of milliseconds, got Infinity'],
    [{ ttlMs: 0 }, 'cache: ttlMs 0 keeps answers only for stale-if-error and max-age requests, so staleIfErrorMs must be positive, got undefined'],
    [{ ttlMs: 0, staleIfErrorMs: 0 }, 'cache: ttlMs 0 keeps answers only for stale-if-error and max-age requests, so staleIfErrorMs must be positive, got 0'],
    [{ ttlMs: 1, staleIfErrorMs: -1 }, 'cache: staleIfErrorMs must be a non-negative number of milliseconds, got -1'],
    [{ ttlMs: 1, store: {} }, 'cache: store must have get, set and delete methods'],
    [{ ttlMs: 1, scope: 'tenant' }, 'cache: scope must be a function, got string'],
    [{ ttlMs: 1, key: 1 }, 'cache: key must be a function, got number'],
    [{ ttlMs: 1, when: true }, 'cache: when must be a function, got boolean'],
    [{ ttlMs: 1, coalesce: 'yes' }, 'cache: coalesce must be a boolean, got yes'],
    [{ ttlMs: 1, cacheTruncated: 1 }, 'cache: cacheTruncated must be a boolean, got 1'],
    [{ ttlMs: 1, recordStreams: 'json' }, `cache: recordStreams must be 'chunks' or 'answer', got "json"`],
    [{ ttlMs: 1, recordStreams: true }, "cache: recordStreams must be 'chunks' or 'answer', got true"],
  ])('rejects %j', (options, message) => {
    expect(() => cache(options as never)).toThrow(ConfigurationError);
    expect(() => cache(options as never)).toThrow(message);
  });

  it('is a named middleware', () => {
    expect(cache({ ttlMs: 1 }).name).toBe('cache');
  });
});
