/** Exact behaviour of the cache's building blocks: options, directives, keys, the memory store, recordings. */
import { ConfigurationError, type ChatChunk, type Context } from '@lifeline/core';
import { chatChunk as chunk } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { readDirectives } from './cache-control.js';
import { embeddingItemKey, embeddingKeyMaterial, embeddingKeys } from './embedding-key.js';
import type { ChatCacheEntry } from './entry.js';
import { cache, isRepeatable, memoryStore, stableStringify, tenantScope } from './index.js';
import { entryChunks, entryResponse, Recording, recordStream, replay, type RecordingEnd } from './replay.js';

const ctxWith = (metadata: Record<string, unknown>, n?: number | null) => ({ metadata, request: { model: 'm', messages: [], n } }) as unknown as Context;

describe('options', () => {
  it('tenantScope: a string tenant as is, a number as a string, anything else none', () => {
    expect(tenantScope(ctxWith({ tenant: 'acme' }))).toBe('acme');
    expect(tenantScope(ctxWith({ tenant: 42 }))).toBe('42');
    expect(tenantScope(ctxWith({ tenant: { id: 1 } }))).toBeUndefined();
  });

  it('isRepeatable: every request except n > 1', () => {
    expect(isRepeatable(ctxWith({}, null))).toBe(true);
    expect(isRepeatable(ctxWith({}, 1))).toBe(true);
    expect(isRepeatable(ctxWith({}, 2))).toBe(false);
  });

  it('names the invalid option and its value', () => {
    const cases: Array<[unknown, string]> = [
      [null, 'cache: options must be an object with ttlMs, got null'],
      ['x', 'cache: options must be an object with ttlMs, got x'],
      [{ ttlMs: '5' }, 'cache: ttlMs must be a non-negative number of milliseconds, got 5'],
      [{ ttlMs: 5, staleIfErrorMs: '5' }, 'cache: staleIfErrorMs must be a non-negative number of milliseconds, got 5'],
      [{ ttlMs: 5, staleIfErrorMs: Number.POSITIVE_INFINITY }, 'cache: staleIfErrorMs must be a non-negative number of milliseconds, got Infinity'],
      [{ ttlMs: 0 }, 'cache: ttlMs 0 keeps answers only for stale-if-error and max-age requests, so staleIfErrorMs must be positive, got undefined'],
      [{ ttlMs: 5, store: null }, 'cache: store must have get, set and delete methods'],
      [{ ttlMs: 5, store: 'redis' }, 'cache: store must have get, set and delete methods'],
      [{ ttlMs: 5, store: { get() {}, set() {} } }, 'cache: store must have get, set and delete methods'],
      [{ ttlMs: 5, store: { get() {}, delete() {} } }, 'cache: store must have get, set and delete methods'],
    ];
    for (const [options, message] of cases) expect(() => cache(options as never), message).toThrow(new ConfigurationError(message));
    expect(() => cache({ ttlMs: 5, store: { get: async () => undefined, set: async () => {}, delete: async () => {} } })).not.toThrow();
  });
});

describe('readDirectives()', () => {
  it('reads nothing from a null cacheControl, skips empty parts, keeps the smallest max-age', () => {
    expect(readDirectives({ cacheControl: null })).toEqual({ noStore: false, noCache: false, maxAgeMs: undefined });
    expect(readDirectives({ cacheControl: ' , no-cache,,' })).toEqual({ noStore: false, noCache: true, maxAgeMs: undefined });
    expect(readDirectives({ cacheControl: 'max-age=60, max-age=10, max-age=30' }).maxAgeMs).toBe(10_000);
    expect(readDirectives({ cache: false })).toEqual({ noStore: true, noCache: false, maxAgeMs: undefined });
  });
});

describe('stableStringify(): exact', () => {
  it('writes false, bigints, escaped strings and a key named "undefined" exactly once', () => {
    expect(stableStringify(false)).toBe('false');
    expect(stableStringify(10n)).toBe('10');
    expect(stableStringify('"')).toBe('"\\""');
    expect(stableStringify('\n')).toBe('"\\n"');
    expect(stableStringify({ undefined: 1 })).toBe('{"undefined":1}');
  });

  it('sorts the keys of large objects too', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `k${String(19 - i).padStart(2, '0')}`);
    const obj = Object.fromEntries(keys.map((k) => [k, 1]));
    expect(stableStringify(obj)).toBe(`{${[...keys].sort().map((k) => `"${k}":1`).join(',')}}`);
  });
});

