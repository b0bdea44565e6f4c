import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@lifeline/core';
import { hashSlot } from './hash-slot.js';
import { KEY_VERSIONS, KeySpace, keyDigest, validatePrefix } from './keys.js';

describe('keys', () => {
  it('hash what users control; keep hex SHA-256 cache keys as they are', () => {
    expect(keyDigest('primary/gpt-4.1')).toMatch(/^[\w-]{22}$/);
    expect(keyDigest('primary/gpt-4.1')).toBe(keyDigest('primary/gpt-4.1'));
    expect(keyDigest('primary/gpt-4.1')).not.toBe(keyDigest('primary/gpt-4.1-mini'));
    const hex = 'a'.repeat(64);
    expect(keyDigest(hex)).toBe(hex);
  });

  it('name each kind under the prefix and its format version, with no user text', () => {
    const k = new KeySpace('acme');
    const secret = 'tenant=sk-live-123';
    const all = [k.cacheEntry(secret), k.cacheLock(secret), k.breaker(secret), k.rateBucket(secret, secret), k.rateProvider(secret), k.budget(secret, 'day:2026-11-24'), k.legacyBudget(secret, 'day:2026-11-24')];
    for (const key of all) {
      expect(key.startsWith('acme:')).toBe(true);
      expect(key).toMatch(/:v[12]:/);
      expect(key).not.toContain('sk-live');
    }
    const d = keyDigest('x');
    expect(KEY_VERSIONS).toEqual({ cache: 'v1', breaker: 'v1', rateLimit: 'v2', budget: 'v2' });
    expect(k.cacheEntry('x')).toBe(`acme:cache:v1:{${d}}`); // unchanged since v1: no cache flush on upgrade
    expect(k.cacheLock('x')).toBe(`${k.cacheEntry('x')}:lock`);
    expect(k.breaker('x')).toBe(`acme:breaker:v1:${d}`);
    expect(k.rateBucket('openai', 'x')).toBe(`acme:rl:v2:{${keyDigest('openai')}}:${d}`);
    expect(k.rateProvider('openai')).toBe(`acme:rl:v2:{${keyDigest('openai')}}:provider`);
    expect(k.budget('x', 'day:2026-11-24')).toBe(`acme:budget:v2:{${d}}:day:2026-11-24`);
    expect(k.legacyBudget('x', 'day:2026-11-24')).toBe(`acme:budget:v1:${d}:day:2026-11-24`);
    expect(k.tagged('pool', 'v1', 'openai', 'key-3')).toBe(`acme:pool:v1:{${keyDigest('openai')}}:key-3`);
  });

  it('put the keys one script touches in one cluster slot, and spread the groups over the slots', () => {
    const k = new KeySpace();
    expect(hashSlot(k.cacheEntry('q'))).toBe(hashSlot(k.cacheLock('q')));
    expect(hashSlot(k.rateBucket('openai', 'openai|tenant=a'))).toBe(hashSlot(k.rateProvider('openai')));
    expect(hashSlot(k.rateBucket('openai', 'openai|tenant=b'))).toBe(hashSlot(k.rateProvider('openai')));
    expect(hashSlot(k.budget('acme', 'day:2026-11-24'))).toBe(hashSlot(k.budget('acme', 'month:2026-11')));
    // 300 tenants' budgets, 300 targets' limits, 300 cache entries: over 3 equal shards, each gets a fair share.
    for (const keyOf of [(i: number) => k.budget(`tenant-${i}`, 'day:2026-11-24'), (i: number) => k.rateProvider(`target-${i}`), (i: number) => k.cacheEntry(`prompt ${i}`)]) {
      const shards = [0, 0, 0];
      for (let i = 0; i < 300; i++) shards[Math.floor((hashSlot(keyOf(i)) * 3) / 16_384)]!++;
      for (const n of shards) expect(n).toBeGreaterThan(60);
    }
  });

  it('refuse a prefix that would break hash tags', () => {
    expect(() => validatePrefix('createRedisStores', 'a{b}')).toThrow(new ConfigurationError('createRedisStores: prefix must be 1-64 characters without whitespace or braces, got "a{b}"'));
    expect(() => validatePrefix('createRedisStores', '')).toThrow(ConfigurationError);
  });
});
