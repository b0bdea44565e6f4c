/**
 * Progress lines of the live demo: one per request, read from the gateway's own response.
 * @module
 */
import type { LifelineSummary } from '../server/meta.js';

/** What one demo request returned. */
export interface DemoResult {
  status: number;
  summary: LifelineSummary;
  content: string;
}

/** `$0.0000312`, `$0`, or `unpriced`. */
export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'unpriced';
  if (value === 0) return '$0';
  return `$${value < 0.001 ? value.toPrecision(3) : value.toFixed(4)}`;
}

/**
 * What happened, in words: who answered and why (failover, breaker skip, cache, degraded).
 *
 * @param r - the request's result
 * @param targets - the route's targets, in order (`relay`, `backup`, `claude:claude-sonnet-4.5`)
 */
export function outcome(r: DemoResult, targets: readonly string[]): string {
  const s = r.summary;
  if (r.status !== 200) return `HTTP ${r.status}`;
  if (s.degraded) return 'degraded answer, flagged (x-lifeline-degraded: true)';
  if (s.cache === 'hit') return `cache hit (saved ${usd(s.savedUsd ?? null)})`;
  if (s.cache === 'stale') return 'stale answer from the cache (all targets down)';
  const provider = s.provider ?? '?';
  const route = s.route ?? [];
  const before = targets.slice(0, Math.max(0, targets.indexOf(provider)));
  if (before.length === 0) return provider;
  const why = before.map((t) => {
    const failed = route.filter((e) => e.startsWith(`${t}:error`));
    if (failed.length === 0) return `${t} breaker open`;
    return `${t} ${failed.length}× ${failed[0]!.split(':').at(-1)}`;
  });
  return `${provider} (${why.join(', ')})`;
}

/** One progress line: `#3  relay fails (503)    → backup (relay 2× server)     3 attempts  $0.0000312`. */
export function progressLine(n: number, label: string, r: DemoResult, targets: readonly string[]): string {
  const attempts = `${r.summary.attempts} attempt${r.summary.attempts === 1 ? '' : 's'}`;
  return `  #${n}  ${label.padEnd(20)} → ${outcome(r, targets).padEnd(54)} ${attempts.padEnd(10)} ${usd(r.summary.costUsd)}`;
}
