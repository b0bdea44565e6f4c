/**
 * Starts a mock provider in a child process (so its CPU is not billed to the client under test)
 * and resolves with its URL. The child exits when the parent closes its stdin or exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface MockProcess {
  url: string;
  child: ChildProcess;
  close(): Promise<void>;
}

export function startMockProcess(options: Record<string, unknown> = {}): Promise<MockProcess> {
  const script = fileURLToPath(new URL('./mock-child.ts', import.meta.url));
  const child = spawn(process.execPath, [script, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        const url = buf.slice(0, nl).trim();
        resolve({
          url,
          child,
          close: () =>
            new Promise<void>((res) => {
              child.once('exit', () => res());
              child.stdin!.end();
              setTimeout(() => child.kill('SIGKILL'), 2000).unref();
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`mock process exited early with code ${code}`)));
  });
}
