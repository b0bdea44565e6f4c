import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@lifeline/core';
import { KeySpace, keyDigest, validatePrefix } from './keys.js';

describe('keys', () => {
  it('hash what users control; keep hex SHA-256 cache keys as they are', () => {
    expect(keyDigest('primary/gpt-4.1')).toMatch(/^[\w-]{22}$/);
    expect(keyDigest('primary/gpt-4.1')).toBe(keyDigest('primary/gpt-4.1'));
    expect(keyDigest('primary/gpt-4.1')).not.toBe(keyDigest('primary/gpt-4.1-mini'));
    const hex = 'a'.repeat(64);
    expect(keyDigest(hex)).toBe(hex);
  });

  it('name each kind under the prefix and the format version, with no user text', () => {
    const k = new KeySpace('acme');
    const secret = 'tenant=sk-live-123';
    for (const key of [k.cacheEntry(secret), k.cacheLock(secret), k.breaker(secret), k.rateBucket(secret), k.rateProvider(secret), k.budget(secret, 'day:2026-11-24')]) {
      expect(key.startsWith('acme:')).toBe(true);
      expect(key).toContain(':v1:');
      expect(key).not.toContain('sk-live');
    }
    expect(k.budget('x', 'day:2026-11-24')).toMatch(/^acme:budget:v1:[\w-]{22}:day:2026-11-24$/);
    expect(k.cacheLock('x')).toBe(`${k.cacheEntry('x')}:lock`);
  });

  it('refuse a prefix that would break hash tags', () => {
    expect(() => validatePrefix('createRedisStores', 'a{b}')).toThrow(new ConfigurationError('createRedisStores: prefix must be 1-64 characters without whitespace or braces, got "a{b}"'));
    expect(() => validatePrefix('createRedisStores', '')).toThrow(ConfigurationError);
  });
});
