/**
 * The cache for embedding calls: one entry per input item. A batch whose items are partly cached
 * goes upstream with the misses only (each distinct item once) and is reassembled in input order;
 * a fully cached batch makes no call; on an outage, stale entries answer when every miss has one.
 * @module
 */
import {
  type Context,
  type EmbeddingItem,
  type EmbeddingRequest,
  type EmbeddingResponse,
  embeddingItems,
  estimateItemTokens,
  isOutage,
  type Next,
  publish,
  requestForItems,
} from '@lifeline/core';
import type { CacheDirectives } from './cache-control.js';
import { embeddingItemKey, embeddingKeyMaterial } from './embedding-key.js';
import { type CacheEntry, type EmbeddingEntry, ENTRY_VERSION } from './entry.js';
import type { MissRuntime } from './miss.js';
import { embeddingEntryJson, packVector, unpackVector } from './vector.js';

/** Reads one key (a store error reads as a miss). */
export type ReadEntry = (ctx: Context, key: string) => Promise<CacheEntry | undefined>;

/** Integer shares of `total` proportional to `weights` (largest remainder: they sum to `total`). */
function shares(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0) || 1;
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the remainders sum to less than the item count, so `left` runs out first
  for (let k = 0; left > 0 && k < order.length; k++, left--) out[order[k]![1]]!++;
  return out;
}

/** Puts the answer assembled from `entries` (all items cached) on `ctx`. */
function serveCached(ctx: Context, request: EmbeddingRequest, entries: readonly EmbeddingEntry[], status: 'hit' | 'stale'): void {
  let tokens = 0;
  let saved: number | undefined = 0;
  for (const e of entries) {
    tokens += e.tokens;
    saved = e.costUsd === undefined || saved === undefined ? undefined : saved + e.costUsd;
  }
  const first = entries[0]!;
  ctx.embeddingResponse = {
    object: 'list',
    data: entries.map((e, index) => ({ object: 'embedding', index, embedding: unpackVector(e) })),
    model: first.model ?? request.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
  const meta = ctx.meta;
  meta.cache = status;
  meta.costUsd = status === 'stale' ? (meta.costUsd ?? 0) : 0;
  if (saved !== undefined && status === 'hit') meta.savedUsd = saved;
  if (first.provider !== undefined) meta.provider = first.provider;
  meta.model = first.model ?? request.model;
  meta.attempts = meta.attemptLog.length;
}

/** Answers an embedding call item by item from the cache, and sends only the misses upstream. */
export async function embeddingPath(rt: MissRuntime, ctx: Context, next: Next, scope: string | undefined, directives: CacheDirectives, read: ReadEntry): Promise<void> {
  const request = ctx.embeddingRequest!;
  const items = embeddingItems(request.input);
  const material = embeddingKeyMaterial(request);
  const keys = items.map((item) => embeddingItemKey(material, item, scope));
  const found = await Promise.all(keys.map((key) => read(ctx, key)));
  const clock = rt.clock ?? ctx.clock;
  const now = clock.now();
  const usable: Array<EmbeddingEntry | undefined> = [];
  const stale: Array<EmbeddingEntry | undefined> = [];
  const missAt: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const f = found[i];
    // Stryker disable next-line ConditionalExpression,EqualityOperator: an entry past staleUntil is neither fresh (expiresAt ≤ staleUntil) nor served stale (checked again on the error)
    const e = f?.kind === 'embedding' && now < f.staleUntil ? f : undefined;
    const fresh = e !== undefined && !directives.noCache && now < e.expiresAt && (directives.maxAgeMs === undefined || now - e.createdAt < directives.maxAgeMs);
    if (fresh) usable[i] = e;
    else {
      missAt.push(i);
      stale[i] = e;
    }
  }
  const counters = rt.counters;
  const hits = items.length - missAt.length;
  counters.itemHits += hits;
  counters.itemMisses += missAt.length;
  ctx.meta.cacheItems = { hits, misses: missAt.length };
  if (missAt.length === 0) {
    counters.hits++;
    serveCached(ctx, request, usable as EmbeddingEntry[], 'hit');
    publish('lifeline:cache', () => ({ ctx, key: keys[0], status: 'hit' }));
    return;
  }

  // Each distinct missing item goes upstream once.
  const slot = new Map<string, number>();
  const sent: EmbeddingItem[] = [];
  const sentKeys: string[] = [];
  for (const i of missAt) {
    if (slot.has(keys[i]!)) continue;
    slot.set(keys[i]!, sent.length);
    sent.push(items[i]!);
    sentKeys.push(keys[i]!);
  }
  counters.misses++;
  ctx.meta.cache = 'miss';
  publish('lifeline:cache', () => ({ ctx, key: keys[0], status: 'miss' }));
  // Stryker disable next-line ConditionalExpression: when every item is sent, the rebuilt request has the same fields; the check only spares the copy
  ctx.embeddingRequest = sent.length === items.length ? request : requestForItems(request, sent);
  try {
    await next();
  } catch (error) {
    ctx.embeddingRequest = request;
    const later = clock.now();
    if (rt.staleIfErrorMs <= 0 || !isOutage(error) || !missAt.every((i) => stale[i] !== undefined && later < stale[i]!.staleUntil)) throw error;
    counters.stale++;
    serveCached(ctx, request, items.map((_, i) => usable[i] ?? stale[i]!), 'stale');
    publish('lifeline:cache', () => ({ ctx, key: keys[0], status: 'stale', error }));
    return;
  }
  ctx.embeddingRequest = request;
  const upstream = ctx.embeddingResponse;
  if (!upstream) return;
  const fresh = freshEntries(rt, ctx, upstream, sent);
  ctx.embeddingResponse = assemble(upstream, items, keys, usable, slot);
  let saved: number | undefined = hits > 0 ? 0 : undefined;
  for (const e of usable) if (e && saved !== undefined) saved = e.costUsd === undefined ? undefined : saved + e.costUsd;
  if (saved !== undefined) ctx.meta.savedUsd = saved;
  void store(rt, ctx, sentKeys, fresh);
}

