/**
 * Parent side of {@link gateway-child}: starts the gateway in a child process, reads its heap,
 * closes it, and checks that it then exits on its own (no leaked socket or timer).
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** How the gateway process ended. */
export interface GatewayExit {
  /** `close()` resolved, in ms. */
  closeMs: number;
  /** It exited by itself within the bound after `close()` (else it was killed). */
  exitedOnItsOwn: boolean;
  /** Time from the close request to the process exit, in ms. */
  exitMs: number;
  exitCode: number | null;
  /** Unhandled rejections, uncaught exceptions, a failed `close()`. */
  problems: string[];
  /** What the child wrote to stderr (e.g. the handles that kept it alive). */
  stderr: string;
}

/** A running gateway process. */
export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** Heap used after a settle and full GCs, in bytes. */
  heapUsed(): Promise<number>;
  /** Graceful close; waits up to `exitWithinMs` for the process to exit by itself. */
  close(exitWithinMs?: number): Promise<GatewayExit>;
}

const SCRIPT = fileURLToPath(new URL('./gateway-child.ts', import.meta.url));

/**
 * Starts the gateway with `config` in a child process.
 *
 * @example
 * ```ts
 * const gw = await startGatewayProcess({ providers: {...}, routes: [...] });
 * const exit = await gw.close(); // exit.exitedOnItsOwn === true
 * ```
 */
export function startGatewayProcess(config: object): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--expose-gc', SCRIPT, JSON.stringify(config)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = <T>(type: string) => new Promise<T>((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    void exited.then((code) => reject(new Error(`chaos gateway exited (code ${code}) before '${type}': ${stderr.slice(-2000)}`)));
  });
  return next<{ url: string }>('ready').then(({ url }) => ({
    url,
    child,
    async heapUsed() {
      const reply = next<{ heapUsed: number }>('heap');
      child.send({ type: 'heap' });
      return (await reply).heapUsed;
    },
    async close(exitWithinMs = 8_000) {
      const t0 = performance.now();
      const closed = next<{ closeMs: number; problems: string[] }>('closed');
      child.send({ type: 'close' });
      const report = await closed;
      let timer: NodeJS.Timeout | undefined;
      const onItsOwn = await Promise.race([exited.then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), exitWithinMs)))]);
      clearTimeout(timer);
      if (!onItsOwn) child.kill('SIGKILL');
      const exitCode = await exited;
      return { closeMs: report.closeMs, exitedOnItsOwn: onItsOwn, exitMs: performance.now() - t0, exitCode, problems: report.problems, stderr };
    },
  }));
}
