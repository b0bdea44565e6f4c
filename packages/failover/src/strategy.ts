/**
 * Strategies: the order in which one call tries the targets.
 * @module
 */
import type { LatencyStats } from './latency.js';
import type { StrategyName } from './options.js';
import type { ResolvedTarget } from './target.js';

/** Orders the targets for one call; the call walks the list until one answers. */
export interface Strategy {
  /** The strategy's name. */
  readonly name: StrategyName;
  /** A fresh order for one call (`now` is the clock time of the call). */
  order(targets: readonly ResolvedTarget[], now: number): ResolvedTarget[];
}

/** What the strategies need besides the targets. */
export interface StrategyDeps {
  /** Random source in [0, 1) (`weighted`). */
  random: () => number;
  /** Latency statistics (`least-latency`). */
  stats: LatencyStats;
  /** Age after which a latency estimate is re-measured (`least-latency`). */
  staleMs: number;
}

/**
 * Builds a strategy.
 * - `ordered`: as listed.
 * - `weighted`: a weighted random permutation: the first target is drawn with probability
 *   `weight / Σweights`, the next among the rest, and so on; weight-0 targets come last, in list order.
 * - `round-robin`: call k starts at target k mod n and continues in list order.
 * - `least-latency`: targets never measured, or whose estimate is stale, first (list order; one
 *   probe at a time), then by moving-average latency, ties in list order.
 *
 * @example
 * ```ts
 * const s = createStrategy('round-robin', deps);
 * s.order(targets, Date.now()).map((t) => t.name); // ['a', 'b'], then ['b', 'a'], …
 * ```
 */
export function createStrategy(name: StrategyName, deps: StrategyDeps): Strategy {
  switch (name) {
    case 'ordered':
      return { name, order: (targets) => targets.slice() };
    case 'round-robin': {
      let cursor = 0;
      return {
        name,
        order(targets) {
          const start = cursor % targets.length;
          cursor = (cursor + 1) % targets.length;
          return [...targets.slice(start), ...targets.slice(0, start)];
        },
      };
    }
    case 'weighted':
      return { name, order: (targets) => weightedOrder(targets, deps.random) };
    case 'least-latency':
      return { name, order: (targets, now) => latencyOrder(targets, deps, now) };
  }
}

function weightedOrder(targets: readonly ResolvedTarget[], random: () => number): ResolvedTarget[] {
  const pool = targets.filter((t) => t.weight > 0);
  const out: ResolvedTarget[] = [];
  while (pool.length > 1) {
    const total = pool.reduce((sum, t) => sum + t.weight, 0);
    let x = Math.min(Math.max(random(), 0), 1 - Number.EPSILON) * total;
    let i = 0;
    for (; i < pool.length - 1; i++) {
      x -= pool[i]!.weight;
      if (x < 0) break;
    }
    out.push(pool.splice(i, 1)[0]!);
  }
  out.push(...pool);
  for (const t of targets) if (t.weight === 0) out.push(t);
  return out;
}

function latencyOrder(targets: readonly ResolvedTarget[], deps: StrategyDeps, now: number): ResolvedTarget[] {
  const { stats, staleMs } = deps;
  const probe = targets.find((t) => stats.isStale(t.name, now, staleMs));
  if (probe) stats.touch(probe.name, now);
  const measured = targets
    .filter((t) => t !== probe)
    .map((t) => ({ t, ms: stats.estimate(t.name) ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.ms - b.ms || a.t.index - b.t.index)
    .map((e) => e.t);
  return probe ? [probe, ...measured] : measured;
}
