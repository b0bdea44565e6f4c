/**
 * Reproducible randomness: a seeded PRNG (mulberry32) and the run's seed, taken from
 * `LIFELINE_CHAOS_SEED` when set, so any failure can be replayed exactly.
 * @module
 */

/** A random source returning floats in [0, 1). */
export type Random = () => number;

/**
 * A deterministic PRNG (mulberry32): the same seed gives the same sequence.
 *
 * @param seed - any 32-bit integer
 * @returns the random source
 * @example
 * ```ts
 * const rand = prng(42);
 * rand(); // always the same first value for seed 42
 * ```
 */
export function prng(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The run's seed: `LIFELINE_CHAOS_SEED` (an integer) if set, else `fallback`.
 *
 * @throws {RangeError} when `LIFELINE_CHAOS_SEED` is not an integer
 * @example
 * ```ts
 * const seed = chaosSeed(20_240_601); // LIFELINE_CHAOS_SEED=7 npm run chaos → 7
 * ```
 */
export function chaosSeed(fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LIFELINE_CHAOS_SEED;
  if (raw === undefined || raw === '') return fallback;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new RangeError(`LIFELINE_CHAOS_SEED must be an integer, got ${JSON.stringify(raw)}`);
  return seed;
}

/** Picks one of `items` by weight. */
export function pickWeighted<T>(rand: Random, items: ReadonlyArray<readonly [number, T]>): T {
  const total = items.reduce((t, [w]) => t + w, 0);
  let r = rand() * total;
  for (const [w, item] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![1];
}
