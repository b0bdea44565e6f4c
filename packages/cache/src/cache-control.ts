/**
 * Per-request cache directives, read from the caller's `metadata`.
 * @module
 */
import { BadRequestError } from '@lifeline/core';

/** What one call asks of the cache. */
export interface CacheDirectives {
  /** Neither read nor write the cache for this call. */
  noStore: boolean;
  /** Do not answer from the cache (go upstream), but store the fresh answer. */
  noCache: boolean;
  /** Answer from the cache only with an entry younger than this, in ms. */
  maxAgeMs: number | undefined;
}

const NONE: CacheDirectives = Object.freeze({ noStore: false, noCache: false, maxAgeMs: undefined });
const NO_STORE: CacheDirectives = Object.freeze({ noStore: true, noCache: false, maxAgeMs: undefined });

function invalid(message: string, value: unknown): never {
  throw new BadRequestError(`cache: metadata.cacheControl ${message}, got ${JSON.stringify(value)}`, {
    field: 'metadata.cacheControl',
  });
}

/**
 * Reads `metadata.cache` and `metadata.cacheControl`:
 * - `cache: false` — bypass the cache (same as `no-store`);
 * - `cacheControl` — comma-separated, case-insensitive directives like HTTP's request
 *   `Cache-Control`: `no-store`, `no-cache`, `max-age=<seconds>`.
 *
 * @param metadata - the call's `ctx.metadata`
 * @returns the directives
 * @throws `BadRequestError` (from `@lifeline/core`) (field `metadata.cacheControl`) for anything else, so a typo
 *   never silently serves or stores what the caller meant to keep out
 * @example
 * ```ts
 * await client.chat(req, { metadata: { cacheControl: 'max-age=60' } }); // nothing older than a minute
 * await client.chat(req, { metadata: { cacheControl: 'no-cache' } });   // refresh the entry
 * ```
 */
export function readDirectives(metadata: Readonly<Record<string, unknown>>): CacheDirectives {
  if (metadata.cache === false) return NO_STORE;
  const raw = metadata.cacheControl;
  if (raw === undefined || raw === null) return NONE;
  if (typeof raw !== 'string') invalid('must be a string', raw);
  const out: CacheDirectives = { noStore: false, noCache: false, maxAgeMs: undefined };
  for (const part of raw.split(',')) {
    const directive = part.trim().toLowerCase();
    if (directive === '') continue;
    if (directive === 'no-store') out.noStore = true;
    else if (directive === 'no-cache') out.noCache = true;
    else if (directive.startsWith('max-age=')) {
      const value = directive.slice('max-age='.length);
      if (!/^\d+$/.test(value)) invalid('max-age must be a non-negative integer number of seconds', raw);
      const ms = Number(value) * 1000;
      out.maxAgeMs = out.maxAgeMs === undefined ? ms : Math.min(out.maxAgeMs, ms);
    } else {
      invalid(`has an unknown directive "${directive}" (expected no-store, no-cache or max-age=<seconds>)`, raw);
    }
  }
  return out;
}
