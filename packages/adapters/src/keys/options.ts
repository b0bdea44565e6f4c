/**
 * Options of key pools — several API keys for one provider — their defaults and their validation.
 * No message ever quotes a key.
 * @module
 */
import { ConfigurationError, type Clock } from '@lifeline/core';
import type { KeyPoolStore } from './store.js';

/**
 * One key of a pool with its share of the provider's limits, as the vendor set them for that key
 * (its project, its account). The pool keeps each key under its share, and
 * {@link KeyPool.limits} sums the shares for a client-side `rateLimit()`.
 */
export interface ApiKeySpec {
  /** The API key. */
  key: string;
  /** Requests per minute this key may make. @defaultValue unlimited */
  rpm?: number | undefined;
  /** Tokens per minute this key may use. @defaultValue unlimited */
  tpm?: number | undefined;
}

/** What an adapter's `apiKey` accepts: one key, or several (a pool), each a key or an {@link ApiKeySpec}. */
export type ApiKeyInput = string | ReadonlyArray<string | ApiKeySpec>;

/** How a pool picks the key of each attempt. */
export type KeyPoolStrategy = 'round-robin' | 'least-used';

/** Options of an adapter's key pool (used when `apiKey` lists two keys or more). */
export interface KeyPoolOptions {
  /**
   * How the key of each attempt is picked among the ready ones: `round-robin` takes them in turn;
   * `least-used` takes the one that made the fewest requests over the last `windowMs` (relative to
   * its `rpm`/`tpm` share when it has one). Keys over their share are picked only when no other is ready.
   * @defaultValue 'round-robin'
   */
  strategy?: KeyPoolStrategy | undefined;
  /**
   * The sliding window over which each key's requests and tokens are counted (for `least-used` and
   * the per-key `rpm`/`tpm` shares), in ms.
   * @defaultValue 60_000
   */
  windowMs?: number | undefined;
  /**
   * How long a key that got a 429 without a retry hint cools down, in ms; doubled for each further
   * 429 in a row on that key, up to `maxCoolDownMs`. A `Retry-After` (or reset header) wins.
   * @defaultValue 5_000
   */
  coolDownMs?: number | undefined;
  /**
   * The longest cool-down one 429 imposes, in ms (a longer `Retry-After` is cut to this; the key
   * is then tried again, and cooled again if still limited).
   * @defaultValue 600_000
   */
  maxCoolDownMs?: number | undefined;
  /**
   * How long a key that got a 401/403 (revoked, or without permission) or an exhausted quota
   * (`insufficient_quota`, a 402 billing error) stays out of rotation before one request re-checks
   * it, in ms.
   * @defaultValue 600_000
   */
  quarantineMs?: number | undefined;
  /**
   * Where cool-downs and quarantines are kept. The default is this process's memory; a
   * `RedisKeyPoolStore` (`@lifeline/redis`) shares them across processes.
   * @defaultValue a new MemoryKeyPoolStore
   */
  store?: KeyPoolStore | undefined;
  /**
   * The pool's name in the store: processes whose pools have the same `id` share their keys' state.
   * @defaultValue the adapter's `name`
   */
  id?: string | undefined;
  /** Time source of cool-downs, quarantines and usage windows. @defaultValue the system clock */
  clock?: Clock | undefined;
}

/** {@link KeyPoolOptions} with their defaults. */
export const KEY_POOL_DEFAULTS = {
  strategy: 'round-robin',
  windowMs: 60_000,
  coolDownMs: 5_000,
  maxCoolDownMs: 600_000,
  quarantineMs: 600_000,
} as const satisfies Required<Omit<KeyPoolOptions, 'store' | 'id' | 'clock'>>;

const STRATEGIES: readonly KeyPoolStrategy[] = ['round-robin', 'least-used'];

function isPositive(value: unknown, allowZero = false): value is number {
  return typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0);
}

