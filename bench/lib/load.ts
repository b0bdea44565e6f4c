/**
 * A closed-loop load runner for library benchmarks: `total` calls with `concurrency` in flight,
 * reporting calls/s and this process's CPU time per call (user + system), which is steadier than
 * wall time on a small machine.
 */
export interface LoadResult {
  name: string;
  calls: number;
  wallMs: number;
  callsPerSec: number;
  cpuUsPerCall: number;
  errors: number;
}

/**
 * Runs `total` calls of `fn`, `concurrency` at a time. No forced GC around the window: a forced GC
 * deoptimises most optimised code (it drops the maps V8 keeps for a few natural collections), so
 * the window after it measures the JIT warming up again. Cases that must not tax each other run in
 * processes of their own (see case-process.ts).
 */
export async function runLoad(name: string, fn: () => Promise<unknown>, total: number, concurrency: number): Promise<LoadResult> {
  let started = 0;
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    while (started < total) {
      started++;
      try {
        await fn();
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    name,
    calls: total,
    wallMs,
    callsPerSec: (total / wallMs) * 1000,
    cpuUsPerCall: (cpu.user + cpu.system) / total,
    errors,
  };
}

/** Runs each case `rounds` times, interleaved, and keeps each case's median by CPU per call. */
export async function compare(
  cases: Array<[string, () => Promise<unknown>]>,
  opts: { total: number; concurrency: number; rounds: number; warmup: number },
): Promise<LoadResult[]> {
  for (const [name, fn] of cases) await runLoad(name, fn, opts.warmup, opts.concurrency);
  const all = new Map<string, LoadResult[]>();
  for (let r = 0; r < opts.rounds; r++) {
    for (const [name, fn] of cases) {
      const res = await runLoad(name, fn, opts.total, opts.concurrency);
      all.set(name, [...(all.get(name) ?? []), res]);
    }
  }
  return cases.map(([name]) => {
    const runs = all.get(name)!.sort((a, b) => a.cpuUsPerCall - b.cpuUsPerCall);
    return runs[Math.floor(runs.length / 2)]!;
  });
}

export function table(results: LoadResult[], baselineName: string): string {
  const base = results.find((r) => r.name === baselineName)!;
  const lines = [
    '| case | calls/s | CPU µs/call | CPU vs baseline | errors |',
    '|---|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.callsPerSec.toFixed(0)} | ${r.cpuUsPerCall.toFixed(1)} | ${(r.cpuUsPerCall / base.cpuUsPerCall).toFixed(2)}× | ${r.errors} |`,
    ),
  ];
  return lines.join('\n');
}
