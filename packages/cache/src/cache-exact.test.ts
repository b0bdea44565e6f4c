/** cache() for chat calls: exact entries, reasons, events, stale boundaries and the single-flight primitives. */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { AbortError, type ChatResponse, createClient, type Middleware, ServerError } from '@lifeline/core';
import { fakeClock, scriptedAdapter } from '@lifeline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { textResponse } from '../test/fixtures.js';
import { collect, rejection, req, setup, TTL } from '../test/setup.js';
import { type CacheEntry, deepFreeze, isCacheEntry } from './entry.js';
import { cache, cacheKey, memoryStore } from './index.js';
import { Flight, FlightRegistry } from './single-flight.js';
import type { CacheStore } from './store.js';

const events: Array<{ status: string; key?: string; reason?: string }> = [];
const onCache = (m: unknown) => events.push(m as (typeof events)[number]);
beforeAll(() => subscribe('lifeline:cache', onCache));
afterAll(() => unsubscribe('lifeline:cache', onCache));
afterEach(() => {
  events.length = 0;
});
const settle = () => new Promise((r) => setImmediate(r));
const statuses = () => events.map((e) => e.status);

describe('isCacheEntry()', () => {
  const base = { v: 1, createdAt: 1, expiresAt: 2, staleUntil: 3 };
  it('accepts the three kinds', () => {
    expect(isCacheEntry({ ...base, kind: 'response', response: { choices: [] } })).toBe(true);
    expect(isCacheEntry({ ...base, kind: 'chunks', chunks: [] })).toBe(true);
    expect(isCacheEntry({ ...base, kind: 'embedding', vector: 'AAAA', format: 'base64', tokens: 1 })).toBe(true);
    expect(isCacheEntry({ ...base, kind: 'embedding', vector: 'AAAA', format: 'f64', tokens: 1 })).toBe(true);
  });

  it('refuses anything else', () => {
    const bad: unknown[] = [
      null,
      'entry',
      { ...base, v: 2, kind: 'chunks', chunks: [] },
      { ...base, expiresAt: '2', kind: 'chunks', chunks: [] },
      { ...base, staleUntil: null, kind: 'chunks', chunks: [] },
      { ...base, createdAt: undefined, kind: 'chunks', chunks: [] },
      { ...base, kind: 'response', response: null },
      { ...base, kind: 'response', response: 'x' },
      { ...base, kind: 'response', response: { choices: {} } },
      { ...base, kind: 'chunks', chunks: 'x' },
      { ...base, kind: 'embedding', vector: 1, format: 'base64', tokens: 1 },
      { ...base, kind: 'embedding', vector: 'A', format: 'f32', tokens: 1 },
      { ...base, kind: 'embedding', vector: 'A', format: 'f64', tokens: '1' },
      { ...base, kind: 'other' },
    ];
    for (const value of bad) expect(isCacheEntry(value), JSON.stringify(value)).toBe(false);
  });

  it('deepFreeze leaves primitives and null alone', () => {
    expect(deepFreeze(null)).toBeNull();
    expect(deepFreeze(3)).toBe(3);
    const o = deepFreeze({ a: { b: [1] } });
    expect(Object.isFrozen(o.a.b)).toBe(true);
  });
});

describe('cache(): what an entry records', () => {
  it('the provider, the model that answered and the cost, only when known', async () => {
    const store = memoryStore();
    const answer: Middleware = async (ctx) => {
      ctx.response = textResponse('made here', '');
    };
    const client = createClient({ use: [cache({ ttlMs: TTL, store }), answer] });
    await client.chat(req);
    await settle();
    const entry = (await store.get(cacheKey(req))) as CacheEntry;
    expect(Object.keys(entry).sort()).toEqual(['createdAt', 'expiresAt', 'kind', 'response', 'staleUntil', 'v']);
    const { meta } = await client.chat(req);
    expect(meta.cache).toBe('hit');
    expect(meta.model).toBe('');
    expect('provider' in meta).toBe(false);
  });

  it('the model the pipeline reported over the one in the answer; a NaN cost is left out', async () => {
    const store = memoryStore();
    const relabel: Middleware = async (ctx, next) => {
      await next();
      ctx.meta.model = 'routed-model';
      ctx.meta.costUsd = Number.NaN;
    };
    const client = createClient({ adapter: scriptedAdapter(), use: [cache({ ttlMs: TTL, store }), relabel] });
    await client.chat(req);
    await settle();
    const entry = (await store.get(cacheKey(req))) as CacheEntry;
    expect(entry.model).toBe('routed-model');
    expect(entry).not.toHaveProperty('costUsd');
    expect(entry.provider).toBe('fake');
  });

  it('serves a recorded stream under the model of its first chunk when none was recorded', async () => {
    const store = memoryStore();
    const answer: Middleware = async (ctx) => {
      ctx.stream = (async function* () {
        yield { id: 'c', object: 'chat.completion.chunk' as const, created: 1, model: 'first-chunk-model', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] };
        yield { id: 'c', object: 'chat.completion.chunk' as const, created: 1, model: '', choices: [{ index: 0, delta: {}, finish_reason: 'stop' as const }] };
      })();
    };
    const client = createClient({ use: [cache({ ttlMs: TTL, store }), answer] });
    await collect(client.stream(req));
    await settle();
    const { meta } = await client.chat(req);
    expect(meta).toMatchObject({ cache: 'hit', model: 'first-chunk-model' });
  });
});

