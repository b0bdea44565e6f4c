/**
 * Test helper: starts `test/worker.ts` as separate Node processes and sends them commands.
 * @module
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** One worker process. */
export class Worker {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #ids = 0;
  readonly up: Promise<void>;

  constructor() {
    this.#child = fork(WORKER, [], { execPath: process.execPath, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let ready!: () => void;
    this.up = new Promise((r) => (ready = r));
    this.#child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      if (m.id === 0) return ready();
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
    });
    this.#child.on('exit', (code) => {
      for (const p of this.#pending.values()) p.reject(new Error(`worker exited with ${code}`));
      this.#pending.clear();
    });
  }

  /** Sends a command and resolves with its result. */
  send<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.#ids;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ id, cmd, ...args });
    });
  }

  /** Closes its stores and waits for it to exit (kills it if it does not within 5 s). */
  async close(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.#child.once('exit', () => r()));
    await this.send('close').catch(() => {});
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Starts `n` workers and waits until they run. */
export async function startWorkers(n: number): Promise<Worker[]> {
  const workers = Array.from({ length: n }, () => new Worker());
  await Promise.all(workers.map((w) => w.up));
  return workers;
}