/** One entry per item sent, with its share of the call's tokens and cost. */
function freshEntries(rt: MissRuntime, ctx: Context, upstream: EmbeddingResponse, sent: readonly EmbeddingItem[]): EmbeddingEntry[] {
  const now = (rt.clock ?? ctx.clock).now();
  const weights = sent.map(estimateItemTokens);
  const tokens = shares(upstream.usage.prompt_tokens, weights);
  const weightSum = weights.reduce((a, b) => a + b, 0) || 1;
  const cost = ctx.meta.costUsd;
  const expiresAt = now + rt.ttlMs;
  return sent.map((_, j) => {
    const entry: EmbeddingEntry = { v: ENTRY_VERSION, kind: 'embedding', ...packVector(upstream.data[j]!.embedding), tokens: tokens[j]!, createdAt: now, expiresAt, staleUntil: expiresAt + rt.staleIfErrorMs };
    if (ctx.meta.provider !== undefined) entry.provider = ctx.meta.provider;
    entry.model = ctx.meta.model ?? upstream.model;
    if (typeof cost === 'number' && Number.isFinite(cost)) entry.costUsd = (cost * weights[j]!) / weightSum;
    return entry;
  });
}

/** The caller's answer: cached and fresh vectors in input order; usage counts every item. */
function assemble(
  upstream: EmbeddingResponse,
  items: readonly EmbeddingItem[],
  keys: readonly string[],
  usable: ReadonlyArray<EmbeddingEntry | undefined>,
  slot: ReadonlyMap<string, number>,
): EmbeddingResponse {
  let cachedTokens = 0;
  const data = items.map((_, index) => {
    const hit = usable[index];
    if (hit) cachedTokens += hit.tokens;
    return { object: 'embedding' as const, index, embedding: hit ? unpackVector(hit) : upstream.data[slot.get(keys[index]!)!]!.embedding };
  });
  // Stryker disable next-line ConditionalExpression,EqualityOperator: without hits the rebuilt answer has the same content; the check only spares the copy
  if (cachedTokens === 0 && data.length === upstream.data.length) return upstream;
  const usage = { ...upstream.usage, prompt_tokens: upstream.usage.prompt_tokens + cachedTokens, total_tokens: upstream.usage.total_tokens + cachedTokens };
  return { ...upstream, data, usage };
}

async function store(rt: MissRuntime, ctx: Context, keys: readonly string[], entries: readonly EmbeddingEntry[]): Promise<void> {
  const ttlMs = rt.ttlMs + rt.staleIfErrorMs;
  const s = rt.store;
  await Promise.all(
    entries.map(async (entry, j) => {
      const key = keys[j]!;
      try {
        if (s.setSerialized !== undefined) await s.setSerialized(key, embeddingEntryJson(entry), ttlMs);
        else await s.set(key, entry, ttlMs);
        rt.counters.stored++;
      } catch (error) {
        rt.counters.storeErrors++;
        publish('lifeline:cache', () => ({ ctx, key, status: 'error', error }));
      }
    }),
  );
}
