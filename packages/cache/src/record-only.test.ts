/** `ttlMs: 0`: answers are recorded for stale-if-error and for callers asking with max-age, never served fresh on their own. */
import { BadRequestError, ServerError } from '@lifeline/core';
import type { AdapterScript } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { memoryStore } from './memory-store.js';
import type { CacheStore } from './store.js';
import { collect, deferred, rejection, req, setup } from '../test/setup.js';

const STALE = 86_400_000;
const recordOnly = (script?: AdapterScript) => setup({ cache: { ttlMs: 0, staleIfErrorMs: STALE }, ...(script !== undefined && { script }) });

describe('cache({ ttlMs: 0 }): record only', () => {
  it('every call goes upstream (meta.cache: miss), and each answer refreshes the recording', async () => {
    const { client, adapter, cache: c, clock } = recordOnly((_r, _c, n) => ({ text: `Answer ${n}` }));
    const first = await client.chat(req);
    const second = await client.chat(req);
    expect([first.meta.cache, second.meta.cache]).toEqual(['miss', 'miss']);
    expect([first.response.choices[0]!.message.content, second.response.choices[0]!.message.content]).toEqual(['Answer 0', 'Answer 1']);
    expect(adapter.calls).toHaveLength(2);
    expect(c.stats()).toMatchObject({ hits: 0, misses: 2, stored: 2, entries: 1 });
    clock.advance(1);
    const recorded = await client.chat(req, { metadata: { cacheControl: 'max-age=60' } });
    expect(recorded.meta.cache).toBe('hit');
    expect(recorded.response.choices[0]!.message.content).toBe('Answer 1');
  });

  it('serves the recording stale when the call fails with an outage, until staleIfErrorMs after it was made', async () => {
    const { client, clock } = recordOnly((_r, _c, n) => {
      if (n > 0) throw new ServerError('upstream 503', { status: 503 });
    });
    const first = await client.chat(req);
    clock.advance(STALE - 1);
    const stale = await client.chat(req);
    expect(stale.response).toEqual(first.response);
    expect(stale.meta).toMatchObject({ cache: 'stale', costUsd: 0 });
    clock.advance(1);
    const err = await rejection(client.chat(req));
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toBe('upstream 503');
  });

  it("a caller's max-age=N gets a hit from a recording younger than N s, and only then", async () => {
    const { client, adapter, clock } = recordOnly();
    await client.chat(req);
    clock.advance(59_999);
    expect((await client.chat(req, { metadata: { cacheControl: 'max-age=60' } })).meta.cache).toBe('hit');
    clock.advance(1);
    expect((await client.chat(req, { metadata: { cacheControl: 'max-age=60' } })).meta.cache).toBe('miss');
    expect(adapter.calls).toHaveLength(2);
  });

  it('concurrent identical calls each get their own answer; only max-age callers share one in flight', async () => {
    const gate = deferred();
    const { client, adapter } = recordOnly(async (_r, _c, n) => {
      await gate.promise;
      return { text: `Answer ${n}` };
    });
    const asking = { metadata: { cacheControl: 'max-age=60' } };
    const calls = [client.chat(req, asking), client.chat(req, asking), client.chat(req), client.chat(req)];
    gate.resolve();
    const results = await Promise.all(calls);
    expect(adapter.calls).toHaveLength(3);
    expect(results.map((r) => [r.meta.cache, r.response.choices[0]!.message.content])).toEqual([
      ['miss', 'Answer 0'],
      ['coalesced', 'Answer 0'],
      ['miss', 'Answer 1'],
      ['miss', 'Answer 2'],
    ]);
  });

  it('streams are recorded as their answer and replayed to a max-age caller as that answer (the default here)', async () => {
    const { client, adapter } = recordOnly(() => ({ text: 'Alpha beta gamma delta', usage: { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 } }));
    const first = client.stream(req);
    const chunks = await collect(first);
    expect(chunks.length).toBeGreaterThan(4);
    const s = client.stream(req, { metadata: { cacheControl: 'max-age=5' } });
    const replayed = await collect(s);
    const content = (cs: typeof chunks) => cs.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(content(replayed)).toBe('Alpha beta gamma delta');
    const [original, again] = [(await first.result).response, (await s.result).response];
    expect(again.choices).toEqual(original.choices);
    expect(again.usage).toEqual(original.usage);
    expect((await s.result).meta.cache).toBe('hit');
    expect(adapter.calls).toHaveLength(1);
  });

  it("with recordStreams: 'chunks' a stream is recorded and replayed chunk for chunk", async () => {
    const { client, adapter } = setup({ cache: { ttlMs: 0, staleIfErrorMs: STALE, recordStreams: 'chunks' } });
    const first = await collect(client.stream(req));
    const s = client.stream(req, { metadata: { cacheControl: 'max-age=5' } });
    expect(await collect(s)).toEqual(first);
    expect((await s.result).meta.cache).toBe('hit');
    expect(adapter.calls).toHaveLength(1);
  });

  it('the stored entry is the answer when recording answers, the chunks otherwise', async () => {
    const kinds = async (cacheOptions: NonNullable<Parameters<typeof setup>[0]>['cache']) => {
      const inner = memoryStore();
      const written: string[] = [];
      const store: CacheStore = {
        ...inner,
        async set(key, entry, ttlMs) {
          written.push(entry.kind);
          return inner.set(key, entry, ttlMs);
        },
        async setSerialized(key: string, json: string, ttlMs: number) {
          written.push((JSON.parse(json) as { kind: string }).kind);
          return inner.setSerialized(key, json, ttlMs);
        },
      } as CacheStore;
      const { client } = setup({ cache: { ...cacheOptions, store } });
      await collect(client.stream(req));
      return written;
    };
    expect(await kinds({ ttlMs: 0, staleIfErrorMs: STALE })).toEqual(['response']);
    expect(await kinds({ ttlMs: 60_000 })).toEqual(['chunks']);
    expect(await kinds({ ttlMs: 60_000, recordStreams: 'answer' })).toEqual(['response']);
  });

  describe('reads the recording only when a call fails', () => {
    /** A memory store whose reads are counted (a spread copy: the cache uses its async `get`). */
    function countingStore(failReads = false) {
      const inner = memoryStore();
      const counts = { reads: 0 };
      const store: CacheStore = {
        ...inner,
        async get(key) {
          counts.reads++;
          if (failReads) throw new Error('store down');
          return inner.get(key);
        },
      };
      return { store, counts };
    }
    const failingAfterFirst = (error: Error) => (_r: unknown, _c: unknown, n: number) => {
      if (n > 0) throw error;
      return { text: `Answer ${n}` };
    };

    it('a call that answers makes no store read (nothing could be served before it), and still records', async () => {
      const { store, counts } = countingStore();
      const { client, cache: c } = setup({ cache: { ttlMs: 0, staleIfErrorMs: STALE, store } });
      for (let i = 0; i < 3; i++) expect((await client.chat(req)).meta.cache).toBe('miss');
      const s = client.stream(req);
      await collect(s);
      expect((await s.result).meta.cache).toBe('miss');
      expect(counts.reads).toBe(0);
      expect(c.stats()).toMatchObject({ stored: 4, misses: 4, stale: 0 });
    });

    it('an outage reads it once and serves it stale; a max-age caller reads it before the call', async () => {
      const { store, counts } = countingStore();
      const { client } = setup({ cache: { ttlMs: 0, staleIfErrorMs: STALE, store }, script: failingAfterFirst(new ServerError('upstream 503', { status: 503 })) });
      const first = await client.chat(req);
      const stale = await client.chat(req);
      expect([stale.meta.cache, stale.response]).toEqual(['stale', first.response]);
      expect(counts.reads).toBe(1);
      expect((await client.chat(req, { metadata: { cacheControl: 'max-age=60' } })).meta.cache).toBe('hit');
      expect(counts.reads).toBe(2);
    });

    it('an error that is not an outage is thrown as is, without a read', async () => {
      const { store, counts } = countingStore();
      const { client } = setup({ cache: { ttlMs: 0, staleIfErrorMs: STALE, store }, script: failingAfterFirst(new BadRequestError('bad request', { status: 400 })) });
      await client.chat(req);
      const err = await rejection(client.chat(req));
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as Error).message).toBe('bad request');
      expect(counts.reads).toBe(0);
    });

    it('a store that fails the read after an outage: the outage is thrown, the store error counted', async () => {
      const { store, counts } = countingStore(true);
      const { client, cache: c } = setup({ cache: { ttlMs: 0, staleIfErrorMs: STALE, store }, script: failingAfterFirst(new ServerError('upstream 503', { status: 503 })) });
      await client.chat(req);
      const err = await rejection(client.chat(req));
      expect(err).toBeInstanceOf(ServerError);
      expect((err as Error).message).toBe('upstream 503');
      expect(counts.reads).toBe(1);
      expect(c.stats()).toMatchObject({ storeErrors: 1, stale: 0 });
    });
  });
});
