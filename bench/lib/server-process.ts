/**
 * Runs a server (a gateway, the bare proxy, Portkey) in its own Node process, preloaded with
 * `probe.mjs`, so a benchmark can bill that process's own CPU time to the requests it served.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CpuProfile } from './profile.ts';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** The server's own CPU time so far (user + system), in µs. */
  cpuUs(): Promise<number>;
  /** The server's heap after a GC (when started with `--expose-gc`), in bytes. */
  heapUsed(): Promise<number>;
  /** Starts sampling the server's heap allocations (see {@link ServerProcess.allocStop}). */
  allocStart(): Promise<void>;
  /** Stops sampling: bytes allocated since `allocStart()` per function, `[functionName, url, line, bytes]` (sampled every 512 bytes). */
  allocStop(): Promise<AllocationSite[]>;
  /**
   * Starts V8's sampling CPU profiler in the server (every `intervalUs` µs; see
   * {@link ServerProcess.profStop}): a window of steady load, without the start-up and the JIT's warm-up
   * that `--cpu-prof` records.
   */
  profStart(intervalUs?: number): Promise<void>;
  /** Stops the profiler: the profile since `profStart()` (`.cpuprofile` JSON). */
  profStop(): Promise<CpuProfile>;
  /** The server's resident set size now and its peak since it started, in bytes. */
  mem(): Promise<{ rss: number; maxRss: number }>;
  /** SIGTERM, then SIGKILL after 5 s; resolves when it exited. */
  close(): Promise<void>;
}

/** Bytes a function allocated: `[functionName, url, line (0-based), bytes]`. */
export type AllocationSite = [string, string, number, number];

export interface ServerProcessOptions {
  /** Script to run (absolute path). */
  script: string;
  args?: string[];
  /** Extra node flags (`--cpu-prof`, `--expose-gc`). */
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** When the script does not announce itself over IPC: poll this URL until it answers, then use `url`. */
  poll?: { url: string; readyUrl: string };
  /** Show the server's stdout. @defaultValue false */
  stdout?: boolean;
}

const PROBE = fileURLToPath(new URL('./probe.mjs', import.meta.url));

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', PROBE, ...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])], {
    stdio: ['ignore', options.stdout ? 'inherit' : 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let seq = 0;
  const ask = <T>(type: string, pick: (m: Record<string, unknown>) => T, extra: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      const id = ++seq;
      const onMessage = (m: Record<string, unknown> & { type: string; id: number }) => {
        if (m.type !== type || m.id !== id) return;
        child.off('message', onMessage);
        resolve(pick(m));
      };
      child.on('message', onMessage);
      if (!child.send({ ...extra, type, id })) reject(new Error('server process is gone'));
    });

  let url: string;
  if (options.poll) {
    url = options.poll.url;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${options.script} exited early with code ${child.exitCode}`);
      const ok = await fetch(options.poll.readyUrl).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`${options.script} did not start within 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } else {
    url = await new Promise<string>((resolve, reject) => {
      child.on('message', (m: { type?: string; url?: string }) => m.type === 'ready' && resolve(m.url!));
      void exited.then((code) => reject(new Error(`${options.script} exited early with code ${code}`)));
    });
  }
  return {
    url,
    child,
    cpuUs: () => ask('cpu', (m) => (m.user as number) + (m.system as number)),
    heapUsed: () => ask('heap', (m) => m.heapUsed as number),
    mem: () => ask('mem', (m) => ({ rss: m.rss as number, maxRss: m.maxRss as number })),
    allocStart: () => ask('alloc-start', () => undefined),
    allocStop: () => ask('alloc-stop', (m) => m.sites as AllocationSite[]),
    profStart: (intervalUs = 200) => ask('prof-start', () => undefined, { intervalUs }),
    profStop: () => ask('prof-stop', (m) => m.profile as CpuProfile),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A free loopback port (for servers that take `--port=N`). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