describe('cache(): why an answer is not stored', () => {
  it('publishes not-stored with the reason', async () => {
    const cases: Array<[ChatResponse, string]> = [
      [{ ...textResponse('x'), choices: [] }, 'no choices'],
      [textResponse('x', 'm', null), 'a choice has no finish_reason'],
      [textResponse('x', 'm', 'length'), 'truncated (finish_reason: length)'],
      [{ ...textResponse('x'), lifeline: { degraded: true } }, 'degraded answer'],
    ];
    for (const [response, reason] of cases) {
      events.length = 0;
      const { client } = setup({ script: [response] });
      await client.chat(req);
      expect(events.filter((e) => e.status === 'not-stored')).toEqual([{ ctx: expect.anything(), key: cacheKey(req), status: 'not-stored', reason }]);
    }
    events.length = 0;
    const degrade: Middleware = async (ctx, next) => {
      await next();
      ctx.meta.degraded = true;
    };
    const { client } = setup({ inner: [degrade] });
    await client.chat(req);
    expect(events.find((e) => e.status === 'not-stored')?.reason).toBe('degraded answer');
  });
});

describe('cache(): stale-if-error boundaries', () => {
  const down = () => new ServerError('down', { status: 503 });

  it('serves stale until exactly staleUntil, then keeps the error; counts and publishes it', async () => {
    const { client, clock, cache: c } = setup({ cache: { staleIfErrorMs: 10_000 }, script: ['ok', down(), down()] });
    await client.chat(req);
    clock.advance(TTL + 10_000 - 1);
    events.length = 0;
    const stale = await client.chat(req);
    expect(stale.meta.cache).toBe('stale');
    expect(statuses()).toEqual(['miss', 'stale']);
    expect(events[1]).toEqual({ ctx: expect.anything(), key: cacheKey(req), status: 'stale', error: expect.any(ServerError) });
    expect(c.stats().stale).toBe(1);
    clock.advance(1);
    expect(await rejection(client.chat(req))).toBeInstanceOf(ServerError);
  });

  it('an entry whose stale window ends while the call is in flight is not served', async () => {
    let clockRef: ReturnType<typeof fakeClock> | undefined;
    const slow: Middleware = async (_ctx, next) => {
      clockRef!.advance(5_000);
      await next();
    };
    const { client, clock } = setup({ cache: { staleIfErrorMs: 10_000 }, inner: [slow], script: ['ok', down()] });
    clockRef = clock;
    await client.chat(req);
    clock.advance(TTL + 7_000);
    expect(await rejection(client.chat(req))).toBeInstanceOf(ServerError);
  });

  it('with the default staleIfErrorMs, never serves an entry that no-cache skipped', async () => {
    const { client } = setup({ script: ['ok', down()] });
    await client.chat(req);
    expect(await rejection(client.chat(req, { metadata: { cacheControl: 'no-cache' } }))).toBeInstanceOf(ServerError);
  });

  it('with staleIfErrorMs, serves the entry no-cache skipped when the call fails with an outage, until staleUntil', async () => {
    const { client, clock } = setup({ cache: { staleIfErrorMs: 5_000 }, script: ['ok', down(), down()] });
    const first = await client.chat(req);
    clock.advance(TTL + 4_999);
    const stale = await client.chat(req, { metadata: { cacheControl: 'no-cache' } });
    expect([stale.meta.cache, stale.response]).toEqual(['stale', first.response]);
    clock.advance(1);
    expect(await rejection(client.chat(req, { metadata: { cacheControl: 'no-cache' } }))).toBeInstanceOf(ServerError);
  });

  it('drops a stored entry at exactly staleUntil even from a store that still returns it', async () => {
    const clock = fakeClock(1_000_000);
    const kept = new Map<string, CacheEntry>();
    const store: CacheStore = { get: async (k) => kept.get(k), set: async (k, e) => void kept.set(k, structuredClone(e)), delete: async (k) => void kept.delete(k) };
    const adapter = scriptedAdapter(['ok', down()]);
    const client = createClient({ adapter, clock, use: [cache({ ttlMs: TTL, staleIfErrorMs: 10_000, store, clock })] });
    await client.chat(req);
    await settle();
    clock.advance(TTL + 10_000);
    expect(await rejection(client.chat(req))).toBeInstanceOf(ServerError);
  });
});

