/**
 * The miss path: lead one upstream call (recording its answer) or follow one already in flight.
 * @module
 */
import { type ChatResponse, type Clock, type Context, type Next, lifelineChannel, primeStream, wantsResponseJson } from '@lifeline/core';
import { type ChatCacheEntry, parseFrozen, responseFinishes, unstorableReason } from './entry.js';
import { type EntryTail, pendingChunks, pendingResponse, type PendingEntry } from './pending.js';
import { recordStream, type RecordingEnd } from './replay.js';
import { serveEntry } from './serve.js';
import { ABANDONED, type Flight, type FlightRegistry } from './single-flight.js';
import type { CacheStore } from './store.js';

/** `lifeline:cache`, looked up once: an event is built only when someone listens (no closure per call). */
const cacheChannel = lifelineChannel('lifeline:cache');

/** Running totals behind `stats()`. */
export interface Counters {
  hits: number;
  misses: number;
  stale: number;
  coalesced: number;
  bypassed: number;
  stored: number;
  storeErrors: number;
  /** Embedding calls: input items answered from the cache. */
  itemHits: number;
  /** Embedding calls: input items not in the cache (sent upstream). */
  itemMisses: number;
}

/** What the miss path needs from the middleware instance. */
export interface MissRuntime {
  store: CacheStore;
  flights: FlightRegistry | undefined;
  counters: Counters;
  ttlMs: number;
  staleIfErrorMs: number;
  cacheTruncated: boolean;
  clock: Clock | undefined;
  /** Streams are recorded as their assembled answer (`recordStreams: 'answer'`), not chunk by chunk. */
  recordAnswers: boolean;
}

/**
 * Answers `ctx` by joining the flight for `key`, or by leading a new upstream call. With
 * `coalesce` false the call neither joins nor opens a flight: it gets an answer of its own.
 */
export function missPath(rt: MissRuntime, ctx: Context, next: Next, key: string, coalesce = true): Promise<void> {
  if (!coalesce) return lead(rt, ctx, next, key, undefined);
  // No flight for the key (the common miss): lead at once, no async frame of its own.
  const flight = rt.flights?.get(key);
  return flight === undefined ? lead(rt, ctx, next, key, rt.flights) : follow(rt, ctx, next, key, flight);
}

/** Joins `flight`; when its leader's caller abandons it, joins a newer flight or leads one. */
async function follow(rt: MissRuntime, ctx: Context, next: Next, key: string, first: Flight): Promise<void> {
  let flight: Flight | undefined = first;
  for (;;) {
    const outcome = await flight.join(ctx.signal);
    if (outcome.kind === 'ok') {
      rt.counters.coalesced++;
      serveEntry(ctx, outcome.entry(), 'coalesced', outcome.degraded);
      if (cacheChannel.hasSubscribers) cacheChannel.publish({ ctx, key, status: 'coalesced' });
      return;
    }
    if (outcome.kind === 'error') throw outcome.error;
    // Abandoned by its leader's own caller: start over (join a newer flight or lead one).
    flight = rt.flights?.get(key);
    if (flight === undefined) return lead(rt, ctx, next, key, rt.flights);
  }
}

async function lead(rt: MissRuntime, ctx: Context, next: Next, key: string, flights: FlightRegistry | undefined): Promise<void> {
  const flight = flights?.open(key);
  rt.counters.misses++;
  ctx.meta.cache = 'miss';
  if (cacheChannel.hasSubscribers) cacheChannel.publish({ ctx, key, status: 'miss' });
  try {
    await next();
    if (ctx.stream) ctx.stream = await primeStream(ctx.stream);
  } catch (error) {
    if (flight) flights!.end(key, flight, ctx.aborted ? ABANDONED : { kind: 'error', error });
    throw error;
  }
  if (ctx.stream) {
    watchStream(rt, ctx, key, flight);
  } else if (ctx.response) {
    // The caller keeps the provider's own objects: the entry is captured as JSON in `conclude`,
    // before this call returns, so later edits by the caller never reach the cache.
    const response = ctx.response;
    const reason = unstorable(rt, ctx, responseFinishes(response), response);
    conclude(rt, ctx, key, flight, pendingResponse(response, tail(rt, ctx, response.model), wantsResponseJson(ctx.metadata)), reason);
  } else if (flight) {
    flights!.end(key, flight, ABANDONED);
  }
}

function watchStream(rt: MissRuntime, ctx: Context, key: string, flight: Flight | undefined): void {
  const signal = flight ? ctx.signal : undefined;
  const onAbort = (): void => rt.flights!.end(key, flight!, ABANDONED);
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, and the listener is removed when the stream ends
  signal?.addEventListener('abort', onAbort, { once: true });
  ctx.stream = recordStream(ctx.stream!, (end: RecordingEnd) => {
    signal?.removeEventListener('abort', onAbort);
    if (end.kind === 'complete') {
      const { recording } = end;
      const reason = unstorable(rt, ctx, recording.finishes(), undefined);
      const entryTail = tail(rt, ctx, recording.model);
      const answer = recording.answer();
      conclude(rt, ctx, key, flight, answer ? pendingResponse(answer, entryTail) : pendingChunks(recording, entryTail), reason);
    } else if (flight) {
      rt.flights!.end(key, flight, end.kind === 'error' && !ctx.aborted ? { kind: 'error', error: end.error } : ABANDONED);
    }
  }, rt.recordAnswers);
}

