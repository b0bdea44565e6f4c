/**
 * Cache entries: the versioned, JSON-serialisable unit every store holds.
 * @module
 */
import type { ChatChunk, ChatResponse, FinishReason } from '@lifeline/core';

/** Version of the entry format; entries of another version read as a miss. */
export const ENTRY_VERSION = 1;

/** What every entry carries besides the answer. */
interface EntryBase {
  /** Format version ({@link ENTRY_VERSION}). */
  v: typeof ENTRY_VERSION;
  /** Target that produced the answer (`meta.provider` on a hit). */
  provider?: string;
  /** Model that produced the answer (`meta.model` on a hit). */
  model?: string;
  /** What the original call cost in USD (`meta.savedUsd` on a hit), when it was metered. */
  costUsd?: number;
  /** Epoch ms when the entry was stored (the cache's clock). */
  createdAt: number;
  /** Epoch ms until which the entry is fresh (`createdAt + ttlMs`). */
  expiresAt: number;
  /** Epoch ms until which the entry may be served stale on an outage (`expiresAt + staleIfErrorMs`). */
  staleUntil: number;
}

/** An answer recorded from a JSON call: replayed as is, or through `responseToChunks` on a stream call. */
export interface ResponseEntry extends EntryBase {
  kind: 'response';
  response: ChatResponse;
}

/** An answer recorded from a stream: replayed chunk for chunk, or assembled for a `chat()` call. */
export interface ChunksEntry extends EntryBase {
  kind: 'chunks';
  chunks: ChatChunk[];
}

/**
 * One embedding vector, cached per input item: a batch whose items are partly cached goes
 * upstream for the misses only. `costUsd` is the item's share of its call's cost.
 */
export interface EmbeddingEntry extends EntryBase {
  kind: 'embedding';
  /**
   * The vector: the base64 string as served (`format: 'base64'`), or a float vector as base64 of
   * its float64 bytes (`format: 'f64'`: exact, and about half the size of JSON numbers, which also
   * cost more to write than to read).
   */
  vector: string;
  format: 'base64' | 'f64';
  /** The item's input tokens (its share of the call's usage). */
  tokens: number;
}

/** A cached chat answer (JSON or stream). */
export type ChatCacheEntry = ResponseEntry | ChunksEntry;

/**
 * One cached answer. Plain JSON (no `undefined`-only semantics, no class instances), so any
 * store can serialise it with `JSON.stringify` and read it back with `JSON.parse`.
 */
export type CacheEntry = ResponseEntry | ChunksEntry | EmbeddingEntry;

/**
 * True when `value` is an entry this version understands (anything else reads as a miss). For
 * stores that read entries back from outside the process.
 *
 * @param value - what a store read
 * @returns whether it is a {@link CacheEntry} of {@link ENTRY_VERSION}
 * @example
 * ```ts
 * const parsed: unknown = JSON.parse(await redis.get(key));
 * return isCacheEntry(parsed) ? parsed : undefined;
 * ```
 */
export function isCacheEntry(value: unknown): value is CacheEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as { v?: unknown; kind?: unknown; createdAt?: unknown; expiresAt?: unknown; staleUntil?: unknown; response?: { choices?: unknown } | null; chunks?: unknown; vector?: unknown; format?: unknown; tokens?: unknown };
  if (e.v !== ENTRY_VERSION || typeof e.expiresAt !== 'number' || typeof e.staleUntil !== 'number' || typeof e.createdAt !== 'number') return false;
  if (e.kind === 'response') return typeof e.response === 'object' && e.response !== null && Array.isArray(e.response.choices);
  if (e.kind === 'chunks') return Array.isArray(e.chunks);
  if (e.kind === 'embedding') return typeof e.vector === 'string' && (e.format === 'base64' || e.format === 'f64') && typeof e.tokens === 'number';
  return false;
}

/** Freezes `value` and everything it holds. */
export function deepFreeze<T>(value: T): T {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: Object.isFrozen() is true for null and every primitive, and entries are JSON (no functions)
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Parses an entry's JSON into one deep-frozen object: what the memory store and single-flight
 * followers share between readers. Frozen, so no reader can change what the next one sees.
 */
export function parseFrozen(json: string): CacheEntry {
  return deepFreeze(JSON.parse(json) as CacheEntry);
}

/**
 * Why an answer must not be stored, or `undefined` when it may be: no choice, a choice that
 * never finished (a partial answer), or a `length` finish (truncated) unless `allowTruncated`.
 */
export function unstorableReason(finishes: ReadonlyArray<FinishReason | null>, allowTruncated: boolean): string | undefined {
  if (finishes.length === 0) return 'no choices';
  for (const f of finishes) {
    if (!f) return 'a choice has no finish_reason';
    if (f === 'length' && !allowTruncated) return 'truncated (finish_reason: length)';
  }
  return undefined;
}

/** The finish reason of each choice of a response. */
export function responseFinishes(response: ChatResponse): Array<FinishReason | null> {
  return Array.isArray(response.choices) ? response.choices.map((c) => c.finish_reason ?? null) : [];
}