describe('cache(): options reach the store and the reads', () => {
  it('gives its clock to the default memory store', async () => {
    const clock = fakeClock(1_000_000);
    const client = createClient({ adapter: scriptedAdapter(), use: [cache({ ttlMs: TTL, clock })] });
    await client.chat(req);
    clock.advance(TTL - 1);
    expect((await client.chat(req)).meta.cache).toBe('hit');
  });

  it('reads chat entries with get() and embedding items with peek()', async () => {
    const inner = memoryStore();
    const calls: string[] = [];
    const store: CacheStore = {
      get: (k) => (calls.push('get'), inner.get(k)),
      peek: (k) => (calls.push('peek'), inner.get(k)),
      set: (k, e, t) => inner.set(k, e, t),
      delete: (k) => inner.delete(k),
    };
    const answer: Middleware = async (ctx) => {
      if (ctx.operation === 'embed') ctx.embeddingResponse = { object: 'list', model: 'e', data: [{ object: 'embedding', index: 0, embedding: [1] }], usage: { prompt_tokens: 1, total_tokens: 1 } };
      else ctx.response = textResponse('x');
    };
    const client = createClient({ use: [cache({ ttlMs: TTL, store }), answer] });
    await client.chat(req);
    expect(calls).toEqual(['get']);
    calls.length = 0;
    await client.embed({ model: 'e', input: 'a' });
    expect(calls).toEqual(['peek']);
  });

  it('an embedding entry under a chat key reads as a miss', async () => {
    const store = memoryStore();
    await store.set(cacheKey(req), { v: 1, kind: 'embedding', vector: 'AAAA', format: 'base64', tokens: 1, createdAt: 1_000_000, expiresAt: 9e15, staleUntil: 9e15 }, 60_000);
    const client = createClient({ adapter: scriptedAdapter(), use: [cache({ ttlMs: TTL, store })] });
    expect((await client.chat(req)).meta.cache).toBe('miss');
  });

  it('stats() without coalescing reports nothing in flight', () => {
    expect(cache({ ttlMs: TTL, coalesce: false }).stats()).toMatchObject({ inFlight: 0, waiting: 0 });
  });
});

describe('single flight: Flight and FlightRegistry', () => {
  it('settles once: later outcomes are ignored and say so', async () => {
    const flight = new Flight();
    expect(flight.settled).toBe(false);
    expect(flight.settle({ kind: 'abandoned' })).toBe(true);
    expect(flight.settled).toBe(true);
    expect(flight.settle({ kind: 'error', error: new Error('late') })).toBe(false);
    expect(await flight.join(new AbortController().signal)).toEqual({ kind: 'abandoned' });
  });

  it("a follower that aborts gets its own abort reason and stops counting; the others still get the outcome", async () => {
    const flight = new Flight();
    const a = new AbortController();
    const b = new AbortController();
    const first = flight.join(a.signal).catch((e: unknown) => e);
    const second = flight.join(b.signal);
    expect(flight.waiting).toBe(2);
    a.abort();
    expect(flight.waiting).toBe(1);
    expect(await first).toBeInstanceOf(AbortError);
    flight.settle({ kind: 'abandoned' });
    expect(await second).toEqual({ kind: 'abandoned' });
    expect(flight.waiting).toBe(0);
    b.abort();
    await expect(flight.join(AbortSignal.abort())).rejects.toBeInstanceOf(AbortError);
  });

  it('close() forgets a flight only if it is still the one for the key', () => {
    const registry = new FlightRegistry();
    const old = registry.open('k');
    const current = registry.open('k');
    registry.close('k', old);
    expect(registry.get('k')).toBe(current);
    registry.end('k', current, { kind: 'abandoned' });
    expect(registry.get('k')).toBeUndefined();
    expect(registry.size).toBe(0);
  });
});

describe('cache(): the meta of an answer from the cache', () => {
  const spent: Middleware = async (ctx, next) => {
    ctx.meta.costUsd = 0.5;
    await next();
  };

  it('a hit costs nothing whatever was counted before; a stale answer keeps what the failed attempts cost', async () => {
    const clock = fakeClock(1_000_000);
    const adapter = scriptedAdapter(['ok', new ServerError('down', { status: 503 })]);
    const client = createClient({ adapter, clock, use: [spent, cache({ ttlMs: TTL, staleIfErrorMs: 60_000 })] });
    await client.chat(req);
    const hit = await client.chat(req);
    expect(hit.meta).toMatchObject({ cache: 'hit', costUsd: 0 });
    expect('degraded' in hit.meta).toBe(false);
    clock.advance(TTL);
    const stale = await client.chat(req);
    expect(stale.meta).toMatchObject({ cache: 'stale', costUsd: 0.5 });
  });
});
