/**
 * One benchmark case per process. Measuring cases side by side in one process lets them tax each
 * other: a case pays for collecting another's garbage, and shared code (undici's) carries type
 * feedback from every case. Collecting between cases with `gc()` is worse: a forced GC drops the
 * maps V8 otherwise keeps for a few collections, so every optimised function that embedded one is
 * deoptimised ("embedded weak objects cleared", ~700 deopts over a library run) and the next
 * window measures the JIT warming up again — the larger the code a case runs, the more it pays.
 *
 * Here each case runs in a child process of its own that the parent steps through warm-up and
 * measured windows over IPC, so the windows of all cases still interleave (drift on a busy machine
 * hits every case alike) while each process collects only its own garbage, naturally.
 *
 * Parent: {@link startCaseProcess}. Child: {@link serveCase}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { runLoad } from './load.ts';
import type { ProfileSummary } from './profile.ts';
import { median } from './stats.ts';

/** What one measured window of a case process reports. */
export interface WindowResult {
  calls: number;
  wallMs: number;
  /** The case process's user + system CPU over the window, in µs. */
  cpuUs: number;
  errors: number;
}

type Request = { type: 'run'; id: number; calls: number } | { type: 'profile'; id: number; calls: number };
type Reply = { id: number; window?: WindowResult; profile?: ProfileSummary; error?: string };

/** The parent's handle on a case process. */
export interface CaseProcess {
  /** Runs `calls` calls (the child's concurrency) and reports the window. */
  run(calls: number): Promise<WindowResult>;
  /** Runs `calls` calls under the inspector's sampling profiler. */
  profile(calls: number): Promise<ProfileSummary>;
  close(): Promise<void>;
}

/**
 * Starts `script` (a module that calls {@link serveCase}) with `args` and Node flags `nodeArgs`,
 * and resolves once it is ready for its first window.
 */
export function startCaseProcess(script: string, args: string[], nodeArgs: string[] = []): Promise<CaseProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, script, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let exited: Error | undefined;
  child.on('message', (msg: Reply & { type?: string }) => {
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.error) w?.reject(new Error(msg.error));
    else w?.resolve(msg);
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => {
      exited = new Error(`case process ${script} ${args.join(' ')} exited with code ${code}`);
      reject(exited);
      for (const w of waiting.values()) w.reject(exited);
      waiting.clear();
    });
  });
  const ask = (req: Omit<Request, 'id'>): Promise<Reply> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(exited);
      const id = ++nextId;
      waiting.set(id, { resolve, reject });
      child.send({ ...req, id });
    });
  const handle: CaseProcess = {
    run: async (calls) => (await ask({ type: 'run', calls })).window!,
    profile: async (calls) => (await ask({ type: 'profile', calls })).profile!,
    close: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
  return ready.then(() => handle);
}

/**
 * The child's side: answers the parent's windows by running `fn` closed-loop, `concurrency` calls
 * in flight, and exits when the parent disconnects (after `close`, if given).
 */
export function serveCase(fn: () => Promise<unknown>, concurrency: number, close?: () => Promise<unknown>): void {
  if (!process.send) throw new Error('serveCase: run this module through startCaseProcess()');
  const window = async (calls: number): Promise<WindowResult> => {
    const r = await runLoad('window', fn, calls, concurrency);
    return { calls, wallMs: r.wallMs, cpuUs: r.cpuUsPerCall * calls, errors: r.errors };
  };
  process.on('message', (req: Request) => {
    void (async () => {
      try {
        if (req.type === 'run') process.send!({ id: req.id, window: await window(req.calls) });
        else {
          const { profileInProcess } = await import('./profile.ts');
          process.send!({ id: req.id, profile: await profileInProcess(async () => void (await window(req.calls))) });
        }
      } catch (error) {
        process.send!({ id: req.id, error: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  process.once('disconnect', () => {
    void Promise.resolve(close?.()).finally(() => process.exit(0));
  });
  process.send({ type: 'ready' });
}

/** A case's figures over the interleaved windows of {@link measureInterleaved}. */
export interface CaseFigures {
  name: string;
  /** Median over the windows. */
  cpuUsPerCall: number;
  /** Median over the windows. */
  callsPerSec: number;
  /** This case's CPU per call over the baseline's, window by window (same round), sorted. */
  ratios: number[];
  errors: number;
}

/**
 * Warms every process up with `warmup` calls, then runs `rounds` rounds in which each case, in
 * turn, runs a window of `calls` calls split across its processes (a case may run in several, so
 * that no one process's start-up — which objects V8 chose to pretenure — decides its figure). The
 * first case is the baseline: every other case's ratio is taken against it round by round, so a
 * slow stretch of the machine lands on both sides.
 */
export async function measureInterleaved(
  cases: Array<{ name: string; processes: CaseProcess[] }>,
  opts: { warmup: number; calls: number; rounds: number },
): Promise<CaseFigures[]> {
  for (const c of cases) for (const p of c.processes) await p.run(opts.warmup);
  const windows = cases.map(() => [] as WindowResult[]);
  for (let r = 0; r < opts.rounds; r++) {
    for (const [i, c] of cases.entries()) {
      const share = Math.ceil(opts.calls / c.processes.length);
      const parts: WindowResult[] = [];
      for (const p of c.processes) parts.push(await p.run(share));
      windows[i]!.push(parts.reduce((a, w) => ({ calls: a.calls + w.calls, wallMs: a.wallMs + w.wallMs, cpuUs: a.cpuUs + w.cpuUs, errors: a.errors + w.errors })));
    }
  }
  const perCall = (w: WindowResult) => w.cpuUs / w.calls;
  return cases.map((c, i) => ({
    name: c.name,
    cpuUsPerCall: median(windows[i]!.map(perCall)),
    callsPerSec: median(windows[i]!.map((w) => (w.calls / w.wallMs) * 1000)),
    ratios: windows[i]!.map((w, r) => perCall(w) / perCall(windows[0]![r]!)).sort((a, b) => a - b),
    errors: windows[i]!.reduce((sum, w) => sum + w.errors, 0),
  }));
}

/** The median of a sorted list of ratios. */
export const medianRatio = (f: CaseFigures): number => f.ratios[f.ratios.length >> 1]!;

/** A markdown table of {@link measureInterleaved}'s figures (ratio: median of the per-round ratios, and their middle half). */
export function figuresTable(figures: CaseFigures[]): string {
  const q = (f: CaseFigures, p: number) => f.ratios[Math.min(f.ratios.length - 1, Math.floor(p * f.ratios.length))]!;
  return [
    '| case | calls/s | CPU µs/call | CPU vs baseline (median of rounds) | middle half of rounds | errors |',
    '|---|---:|---:|---:|---:|---:|',
    ...figures.map(
      (f) =>
        `| ${f.name} | ${f.callsPerSec.toFixed(0)} | ${f.cpuUsPerCall.toFixed(1)} | ${medianRatio(f).toFixed(2)}× | ` +
        `${q(f, 0.25).toFixed(2)}–${q(f, 0.75).toFixed(2)}× | ${f.errors} |`,
    ),
  ].join('\n');
}
