/**
 * Which ready key takes the next attempt: round-robin, or the least used over the window.
 * @module
 */
import type { KeyPoolStrategy } from './options.js';

/** A key that may take the attempt. */
export interface Candidate {
  /** Its position in the pool. */
  index: number;
  /** What it used over the window (requests, or its share's fraction). */
  load: number;
  /** True when it used its whole share, or its own headers say it is spent. */
  saturated: boolean;
}

/**
 * Picks among `candidates` (in pool order): those under their share first; among them the next
 * one from `cursor` on (`round-robin`) or the least loaded, ties going to the next from `cursor`
 * (`least-used`).
 *
 * @param candidates - the ready keys, ordered by index
 * @param strategy - the pool's strategy
 * @param cursor - the index the rotation continues from
 * @param size - keys in the pool
 * @returns the chosen candidate, or `undefined` when there is none
 */
export function selectKey(candidates: readonly Candidate[], strategy: KeyPoolStrategy, cursor: number, size: number): Candidate | undefined {
  const fresh = candidates.filter((c) => !c.saturated);
  const pool = fresh.length > 0 ? fresh : candidates;
  let best: Candidate | undefined;
  let bestDistance = Infinity;
  for (const c of pool) {
    const distance = (c.index - cursor + size) % size;
    const better = best === undefined || (strategy === 'least-used' && c.load < best.load) || ((strategy === 'round-robin' || c.load === best.load) && distance < bestDistance);
    if (better) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}
