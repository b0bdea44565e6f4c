/**
 * Key naming: every key lives under a configurable prefix and a kind
 * (`lifeline:cache:{…}`, `lifeline:rl:{…}:…`), and everything derived from user input (cache
 * keys, breaker keys, tenants, scopes) is hashed, so no prompt, tenant name or secret ever
 * appears in a key. A cache entry and its lock share a `{hash tag}`.
 * @module
 */
import { createHash } from 'node:crypto';
import { ConfigurationError } from '@lifeline/core';

/** Default key prefix. */
export const DEFAULT_PREFIX = 'lifeline';

/**
 * Format version, part of every key name (`lifeline:cache:v1:…`) and of the cache's and breaker's
 * values: a release that changes a format changes the version, so during a rolling upgrade old
 * and new processes never misread each other's data (an entry of another version reads as absent).
 */
export const VALUE_VERSION = 'v1';

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * A short, stable digest of `material` for use inside a key: 22 base64url characters of
 * SHA-256 (132 bits). A value that already is a hex SHA-256 (the cache's keys) is kept as is, so
 * operators can match a `cacheKey()` to its Redis key.
 *
 * @param material - user-derived text (a breaker key, a tenant, a budget scope)
 * @returns the digest
 * @example
 * ```ts
 * keyDigest('primary/gpt-4.1'); // 'q0Zx…' (22 chars)
 * ```
 */
export function keyDigest(material: string): string {
  if (HEX_SHA256.test(material)) return material;
  return createHash('sha256').update(material).digest('base64url').slice(0, 22);
}

/**
 * Throws a `ConfigurationError` unless `prefix` is a usable key prefix: 1–64 characters, no
 * whitespace, no `{` or `}` (they would break the hash tags).
 *
 * @param owner - the factory name, for the message
 * @param prefix - the candidate
 */
export function validatePrefix(owner: string, prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > 64 || /[\s{}]/.test(prefix)) {
    throw new ConfigurationError(`${owner}: prefix must be 1-64 characters without whitespace or braces, got ${JSON.stringify(prefix)}`);
  }
}

/**
 * The key names of every store under one prefix.
 *
 * @example
 * ```ts
 * const keys = new KeySpace('lifeline');
 * keys.breaker('primary/gpt-4.1'); // 'lifeline:breaker:v1:<digest>' — e.g. for redis-cli inspection
 * ```
 */
export class KeySpace {
  constructor(readonly prefix: string = DEFAULT_PREFIX) {}

  /** A cache entry. */
  cacheEntry(key: string): string {
    return `${this.prefix}:cache:${VALUE_VERSION}:{${keyDigest(key)}}`;
  }

  /** The single-flight lock of a cache entry (same slot as the entry). */
  cacheLock(key: string): string {
    return `${this.prefix}:cache:${VALUE_VERSION}:{${keyDigest(key)}}:lock`;
  }

  /** The pub/sub channel on which finished flights are announced. */
  flightChannel(): string {
    return `${this.prefix}:cache:flights`;
  }

  /** A breaker record. */
  breaker(key: string): string {
    return `${this.prefix}:breaker:${VALUE_VERSION}:${keyDigest(key)}`;
  }

  /** The sorted set of breaker keys (member: the breaker key, score: last write), for snapshots. */
  breakerIndex(): string {
    return `${this.prefix}:breaker:${VALUE_VERSION}:index`;
  }

  /** The request and token buckets of a rate-limit key. */
  rateBucket(key: string): string {
    return `${this.prefix}:rl:${VALUE_VERSION}:${keyDigest(key)}`;
  }

  /** What a provider said about its own limits. */
  rateProvider(providerKey: string): string {
    return `${this.prefix}:rl-provider:${VALUE_VERSION}:${keyDigest(providerKey)}`;
  }

  /** The spend of one budget scope in one window (`day:2026-11-24`, …). */
  budget(scope: string, windowKey: string): string {
    return `${this.prefix}:budget:${VALUE_VERSION}:${keyDigest(scope)}:${windowKey.replace(/[^\w:.-]/g, '_')}`;
  }
}
