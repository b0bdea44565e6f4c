/**
 * The key pools of a pipeline's adapters, for `/api/health` and `/metrics`.
 * @module
 */
import type { KeyedAdapter, KeyEvent, KeyPool, KeyPoolSnapshot } from '@lifeline/adapters';
import type { Adapter } from '@lifeline/core';

/** The key pools of `adapters` (adapters with one key have none), in provider order. */
export function keyPoolsOf(adapters: ReadonlyMap<string, Adapter>): KeyPool[] {
  return [...adapters.values()].flatMap((a) => {
    const pool = (a as Partial<KeyedAdapter>).keyPool;
    return pool ? [pool] : [];
  });
}

/** One snapshot per pool: each key's state, by fingerprint. */
export function snapshotPools(pools: readonly KeyPool[]): Promise<KeyPoolSnapshot[]> {
  return Promise.all(pools.map((p) => p.snapshot()));
}

/** Subscribes `listener` to every pool's changes; returns the unsubscriber. */
export function onPoolChange(pools: readonly KeyPool[], listener: (event: KeyEvent) => void): () => void {
  const offs = pools.map((p) => p.onChange(listener));
  return () => {
    for (const off of offs) off();
  };
}
