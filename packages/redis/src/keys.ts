/**
 * Key naming: every key lives under a configurable prefix, a kind and the kind's format version
 * (`lifeline:cache:v1:{…}`, `lifeline:rl:v2:{…}:…`); everything derived from user input (cache
 * keys, breaker keys, tenants, scopes) is hashed, so no prompt, tenant name or secret ever
 * appears in a key; keys a script touches together share a `{hash tag}` (one cluster slot).
 * @module
 */
import { createHash } from 'node:crypto';
import { ConfigurationError } from '@lifeline/core';

/** Default key prefix. */
export const DEFAULT_PREFIX = 'lifeline';

/**
 * Format version of the cache's and breaker's values (and of their key names,
 * `lifeline:cache:v1:…`): a release that changes a format changes the version, so during a
 * rolling upgrade old and new processes never misread each other's data (an entry of another
 * version reads as absent). See {@link KEY_VERSIONS} for every kind.
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
 * Format version of each kind of key (and of its value), part of the key name: a release that
 * changes a kind's layout or format changes its version, so old and new processes never misread
 * each other's data. `rl` and `budget` are `v2`: their keys gained a hash tag (so that the keys a
 * script touches together share a Redis Cluster slot), and budgets keep reservation ids.
 */
export const KEY_VERSIONS = { cache: VALUE_VERSION, breaker: VALUE_VERSION, rateLimit: 'v2', budget: 'v2' } as const;

/** A budget window key as it appears in a Redis key (anything but `[\w:.-]` replaced). */
function windowPart(windowKey: string): string {
  return windowKey.replace(/[^\w:.-]/g, '_');
}

/**
 * The key names of every store under one prefix. Keys that one Lua script touches together
 * share a hash tag (`{…}`), so they live in one Redis Cluster slot; each tag is as narrow as the
 * data allows — one cache entry, one budget scope, one rate-limited target — so load spreads over
 * the shards instead of piling onto one.
 *
 * | kind | key | tag |
 * |---|---|---|
 * | cache entry, its lock | `<prefix>:cache:v1:{<key>}`, `…:lock` | the cache key |
 * | breaker | `<prefix>:breaker:v1:<key>` | none (one key per command) |
 * | rate limit | `<prefix>:rl:v2:{<target>}:<key>`, `<prefix>:rl:v2:{<target>}:provider` | the target |
 * | budget | `<prefix>:budget:v2:{<scope>}:<window>` | the scope |
 *
 * Every `<…>` is a digest ({@link keyDigest}): no prompt, tenant, model or secret appears in a key.
 *
 * @example
 * ```ts
 * const keys = new KeySpace('lifeline');
 * keys.breaker('primary/gpt-4.1'); // 'lifeline:breaker:v1:<digest>' — e.g. for redis-cli inspection
 * keys.tagged('pool', 'v1', 'openai', 'key-3'); // 'lifeline:pool:v1:{<digest>}:key-3', for a store of your own
 * ```
 */
export class KeySpace {
  constructor(readonly prefix: string = DEFAULT_PREFIX) {}

  /**
   * The general layout: `<prefix>:<kind>:<version>:{<digest of tag>}[:<part>…]`. Keys with the
   * same `tag` share a Redis Cluster slot (so one script may touch them all); pick the narrowest
   * tag that groups what must be touched together.
   *
   * @param kind - the store kind (`cache`, `rl`, …): letters, digits, `-`
   * @param version - the format version of this kind (`v1`, …)
   * @param tag - user-derived text naming the group (hashed)
   * @param parts - further segments, used as given: pass digests or fixed words only
   */
  tagged(kind: string, version: string, tag: string, ...parts: string[]): string {
    return [`${this.prefix}:${kind}:${version}:{${keyDigest(tag)}}`, ...parts].join(':');
  }

  /** A cache entry. */
  cacheEntry(key: string): string {
    return this.tagged('cache', KEY_VERSIONS.cache, key);
  }

  /** The single-flight lock of a cache entry (same slot as the entry). */
  cacheLock(key: string): string {
    return this.tagged('cache', KEY_VERSIONS.cache, key, 'lock');
  }

  /** The pub/sub channel on which finished flights are announced. */
  flightChannel(): string {
    return `${this.prefix}:cache:flights`;
  }

  /** A breaker record (every breaker command touches one key: no tag needed). */
  breaker(key: string): string {
    return `${this.prefix}:breaker:${KEY_VERSIONS.breaker}:${keyDigest(key)}`;
  }

  /** The sorted set of breaker keys (member: the breaker key, score: last write), for snapshots. */
  breakerIndex(): string {
    return `${this.prefix}:breaker:${KEY_VERSIONS.breaker}:index`;
  }

  /** The request and token buckets of a rate-limit key, in the slot of its target. */
  rateBucket(providerKey: string, key: string): string {
    return this.tagged('rl', KEY_VERSIONS.rateLimit, providerKey, keyDigest(key));
  }

  /** What a provider said about its own limits (same slot as its buckets). */
  rateProvider(providerKey: string): string {
    return this.tagged('rl', KEY_VERSIONS.rateLimit, providerKey, 'provider');
  }

  /** The spend of one budget scope in one window (`day:2026-11-24`, …), with its open reservations. */
  budget(scope: string, windowKey: string): string {
    return this.tagged('budget', KEY_VERSIONS.budget, scope, windowPart(windowKey));
  }

  /**
   * The budget key of the previous format (`v1`, without hash tag or reservation ids). On a
   * single Redis, reservations also count what processes of the previous release recorded
   * there, so a rolling upgrade never lets two formats each spend the whole limit.
   */
  legacyBudget(scope: string, windowKey: string): string {
    return `${this.prefix}:budget:v1:${keyDigest(scope)}:${windowPart(windowKey)}`;
  }
}
