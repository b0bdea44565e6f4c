/**
 * The key pools of a pipeline's adapters, for `/api/health` and `/metrics`.
 * @module
 */
import type { KeyedAdapter, KeyPoolSnapshot } from '@lifeline/adapters';
import type { Adapter } from '@lifeline/core';

/**
 * Reads the state of every adapter's key pool (adapters with one key have none).
 *
 * @param adapters - the adapters, by provider name
 * @returns a function resolving to one snapshot per pool, in provider order
 */
export function keyPoolsOf(adapters: ReadonlyMap<string, Adapter>): () => Promise<KeyPoolSnapshot[]> {
  const pools = [...adapters.values()].flatMap((a) => {
    const pool = (a as Partial<KeyedAdapter>).keyPool;
    return pool ? [pool] : [];
  });
  return () => Promise.all(pools.map((p) => p.snapshot()));
}
