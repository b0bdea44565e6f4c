/**
 * Ranks the functions of V8 CPU profiles (`.cpuprofile` JSON: from a server's `profStop()`, or taken
 * in this process) by self time (idle excluded), plus self time by package (`@lifeline/*`, npm
 * packages, node internals, GC).
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  /** `file:line`, shortened to the package-relative path. */
  where: string;
  package: string;
  selfPct: number;
}

/** Which package a script URL belongs to. */
export function packageOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return '(program: V8/native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const lifeline = /\/packages\/([^/]+)\/dist\//.exec(url);
  if (lifeline) return `@lifeline/${lifeline[1]}`;
  const mods = url.split('/node_modules/');
  if (mods.length > 1) {
    const rest = mods[mods.length - 1]!.split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.includes('/bench/')) return '(bench harness)';
  return url === '' ? '(native)' : '(other)';
}

/** `file:line` of a profile's call frame, shortened to the package-relative path (line 0-based in, 1-based out). */
export function shortWhere(url: string, line: number): string {
  if (!url) return '';
  const cut = url.replace(/^file:\/\//, '').replace(/^.*\/(packages\/[^/]+\/dist\/|node_modules\/)/, '');
  return `${cut}:${line + 1}`;
}

export interface ProfileSummary {
  total: HotSpot[];
  byPackage: Array<{ name: string; selfPct: number }>;
}

/**
 * Profiles `fn` in this process with the inspector's sampling profiler and summarizes it.
 */
export async function profileInProcess(fn: () => Promise<void>, intervalUs = 200): Promise<ProfileSummary> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  let failure: unknown;
  await fn().catch((err: unknown) => (failure = err));
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
  session.disconnect();
  if (failure) throw failure;
  return summarizeProfiles([profile]);
}

export function summarizeProfiles(profiles: CpuProfile[]): ProfileSummary {
  const self = new Map<string, { name: string; where: string; package: string; us: number }>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const p of profiles) {
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < p.samples.length; i++) {
      const node = nodes.get(p.samples[i]!)!;
      const { functionName, url, lineNumber } = node.callFrame;
      // Idle time, and the in-process profiler's own session, are not the code under test.
      if (functionName === '(idle)' || url === 'node:inspector') continue;
      const dt = p.timeDeltas[i] ?? 0;
      total += dt;
      const key = `${functionName}@${url}:${lineNumber}`;
      const pkg = packageOf(url, functionName);
      const entry = self.get(key) ?? { name: functionName || '(anonymous)', where: shortWhere(url, lineNumber), package: pkg, us: 0 };
      entry.us += dt;
      self.set(key, entry);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + dt);
    }
  }
  const pct = (v: number) => (100 * v) / Math.max(1, total);
  return {
    total: [...self.values()].sort((a, b) => b.us - a.us).slice(0, 25).map((e) => ({ name: e.name, where: e.where, package: e.package, selfPct: pct(e.us) })),
    byPackage: [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, v]) => ({ name, selfPct: pct(v) })),
  };
}
