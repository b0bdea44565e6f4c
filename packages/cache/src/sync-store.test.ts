import { describe, expect, it } from 'vitest';
import { memoryStore, type CacheStore } from './index.js';
import { req, setup } from '../test/setup.js';

describe('cache: a store that answers at once, and one that does not', () => {
  it('reads and writes the memory store through its synchronous methods (its async ones are never called)', async () => {
    const store = memoryStore();
    const calls: string[] = [];
    store.get = async () => {
      calls.push('get');
      return undefined;
    };
    store.setSerialized = async () => {
      calls.push('setSerialized');
    };
    const { client, adapter, cache } = setup({ cache: { store } });
    expect((await client.chat(req)).meta.cache).toBe('miss');
    expect((await client.chat(req)).meta.cache).toBe('hit');
    expect(adapter.calls).toHaveLength(1);
    expect(calls).toEqual([]);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, stored: 1, storeErrors: 0, inFlight: 0 });
  });

  it('calls the overrides of a store spread from the memory store (the synchronous twins are not copied)', async () => {
    const inner = memoryStore();
    const calls: string[] = [];
    const store: CacheStore = {
      ...inner,
      get: (key) => {
        calls.push('get');
        return inner.get(key);
      },
      setSerialized: (key, json, ttlMs) => {
        calls.push('setSerialized');
        return inner.setSerialized(key, json, ttlMs);
      },
    };
    expect(Object.keys(store)).not.toContain('getNow');
    const { client, adapter, cache } = setup({ cache: { store } });
    expect((await client.chat(req)).meta.cache).toBe('miss');
    await new Promise((r) => setImmediate(r)); // the async write lands
    expect((await client.chat(req)).meta.cache).toBe('hit');
    expect(adapter.calls).toHaveLength(1);
    expect(calls).toEqual(['get', 'setSerialized', 'get']);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, stored: 1, storeErrors: 0, inFlight: 0 });
  });

  it('counts a failing synchronous read as a store error and answers upstream', async () => {
    const store = memoryStore();
    Object.defineProperty(store, 'getNow', { value: () => { throw new Error('store down'); } });
    const { client, adapter, cache } = setup({ cache: { store } });
    expect((await client.chat(req)).meta.cache).toBe('miss');
    expect(adapter.calls).toHaveLength(1);
    expect(cache.stats()).toMatchObject({ storeErrors: 1, misses: 1, stored: 1 });
  });
});
