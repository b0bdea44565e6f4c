/** Single-flight details: what followers are told, what is serialised when, and leaders that answer nothing. */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { ConfigurationError, createClient, type Middleware } from '@lifeline/core';
import { chatChunk as chunk, flush, scriptedAdapter } from '@lifeline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { textResponse } from '../test/fixtures.js';
import { deferred, rejection, req, setup, TTL } from '../test/setup.js';
import { cache, cacheKey } from './index.js';
import type { CacheStore } from './store.js';

const events: Array<{ status: string; key?: string }> = [];
const onCache = (m: unknown) => events.push(m as (typeof events)[number]);
beforeAll(() => subscribe('lifeline:cache', onCache));
afterAll(() => unsubscribe('lifeline:cache', onCache));
afterEach(() => {
  events.length = 0;
});

describe('single-flight: details', () => {
  it('followers of a degraded answer are told it is degraded; of a truncated one, not', async () => {
    for (const [response, degraded] of [
      [{ ...textResponse('sorry'), lifeline: { degraded: true } }, true],
      [textResponse('cut', 'm', 'length'), false],
    ] as const) {
      const gate = deferred();
      const { client } = setup({ script: () => gate.promise.then(() => response) });
      const leader = client.chat(req);
      const follower = client.chat(req);
      await flush();
      gate.resolve();
      await leader;
      const { meta } = await follower;
      expect(meta.cache).toBe('coalesced');
      expect('degraded' in meta).toBe(degraded);
    }
  });

  it('publishes coalesced for each follower, with the key', async () => {
    const gate = deferred();
    const { client } = setup({ script: () => gate.promise });
    const calls = [client.chat(req), client.chat(req)];
    await flush();
    gate.resolve();
    await Promise.all(calls);
    expect(events.filter((e) => e.status === 'coalesced')).toEqual([{ ctx: expect.anything(), key: cacheKey(req), status: 'coalesced' }]);
  });

  it('never serialises an answer that is neither stored nor awaited', async () => {
    const { client, cache: c } = setup({ script: [{ ...textResponse('cut', 'm', 'length'), big: 1n } as never] });
    await client.chat(req);
    expect(c.stats()).toMatchObject({ storeErrors: 0, stored: 0 });
    const plain = createClient({ adapter: scriptedAdapter([{ ...textResponse('cut', 'm', 'length'), big: 1n } as never]), use: [cache({ ttlMs: TTL, coalesce: false })] });
    expect((await plain.chat(req)).meta.cache).toBe('miss');
  });

  it('serialises an answer once for a store without setSerialized', async () => {
    let serialised = 0;
    const response = { ...textResponse('hi'), toJSON() { serialised++; const { toJSON: _, ...rest } = this; return rest; } };
    const kept = new Map<string, string>();
    const store: CacheStore = { get: async (k) => (kept.has(k) ? JSON.parse(kept.get(k)!) : undefined), set: async (k, e) => void kept.set(k, JSON.stringify(e)), delete: async (k) => void kept.delete(k) };
    const client = createClient({ adapter: scriptedAdapter([response as never]), use: [cache({ ttlMs: TTL, store, coalesce: false })] });
    await client.chat(req);
    await new Promise((r) => setImmediate(r));
    expect(serialised).toBe(1);
    expect(kept.size).toBe(1);
  });

  it('an answer JSON cannot carry is handed to no one: its followers start over', async () => {
    const gate = deferred();
    const { client, adapter, cache: c } = setup({ script: (_r, _c, n) => (n === 0 ? gate.promise.then(() => ({ ...textResponse('big'), big: 1n }) as never) : textResponse('plain')) });
    const leader = client.chat(req);
    const follower = client.chat(req);
    await flush();
    gate.resolve();
    expect((await leader).response.choices[0]!.message.content).toBe('big');
    const { response, meta } = await follower;
    expect(meta.cache).toBe('miss');
    expect(response.choices[0]!.message.content).toBe('plain');
    expect(adapter.calls).toHaveLength(2);
    expect(c.stats().storeErrors).toBe(1);
  });

  it('a pipeline that answers nothing fails every caller with a ConfigurationError and leaves no flight behind', async () => {
    const nothing: Middleware = async () => {};
    const answers = cache({ ttlMs: TTL });
    const client = createClient({ use: [answers, nothing] });
    const errors = await Promise.all([rejection(client.chat(req)), rejection(client.chat(req))]);
    for (const e of errors) expect(e).toBeInstanceOf(ConfigurationError);
    expect(answers.stats()).toMatchObject({ inFlight: 0, waiting: 0 });
  });

  it('without coalescing, an answer that is not stored is simply passed on', async () => {
    const client = createClient({ adapter: scriptedAdapter([textResponse('cut', 'm', 'length')]), use: [cache({ ttlMs: TTL, coalesce: false })] });
    expect((await client.chat(req)).response.choices[0]!.message.content).toBe('cut');
  });

  it("a streaming leader's caller that aborts while not reading releases the followers at once", async () => {
    const hold = deferred();
    const { client, adapter } = setup({
      script: (_r, _c, n) => (n === 0 ? { chunks: [chunk({ role: 'assistant', content: 'a' }), chunk({ content: 'b' }), chunk({}, 'stop')], hold: { afterChunks: 1, until: () => hold.promise } } : undefined),
    });
    const controller = new AbortController();
    const leader = client.stream(req, { signal: controller.signal });
    const it = leader[Symbol.asyncIterator]();
    await it.next();
    const follower = client.chat(req);
    await flush();
    controller.abort();
    const { meta } = await follower;
    expect(meta.cache).toBe('miss');
    expect(adapter.calls).toHaveLength(2);
    hold.resolve();
    await rejection(it.next());
  });
});
