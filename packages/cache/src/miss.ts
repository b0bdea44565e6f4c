/**
 * The miss path: lead one upstream call (recording its answer) or follow one already in flight.
 * @module
 */
import { type ChatChunk, type ChatResponse, type Clock, type Context, type Next, primeStream, publish } from '@lifeline/core';
import { type CacheEntry, frozenCopy, responseFinishes, chunkFinishes, unstorableReason } from './entry.js';
import { chunksFromParts, recordStream, type RecordingEnd } from './replay.js';
import { serveEntry } from './serve.js';
import type { Flight, FlightRegistry } from './single-flight.js';
import type { CacheStore } from './store.js';

/** Running totals behind `stats()`. */
export interface Counters {
  hits: number;
  misses: number;
  stale: number;
  coalesced: number;
  bypassed: number;
  stored: number;
  storeErrors: number;
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
}

/** Answers `ctx` by joining the flight for `key`, or by leading a new upstream call. */
export async function missPath(rt: MissRuntime, ctx: Context, next: Next, key: string): Promise<void> {
  for (;;) {
    const flight = rt.flights?.get(key);
    if (flight === undefined) return lead(rt, ctx, next, key);
    const outcome = await flight.join(ctx.signal);
    if (outcome.kind === 'ok') {
      rt.counters.coalesced++;
      serveEntry(ctx, outcome.entry, 'coalesced', outcome.degraded);
      publish('lifeline:cache', () => ({ ctx, key, status: 'coalesced' }));
      return;
    }
    if (outcome.kind === 'error') throw outcome.error;
    // Abandoned by its leader's own caller: start over (join a newer flight or lead one).
  }
}

async function lead(rt: MissRuntime, ctx: Context, next: Next, key: string): Promise<void> {
  const flights = rt.flights;
  const flight = flights?.open(key);
  rt.counters.misses++;
  ctx.meta.cache = 'miss';
  publish('lifeline:cache', () => ({ ctx, key, status: 'miss' }));
  try {
    await next();
    if (ctx.stream) ctx.stream = await primeStream(ctx.stream);
  } catch (error) {
    if (flight) flights!.end(key, flight, ctx.aborted ? { kind: 'abandoned' } : { kind: 'error', error });
    throw error;
  }
  if (ctx.stream) {
    watchStream(rt, ctx, key, flight);
  } else if (ctx.response) {
    const response = ctx.response;
    const entry = makeEntry(rt, ctx, { kind: 'response', response });
    const reason = unstorable(rt, ctx, responseFinishes(response), response);
    conclude(rt, ctx, key, flight, entry, reason);
  } else if (flight) {
    flights!.end(key, flight, { kind: 'abandoned' });
  }
}

function watchStream(rt: MissRuntime, ctx: Context, key: string, flight: Flight | undefined): void {
  const signal = flight ? ctx.signal : undefined;
  const onAbort = (): void => rt.flights!.end(key, flight!, { kind: 'abandoned' });
  signal?.addEventListener('abort', onAbort, { once: true });
  ctx.stream = recordStream(ctx.stream!, (end: RecordingEnd) => {
    signal?.removeEventListener('abort', onAbort);
    if (end.kind === 'complete') {
      const chunks = chunksFromParts(end.parts);
      const entry = makeEntry(rt, ctx, { kind: 'chunks', chunks });
      conclude(rt, ctx, key, flight, entry, unstorable(rt, ctx, chunkFinishes(chunks), undefined));
    } else if (flight) {
      rt.flights!.end(key, flight, end.kind === 'error' && !ctx.aborted ? { kind: 'error', error: end.error } : { kind: 'abandoned' });
    }
  });
}

type Answer = { kind: 'response'; response: ChatResponse } | { kind: 'chunks'; chunks: ChatChunk[] };

function makeEntry(rt: MissRuntime, ctx: Context, answer: Answer): CacheEntry {
  const now = (rt.clock ?? ctx.clock).now();
  const meta = ctx.meta;
  const expiresAt = now + rt.ttlMs;
  const entry = { v: 1 as const, ...answer, createdAt: now, expiresAt, staleUntil: expiresAt + rt.staleIfErrorMs } as CacheEntry;
  if (meta.provider !== undefined) entry.provider = meta.provider;
  const model = meta.model ?? (answer.kind === 'response' ? answer.response.model : answer.chunks[0]?.model);
  if (model) entry.model = model;
  if (typeof meta.costUsd === 'number' && Number.isFinite(meta.costUsd)) entry.costUsd = meta.costUsd;
  return entry;
}

function unstorable(rt: MissRuntime, ctx: Context, finishes: ReturnType<typeof responseFinishes>, response: ChatResponse | undefined): string | undefined {
  if (ctx.meta.degraded === true) return 'degraded answer';
  const flag = response?.lifeline as { degraded?: unknown } | undefined;
  if (flag?.degraded === true) return 'degraded answer';
  return unstorableReason(finishes, rt.cacheTruncated);
}

/** Hands the answer to the followers, and stores it unless `reason` says why not. */
function conclude(rt: MissRuntime, ctx: Context, key: string, flight: Flight | undefined, entry: CacheEntry, reason: string | undefined): void {
  const flights = rt.flights;
  // Followers get a frozen copy: never the leader's own objects, never shared mutable state.
  if (flight) flight.settle({ kind: 'ok', entry: frozenCopy(entry), degraded: reason === 'degraded answer' });
  if (reason !== undefined) {
    if (flight) flights!.close(key, flight);
    publish('lifeline:cache', () => ({ ctx, key, status: 'not-stored', reason }));
    return;
  }
  // The flight stays joinable until the write lands, so no identical request slips in between.
  void write(rt, ctx, key, entry).finally(() => {
    if (flight) flights!.close(key, flight);
  });
}

async function write(rt: MissRuntime, ctx: Context, key: string, entry: CacheEntry): Promise<void> {
  try {
    await rt.store.set(key, entry, rt.ttlMs + rt.staleIfErrorMs);
    rt.counters.stored++;
    publish('lifeline:cache', () => ({ ctx, key, status: 'stored' }));
  } catch (error) {
    rt.counters.storeErrors++;
    publish('lifeline:cache', () => ({ ctx, key, status: 'error', error }));
  }
}
