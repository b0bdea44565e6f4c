/**
 * Checking a {@link ChaosReport} against the invariants, and printing it.
 * @module
 */
import { VIOLATIONS } from './classify.ts';
import type { ChaosReport } from './soak.ts';

/** Most upstream attempts per request the run may make. */
export const MAX_AMPLIFICATION = 1.5;
/** Largest heap growth from the warm-up baseline to the end of the run. */
export const MAX_HEAP_GROWTH = 1.2;

/**
 * Every broken invariant of `report`, as sentences (empty when the run is clean).
 *
 * @example
 * ```ts
 * const problems = invariantsBroken(await runChaos());
 * if (problems.length) throw new Error(problems.join('\n'));
 * ```
 */
export function invariantsBroken(report: ChaosReport): string[] {
  const out: string[] = [];
  for (const v of VIOLATIONS) if (report.outcomes[v] > 0) out.push(`${report.outcomes[v]} × ${v}`);
  for (const v of report.violations) out.push(`  request ${v.request}: ${v.outcome}${v.detail ? ` — ${v.detail}` : ''}`);
  if (report.amplification > MAX_AMPLIFICATION) out.push(`retry amplification ${report.amplification.toFixed(2)} > ${MAX_AMPLIFICATION}`);
  const growth = report.heapAfter / report.heapBefore;
  if (growth > MAX_HEAP_GROWTH) out.push(`gateway heap grew ${growth.toFixed(2)}× (${mb(report.heapBefore)} → ${mb(report.heapAfter)}) > ${MAX_HEAP_GROWTH}×`);
  if (report.exit.problems.length) out.push(...report.exit.problems.map((p) => `gateway process: ${p.split('\n')[0]}`));
  if (!report.exit.exitedOnItsOwn) out.push(`the gateway process did not exit by itself after close(): ${report.exit.stderr.trim()}`);
  if (report.localUnhandled > 0) out.push(`${report.localUnhandled} unhandled rejection(s) in the driving process`);
  return out;
}

const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** A human-readable summary of `report`. */
export function formatReport(report: ChaosReport): string {
  const o = report.outcomes;
  const faults = Object.entries(report.faults).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    `chaos: seed ${report.seed} (replay with LIFELINE_CHAOS_SEED=${report.seed}), ${report.requests} requests in ${report.seconds.toFixed(1)} s`,
    `  outcomes: ${o.complete} complete, ${o.degraded} degraded (flagged), ${o.refused} refused (content filter), ${o.error} explicit errors`,
    `  violations: ${VIOLATIONS.map((v) => `${v} ${o[v]}`).join(', ')}`,
    `  upstream attempts: ${report.upstreamAttempts} → amplification ${report.amplification.toFixed(2)} (limit ${MAX_AMPLIFICATION})`,
    `  gateway heap: ${mb(report.heapBefore)} after warm-up → ${mb(report.heapAfter)} at the end (${(report.heapAfter / report.heapBefore).toFixed(2)}×, limit ${MAX_HEAP_GROWTH}×)`,
    `  close(): ${report.exit.closeMs.toFixed(0)} ms; process exited by itself: ${report.exit.exitedOnItsOwn} (${report.exit.exitMs.toFixed(0)} ms, code ${report.exit.exitCode}); unhandled rejections/exceptions: ${report.exit.problems.length} in the gateway, ${report.localUnhandled} here`,
    `  faults injected: ${faults}`,
  ].join('\n');
}