/** What a value is, for messages that must not quote it (it may be a key). */
function kindOf(value: unknown): string {
  if (typeof value === 'string') return value.trim() === '' ? 'a blank string' : 'a string';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Reads an adapter's `apiKey` option into a list of keys (each with its optional share).
 *
 * @param vendor - the adapter kind, for messages (`openai`)
 * @param input - `apiKey` as given
 * @param required - whether at least one key is needed (Anthropic, Gemini)
 * @returns the keys, in order (empty when `input` is undefined and not required)
 * @throws {@link ConfigurationError} naming the field (`apiKey[2].rpm`), never quoting a key
 */
export function readApiKeys(vendor: string, input: unknown, required: boolean): ApiKeySpec[] {
  if (input === undefined && !required) return [];
  if (typeof input === 'string') {
    if (input.trim() === '') throw new ConfigurationError(`${vendor}: apiKey must be a non-empty string or a non-empty list of keys, got ${kindOf(input)}`);
    return [{ key: input }];
  }
  if (!Array.isArray(input) || input.length === 0) {
    throw new ConfigurationError(`${vendor}: apiKey must be a non-empty string or a non-empty list of keys, got ${kindOf(input)}`);
  }
  const seen = new Map<string, number>();
  return input.map((item: unknown, i) => {
    const spec = typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as ApiKeySpec) : { key: item as string };
    const field = typeof item === 'object' && item !== null ? `apiKey[${i}].key` : `apiKey[${i}]`;
    if (typeof spec.key !== 'string' || spec.key.trim() === '') throw new ConfigurationError(`${vendor}: ${field} must be a non-empty string, got ${kindOf(spec.key)}`);
    const first = seen.get(spec.key);
    if (first !== undefined) throw new ConfigurationError(`${vendor}: apiKey[${i}] repeats apiKey[${first}]; list each key once`);
    seen.set(spec.key, i);
    for (const limit of ['rpm', 'tpm'] as const) {
      const v = spec[limit];
      if (v !== undefined && !isPositive(v)) throw new ConfigurationError(`${vendor}: apiKey[${i}].${limit} must be a positive number, got ${String(v)}`);
    }
    return { key: spec.key, ...(spec.rpm !== undefined && { rpm: spec.rpm }), ...(spec.tpm !== undefined && { tpm: spec.tpm }) };
  });
}

/** {@link KeyPoolOptions} once validated and defaulted (`store` and `clock` still optional). */
export type ResolvedKeyPoolOptions = Required<Omit<KeyPoolOptions, 'store' | 'clock' | 'id'>> & Pick<KeyPoolOptions, 'store' | 'clock'> & { id: string };

/**
 * Validates `keyPool` options and fills in defaults.
 *
 * @param vendor - the adapter kind, for messages
 * @param name - the adapter's name (the default `id`)
 * @param options - as given
 * @throws {@link ConfigurationError} naming the field and the value
 */
export function resolveKeyPoolOptions(vendor: string, name: string, options: KeyPoolOptions = {}): ResolvedKeyPoolOptions {
  const shown = (got: unknown) => (typeof got === 'string' ? JSON.stringify(got) : String(got));
  const fail = (field: string, expected: string, got: unknown, show: (got: unknown) => string = shown): never => {
    throw new ConfigurationError(`${vendor}: keyPool${field ? `.${field}` : ''} must be ${expected}, got ${show(got)}`);
  };
  if (typeof options !== 'object' || options === null) fail('', 'an object', options);
  const o = { ...KEY_POOL_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ResolvedKeyPoolOptions;
  if (!STRATEGIES.includes(o.strategy)) fail('strategy', `one of ${STRATEGIES.join(', ')}`, o.strategy);
  if (!isPositive(o.windowMs) || !Number.isInteger(o.windowMs)) fail('windowMs', 'a positive integer', o.windowMs);
  if (!isPositive(o.coolDownMs, true)) fail('coolDownMs', 'a non-negative number', o.coolDownMs);
  if (!isPositive(o.maxCoolDownMs) || o.maxCoolDownMs < o.coolDownMs) fail('maxCoolDownMs', `a number of at least coolDownMs (${o.coolDownMs})`, o.maxCoolDownMs);
  if (!isPositive(o.quarantineMs)) fail('quarantineMs', 'a positive number', o.quarantineMs);
  const id = options.id ?? name;
  if (typeof id !== 'string' || id === '') fail('id', 'a non-empty string', id);
  const store = options.store;
  if (store !== undefined && (typeof store !== 'object' || store === null || typeof store.read !== 'function' || typeof store.set !== 'function')) fail('store', 'a KeyPoolStore (read, set, claim, clear)', store, kindOf);
  const clock = options.clock;
  if (clock !== undefined && (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function')) fail('clock', 'a Clock (now, setTimeout, clearTimeout)', clock, kindOf);
  return { ...o, id };
}