/** Times and labels of the entry about to be made (same fields, same order as ever). */
function tail(rt: MissRuntime, ctx: Context, answerModel: string | undefined): EntryTail {
  const now = (rt.clock ?? ctx.clock).now();
  const meta = ctx.meta;
  const expiresAt = now + rt.ttlMs;
  const out: EntryTail = { createdAt: now, expiresAt, staleUntil: expiresAt + rt.staleIfErrorMs };
  if (meta.provider !== undefined) out.provider = meta.provider;
  const model = meta.model ?? answerModel;
  if (model) out.model = model;
  if (typeof meta.costUsd === 'number' && Number.isFinite(meta.costUsd)) out.costUsd = meta.costUsd;
  return out;
}

function unstorable(rt: MissRuntime, ctx: Context, finishes: ReturnType<typeof responseFinishes>, response: ChatResponse | undefined): string | undefined {
  if (ctx.meta.degraded === true) return 'degraded answer';
  const flag = response?.lifeline as { degraded?: unknown } | undefined;
  if (flag?.degraded === true) return 'degraded answer';
  return unstorableReason(finishes, rt.cacheTruncated);
}

/**
 * Hands the answer to the followers, and stores it unless `reason` says why not. The entry is
 * serialised once, here, when anyone needs it: a store with `setSerialized`, a flight that stays
 * joinable until the write lands, or followers already waiting. Followers get a frozen copy
 * parsed from that JSON — never the leader's own objects, never shared mutable state.
 */
function conclude(rt: MissRuntime, ctx: Context, key: string, flight: Flight | undefined, pending: PendingEntry, reason: string | undefined): void {
  const flights = rt.flights;
  const storing = reason === undefined;
  let json: string | undefined;
  const serialized = rt.store.setSerializedNow !== undefined || rt.store.setSerialized !== undefined;
  if (flight ? storing || flight.waiting > 0 : storing && serialized) {
    try {
      json = pending.json();
    } catch (error) {
      // An answer JSON cannot carry: nothing to store or share; followers start over.
      rt.counters.storeErrors++;
      if (flight) flights!.end(key, flight, ABANDONED);
      if (cacheChannel.hasSubscribers) cacheChannel.publish({ ctx, key, status: 'error', error });
      return;
    }
  }
  if (flight) {
    if (json === undefined) flight.settle(ABANDONED); // no follower: nobody to hand it to
    else flight.settle({ kind: 'ok', entry: shared(json), degraded: reason === 'degraded answer' });
  }
  if (!storing) {
    if (flight) flights!.close(key, flight);
    if (cacheChannel.hasSubscribers) cacheChannel.publish({ ctx, key, status: 'not-stored', reason });
    return;
  }
  if (rt.store.setSerializedNow !== undefined) {
    // A store that answers at once: the entry is in before the flight closes.
    writeNow(rt, ctx, key, json!);
    if (flight) flights!.close(key, flight);
    return;
  }
  // The flight stays joinable until the write lands, so no identical request slips in between.
  void write(rt, ctx, key, pending, json).finally(() => {
    if (flight) flights!.close(key, flight);
  });
}

/** The entry in `json`, parsed on the first call into one frozen object every later call shares. */
function shared(json: string): () => ChatCacheEntry {
  let entry: ChatCacheEntry | undefined;
  return () => (entry ??= parseFrozen(json) as ChatCacheEntry);
}

function writeNow(rt: MissRuntime, ctx: Context, key: string, json: string): void {
  try {
    rt.store.setSerializedNow!(key, json, rt.ttlMs + rt.staleIfErrorMs);
    rt.counters.stored++;
    if (cacheChannel.hasSubscribers) cacheChannel.publish({ ctx, key, status: 'stored' });
  } catch (error) {
    rt.counters.storeErrors++;
    if (cacheChannel.hasSubscribers) cacheChannel.publish({ ctx, key, status: 'error', error });
  }
}

async function write(rt: MissRuntime, ctx: Context, key: string, pending: PendingEntry, json: string | undefined): Promise<void> {
  const store = rt.store;
  const ttlMs = rt.ttlMs + rt.staleIfErrorMs;
  try {
    // Stryker disable next-line LogicalOperator: conclude() has always made the JSON when the store takes it serialised
    if (store.setSerialized !== undefined) await store.setSerialized(key, json ?? pending.json(), ttlMs);
    else await store.set(key, pending.entry(), ttlMs);
    rt.counters.stored++;
    if (cacheChannel.hasSubscribers) cacheChannel.publish({ ctx, key, status: 'stored' });
  } catch (error) {
    rt.counters.storeErrors++;
    if (cacheChannel.hasSubscribers) cacheChannel.publish({ ctx, key, status: 'error', error });
  }
}
