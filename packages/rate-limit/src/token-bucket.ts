/**
 * Token-bucket arithmetic in exact integers: levels are kept in unit·ms (a unit × 60 000), so
 * refills and waits never drift by a millisecond through floating-point error.
 * @module
 */

/** Milliseconds per minute: the period of rpm and tpm. */
export const MINUTE_MS = 60_000;

/** One bucket: `level` in unit·ms (capacity is `limit × 60 000`), as of `updatedAt`. */
export interface BucketState {
  level: number;
  updatedAt: number;
}

/** A full bucket for `limit` units per minute. */
export function fullBucket(limit: number, now: number): BucketState {
  return { level: limit * MINUTE_MS, updatedAt: now };
}

/** Refills `state` up to `now` (in place) and returns it. Time running backwards refills nothing. */
export function refill(state: BucketState, limit: number, now: number): BucketState {
  const elapsed = Math.max(0, now - state.updatedAt);
  state.level = Math.min(limit * MINUTE_MS, state.level + elapsed * limit);
  state.updatedAt = Math.max(state.updatedAt, now);
  return state;
}

/**
 * Milliseconds until `cost` units are available (0 when they are now). With `clamp` (the
 * default, for one call) a cost above the bucket's capacity is treated as the capacity: it waits
 * for a full bucket instead of forever; without it (a queue's cumulative cost) it is the time
 * the refill takes to deliver that many units.
 */
export function waitFor(state: BucketState, cost: number, limit: number, now: number, clamp = true): number {
  const level = refill({ ...state }, limit, now).level;
  const need = (clamp ? Math.min(cost, limit) : cost) * MINUTE_MS;
  return level >= need ? 0 : Math.ceil((need - level) / limit);
}

/** Removes `cost` units (in place); the level may go below 0 (a debt repaid by later refills). */
export function debit(state: BucketState, cost: number, limit: number, now: number): void {
  refill(state, limit, now);
  state.level -= Math.min(cost, limit) * MINUTE_MS;
}

/** Adds (refund, negative `delta`) or removes (`delta` > 0) units after the fact; never above capacity. */
export function adjustBucket(state: BucketState, delta: number, limit: number, now: number): void {
  refill(state, limit, now);
  state.level = Math.min(limit * MINUTE_MS, state.level - delta * MINUTE_MS);
}