describe('embedding keys: exact', () => {
  const base = { model: 'e', input: ['a'] };
  it('ignore user, safety ids, metadata, credentials and stream options; null as absent; float by default', () => {
    const key = embeddingKeys(base)[0];
    for (const extra of [{ user: 'u' }, { safety_identifier: 's' }, { metadata: { a: 1 } }, { api_key: 'k' }, { apiKey: 'k' }, { stream: true }, { stream_options: {} }, { input_type: null }, { encoding_format: 'float' }]) {
      expect(embeddingKeys({ ...base, ...extra } as never)[0], JSON.stringify(extra)).toBe(key);
    }
    expect(embeddingKeys({ ...base, input_type: 'query' } as never)[0]).not.toBe(key);
  });

  it('tell token items apart by their ids', () => {
    const material = embeddingKeyMaterial({ model: 'e', input: [[1, 2]] });
    expect(embeddingItemKey(material, [1, 2])).not.toBe(embeddingItemKey(material, [12]));
  });
});

describe('memoryStore(): exact bounds', () => {
  const entry = { v: 1 as const, kind: 'chunks' as const, chunks: [], createdAt: 0, expiresAt: 1, staleUntil: 2 };

  it('accepts 1 and refuses a bound that is not a number', () => {
    expect(() => memoryStore({ maxEntries: 1, maxBytes: 1 })).not.toThrow();
    expect(() => memoryStore({ maxEntries: '5' as never })).toThrow(new ConfigurationError('memoryStore: maxEntries must be a positive integer, got 5'));
  });

  it('keeps an entry of exactly maxBytes, and drops what it held under a key for one too large or with no time left', async () => {
    const json = JSON.stringify(entry);
    const exact = memoryStore({ maxBytes: Buffer.byteLength(json) + 1 });
    await exact.setSerialized('k', json, 1_000);
    expect(exact.stats().entries).toBe(1);
    const store = memoryStore({ maxBytes: 200 });
    await store.set('k', entry, 1_000);
    await store.set('k', { ...entry, chunks: [chunk({ content: 'x'.repeat(300) })] }, 1_000);
    expect(await store.get('k')).toBeUndefined();
    await store.set('k', entry, 1_000);
    await store.set('k', entry, 0);
    expect(await store.get('k')).toBeUndefined();
    expect(store.stats()).toEqual({ entries: 0, bytes: 0 });
  });

  it('counts bytes as UTF-8', async () => {
    const store = memoryStore();
    const json = JSON.stringify({ ...entry, note: 'é' });
    await store.setSerialized('k', json, 1_000);
    expect(store.stats().bytes).toBe(Buffer.byteLength(json, 'utf8') + 1);
  });
});

describe('recordings', () => {
  it('take the model of the first chunk, tolerate chunks without choices, and keep each finish reason once set', () => {
    const rec = new Recording();
    rec.push({ ...chunk({ content: 'a' }), model: 'first' });
    rec.push({ ...chunk({}, 'stop'), model: 'second' });
    rec.push({ ...chunk({}), model: 'third' });
    rec.push({ id: 'u', object: 'chat.completion.chunk', created: 1, model: 'x', choices: undefined } as unknown as ChatChunk);
    expect(rec.model).toBe('first');
    expect(rec.finishes()).toEqual(['stop']);
    const open = new Recording();
    open.push(chunk({ content: 'a' }));
    open.push(chunk({ content: 'b' }));
    expect(open.finishes()).toEqual([null]);
  });

  it('tell how a stream ended: complete, failed or stopped', async () => {
    const ends: RecordingEnd['kind'][] = [];
    const seen: RecordingEnd[] = [];
    const failure = new Error('cut');
    const failing = recordStream(
      (async function* () {
        yield chunk({ content: 'a' });
        throw failure;
      })(),
      (end) => {
        ends.push(end.kind);
        seen.push(end);
      },
    );
    await expect((async () => { for await (const _ of failing); })()).rejects.toBe(failure);
    const stopped = recordStream(replay([chunk({ content: 'a' }), chunk({ content: 'b' })]), (end) => ends.push(end.kind));
    for await (const _ of stopped) break;
    expect(ends).toEqual(['error', 'stopped']);
    expect(seen[0]).toEqual({ kind: 'error', error: failure });
  });

  it('replay() can be stopped and started over', async () => {
    const chunks = [chunk({ content: 'a' }), chunk({ content: 'b' })];
    const it = replay(chunks)[Symbol.asyncIterator]();
    expect((await it.next()).value).toBe(chunks[0]);
    expect(await it.return!()).toEqual({ value: undefined, done: true });
    expect((await it.next()).done).toBe(true);
    const again: ChatChunk[] = [];
    for await (const c of replay(chunks)) again.push(c);
    expect(again).toEqual(chunks);
  });

  it('an entry is converted once: every reader shares the same response or chunks', () => {
    const chunksEntry = { v: 1, kind: 'chunks', chunks: [chunk({ content: 'a' }, 'stop')], createdAt: 0, expiresAt: 1, staleUntil: 2 } as ChatCacheEntry;
    expect(entryResponse(chunksEntry)).toBe(entryResponse(chunksEntry));
    const responseEntry = { v: 1, kind: 'response', response: entryResponse(chunksEntry), createdAt: 0, expiresAt: 1, staleUntil: 2 } as ChatCacheEntry;
    expect(entryChunks(responseEntry)).toBe(entryChunks(responseEntry));
  });
});
