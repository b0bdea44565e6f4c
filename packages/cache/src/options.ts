/**
 * Options of `cache()`: the interface, defaults and validation.
 * @module
 */
import { type ChatRequest, type Clock, ConfigurationError, type Context } from '@lifeline/core';
import type { CacheStore } from './store.js';

/** Options of `cache()`. */
export interface CacheOptions {
  /**
   * How long an answer is served from the cache, in ms. Required. `0` records answers without ever
   * serving them fresh on their own: every call goes upstream, and the recording serves
   * stale-if-error (within `staleIfErrorMs`, which must then be positive) and callers that ask for
   * cached answers with `cacheControl: 'max-age=N'` (entries younger than N s). Such calls without
   * `max-age` never share an in-flight call either: each gets its own answer.
   */
  ttlMs: number;
  /**
   * After `ttlMs`, how much longer an entry is kept to be served stale (`meta.cache = 'stale'`)
   * when the call fails with an outage (retryable error, `FailoverError`, `CircuitOpenError`,
   * `TimeoutError`, `RateLimitExceededError`) — never on `AbortError` or the caller's own 4xx.
   * @defaultValue 0 (no stale answers)
   */
  staleIfErrorMs?: number;
  /**
   * How a streamed answer is recorded. `'chunks'`: every chunk as it came (JSON), replayed chunk
   * for chunk. `'answer'`: the answer assembled as it passes (text, tool calls, finish reasons,
   * usage), stored as a JSON answer and replayed to a stream call as one content chunk — a
   * recording that grows by the text of each chunk instead of its whole JSON, which is what an
   * in-flight stream holds in memory. The default records answers when `ttlMs` is 0 (they serve
   * only stale-if-error and `max-age` callers), chunks otherwise.
   * @defaultValue `'answer'` when `ttlMs` is 0, else `'chunks'`
   */
  recordStreams?: 'chunks' | 'answer';
  /**
   * Where entries live.
   * @defaultValue `memoryStore()` — 10 000 entries, 64 MiB
   */
  store?: CacheStore;
  /**
   * The identity of a request: a string hashed (SHA-256, with the scope) into the key. Replace
   * it to ignore fields you know do not matter, or to add ones from `ctx`.
   * @defaultValue `canonicalRequest(request)` — every output-affecting field, see {@link cacheKey}
   */
  key?: (request: ChatRequest, ctx: Context) => string;
  /**
   * Who an answer belongs to; part of every key, so scopes never share entries. Return
   * `undefined` for the shared scope. To vary by end user too: `(ctx) => \`${ctx.metadata.tenant}/${ctx.request.user}\``.
   * @defaultValue `ctx.metadata.tenant` when it is a string or a number, else `undefined`
   */
  scope?: (ctx: Context) => string | undefined;
  /**
   * Which requests use the cache at all (others bypass it). Per-call opt-outs
   * (`metadata.cache: false`, `metadata.cacheControl: 'no-store'`) apply on top.
   * @defaultValue {@link isRepeatable} — every request except `n > 1`
   */
  when?: (ctx: Context) => boolean;
  /**
   * Whether concurrent identical misses share one upstream call (`meta.cache = 'coalesced'`).
   * @defaultValue true
   */
  coalesce?: boolean;
  /**
   * Whether to store answers cut by the token limit (`finish_reason: 'length'`).
   * @defaultValue false
   */
  cacheTruncated?: boolean;
  /**
   * Time source for entry ages.
   * @defaultValue the call's `ctx.clock` (the client's clock)
   */
  clock?: Clock;
}

/**
 * The default `scope`: the caller's `metadata.tenant` (a string, or a number as a string).
 *
 * @param ctx - the call's context
 * @returns the tenant, or `undefined` for the shared scope
 * @example
 * ```ts
 * cache({ ttlMs: 60_000, scope: (ctx) => tenantScope(ctx) ?? 'anonymous' });
 * ```
 */
export function tenantScope(ctx: Context): string | undefined {
  const tenant = ctx.metadata.tenant;
  return typeof tenant === 'string' ? tenant : typeof tenant === 'number' ? String(tenant) : undefined;
}

/**
 * The default `when`: every request except those asking for several choices (`n > 1`), whose
 * answers are meant to differ. Temperature does not matter: caching is opt-in.
 *
 * @param ctx - the call's context
 * @returns whether the request uses the cache
 * @example
 * ```ts
 * cache({ ttlMs: 60_000, when: (ctx) => isRepeatable(ctx) && !ctx.request.temperature });
 * ```
 */
export function isRepeatable(ctx: Context): boolean {
  const n = ctx.request.n;
  return n === undefined || n === null || n <= 1;
}

export const DEFAULTS: Required<Omit<CacheOptions, 'ttlMs' | 'store' | 'key' | 'clock' | 'recordStreams'>> = {
  staleIfErrorMs: 0,
  scope: tenantScope,
  when: isRepeatable,
  coalesce: true,
  cacheTruncated: false,
};

/** Throws a `ConfigurationError` (from `@lifeline/core`) naming the first invalid option and its value. */
export function validate(options: CacheOptions): void {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError(`cache: options must be an object with ttlMs, got ${String(options)}`);
  const { ttlMs, staleIfErrorMs, store } = options;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 0) {
    throw new ConfigurationError(`cache: ttlMs must be a non-negative number of milliseconds, got ${String(ttlMs)}`);
  }
  if (staleIfErrorMs !== undefined && (typeof staleIfErrorMs !== 'number' || !Number.isFinite(staleIfErrorMs) || staleIfErrorMs < 0)) {
    throw new ConfigurationError(`cache: staleIfErrorMs must be a non-negative number of milliseconds, got ${String(staleIfErrorMs)}`);
  }
  if (ttlMs === 0 && !(staleIfErrorMs !== undefined && staleIfErrorMs > 0)) {
    throw new ConfigurationError(`cache: ttlMs 0 keeps answers only for stale-if-error and max-age requests, so staleIfErrorMs must be positive, got ${String(staleIfErrorMs)}`);
  }
  if (store !== undefined && (typeof store !== 'object' || store === null || !['get', 'set', 'delete'].every((m) => typeof (store as unknown as Record<string, unknown>)[m] === 'function'))) {
    throw new ConfigurationError('cache: store must have get, set and delete methods');
  }
  for (const name of ['key', 'scope', 'when'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new ConfigurationError(`cache: ${name} must be a function, got ${typeof options[name]}`);
    }
  }
  const { recordStreams } = options;
  if (recordStreams !== undefined && recordStreams !== 'chunks' && recordStreams !== 'answer') {
    throw new ConfigurationError(`cache: recordStreams must be 'chunks' or 'answer', got ${JSON.stringify(recordStreams) ?? String(recordStreams)}`);
  }
  for (const name of ['coalesce', 'cacheTruncated'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') {
      throw new ConfigurationError(`cache: ${name} must be a boolean, got ${String(options[name])}`);
    }
  }
}

