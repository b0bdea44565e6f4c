import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@lifeline/core';
import type { CacheEntry } from './entry.js';
import { memoryStore } from './memory-store.js';
import { fakeClock } from '@lifeline/testing';
import { textResponse } from '../test/fixtures.js';

function entry(text = 'hello'): CacheEntry {
  return { v: 1, kind: 'response', response: textResponse(text), createdAt: 0, expiresAt: 1, staleUntil: 1 };
}

function sizeOf(key: string, e: CacheEntry): number {
  return Buffer.byteLength(JSON.stringify(e)) + key.length;
}

describe('memoryStore', () => {
  it('gets what was set, deletes it, and reports its size', async () => {
    const store = memoryStore();
    const e = entry();
    await store.set('k', e, 1000);
    expect(await store.get('k')).toEqual(e);
    expect(store.stats()).toEqual({ entries: 1, bytes: sizeOf('k', e) });
    await store.delete('k');
    expect(await store.get('k')).toBeUndefined();
    expect(store.stats()).toEqual({ entries: 0, bytes: 0 });
  });

  it('expires an entry exactly at its ttl, on the injected clock', async () => {
    const clock = fakeClock(1_000_000);
    const store = memoryStore({ clock });
    await store.set('k', entry(), 1000);
    clock.advance(999);
    expect(await store.get('k')).toBeDefined();
    clock.advance(1);
    expect(await store.get('k')).toBeUndefined();
    expect(store.stats().entries).toBe(0);
  });

  it('keeps a copy: later changes to the caller objects do not leak in, and what it returns is frozen', async () => {
    const store = memoryStore();
    const e = entry('original');
    await store.set('k', e, 1000);
    (e as { response: { choices: Array<{ message: { content: string } }> } }).response.choices[0]!.message.content = 'mutated';
    const got = (await store.get('k')) as Extract<CacheEntry, { kind: 'response' }>;
    expect(got.response.choices[0]!.message.content).toBe('original');
    expect(Object.isFrozen(got)).toBe(true);
    expect(Object.isFrozen(got.response.choices[0]!.message)).toBe(true);
    expect(() => {
      (got.response.choices[0]!.message as { content: string }).content = 'x';
    }).toThrow(TypeError);
  });

  it('setSerialized keeps the JSON as is: counted by its bytes, parsed and frozen on the first get', async () => {
    const store = memoryStore();
    const e = entry('héllo');
    const json = JSON.stringify(e);
    await store.setSerialized('k', json, 1000);
    expect(store.stats()).toEqual({ entries: 1, bytes: Buffer.byteLength(json) + 1 });
    const got = await store.get('k');
    expect(got).toEqual(e);
    expect(Object.isFrozen((got as Extract<CacheEntry, { kind: 'response' }>).response.choices[0]!.message)).toBe(true);
    expect(await store.get('k')).toBe(got); // parsed once, then shared by every reader
  });

  it('set and setSerialized store the same thing', async () => {
    const a = memoryStore();
    const b = memoryStore();
    const e = entry();
    await a.set('k', e, 1000);
    await b.setSerialized('k', JSON.stringify(e), 1000);
    expect(a.stats()).toEqual(b.stats());
    expect(await a.get('k')).toEqual(await b.get('k'));
  });

  it('drops JSON it cannot parse at the first get, rejecting that get with the SyntaxError', async () => {
    const store = memoryStore();
    await store.setSerialized('k', '{"v":1,', 1000);
    const message = ((): string => { try { JSON.parse('{"v":1,'); } catch (error) { return (error as Error).message; } return 'parsed'; })();
    const err = await store.get('k').catch((error: unknown) => error);
    expect(err).toBeInstanceOf(SyntaxError);
    expect((err as Error).message).toBe(message);
    expect(store.stats()).toEqual({ entries: 0, bytes: 0 });
    expect(await store.get('k')).toBeUndefined();
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const store = memoryStore({ maxEntries: 2 });
    await store.set('a', entry('a'), 1000);
    await store.set('b', entry('b'), 1000);
    await store.get('a');
    await store.set('c', entry('c'), 1000);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
    expect(await store.get('c')).toBeDefined();
  });

  it('evicts by bytes: never holds more than maxBytes', async () => {
    const one = sizeOf('k0', entry('x'.repeat(1000)));
    const store = memoryStore({ maxEntries: 1000, maxBytes: one * 3 + 10 });
    for (let i = 0; i < 10; i++) await store.set(`k${i}`, entry('x'.repeat(1000)), 1000);
    const stats = store.stats();
    expect(stats.entries).toBe(3);
    expect(stats.bytes).toBe(one * 3);
    expect(await store.get('k9')).toBeDefined();
    expect(await store.get('k7')).toBeDefined();
    expect(await store.get('k6')).toBeUndefined();
  });

  it('does not store an entry larger than maxBytes, and drops the old value under that key', async () => {
    const store = memoryStore({ maxBytes: 500 });
    await store.set('k', entry('small'), 1000);
    await store.set('k', entry('x'.repeat(1000)), 1000);
    expect(await store.get('k')).toBeUndefined();
    expect(store.stats()).toEqual({ entries: 0, bytes: 0 });
  });

  it('clear() drops everything', async () => {
    const store = memoryStore();
    await store.set('a', entry(), 1000);
    store.clear();
    expect(store.stats()).toEqual({ entries: 0, bytes: 0 });
  });

  it.each([
    [{ maxEntries: 0 }, 'memoryStore: maxEntries must be a positive integer, got 0'],
    [{ maxEntries: 1.5 }, 'memoryStore: maxEntries must be a positive integer, got 1.5'],
    [{ maxBytes: -1 }, 'memoryStore: maxBytes must be a positive integer, got -1'],
  ])('rejects %j', (options, message) => {
    expect(() => memoryStore(options)).toThrow(ConfigurationError);
    expect(() => memoryStore(options)).toThrow(message);
  });
});
