/**
 * Answering a call from an entry: hit, stale or coalesced.
 * @module
 */
import type { Context } from '@lifeline/core';
import type { ChatCacheEntry } from './entry.js';
import { entryChunks, entryResponse, replay } from './replay.js';

/** How an answer from the cache was obtained (`meta.cache`). */
export type ServedStatus = 'hit' | 'stale' | 'coalesced';

/**
 * Puts `entry` on `ctx` in the shape the call expects — a replayed stream for `stream()`
 * calls (chunk for chunk when it was recorded from a stream, through `responseToChunks` when it
 * was a JSON answer), a response for `chat()` calls (assembled when it was recorded from a
 * stream) — and fills `meta`: `cache`, `provider`, `model`, `costUsd` (0: nothing was spent
 * for this answer; for a stale answer, whatever the failed attempts cost), `savedUsd` (the
 * original call's cost, when it was metered).
 */
export function serveEntry(ctx: Context, entry: ChatCacheEntry, status: ServedStatus, degraded = false): void {
  if (ctx.streaming) {
    ctx.stream = replay(entryChunks(entry));
    ctx.response = undefined;
  } else {
    ctx.response = entryResponse(entry);
    ctx.stream = undefined;
  }
  const meta = ctx.meta;
  meta.cache = status;
  meta.costUsd = status === 'stale' ? (meta.costUsd ?? 0) : 0;
  if (entry.costUsd !== undefined) meta.savedUsd = entry.costUsd;
  // `in` first: deleting a property the meta does not have still costs a runtime call.
  else if ('savedUsd' in meta) delete meta.savedUsd;
  if (entry.provider !== undefined) meta.provider = entry.provider;
  meta.model = entry.model ?? (entry.kind === 'response' ? entry.response.model : entry.chunks[0]?.model);
  meta.attempts = meta.attemptLog.length;
  if (degraded) meta.degraded = true;
}
