import { spawnSync } from 'node:child_process';
import fs, { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchedDestination, LOG_BUFFER_BYTES, LOG_FLUSH_MS } from './log-destination.js';

let dir: string;
let file: string;
let fd: number;
beforeEach(() => {
  // Only the flush timer is faked: the file writes still complete on libuv's thread pool.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  dir = mkdtempSync(join(tmpdir(), 'lifeline-log-'));
  file = join(dir, 'log');
  fd = openSync(file, 'w');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
});

/** Event-loop turns until the file holds `bytes` bytes (the write runs on the thread pool). */
async function written(bytes: number): Promise<string> {
  for (let i = 0; i < 10_000; i++) {
    const text = readFileSync(file, 'utf8');
    if (text.length >= bytes) return text;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`the log file never reached ${bytes} bytes`);
}

describe('batchedDestination', () => {
  it('holds a quiet burst of lines until LOG_FLUSH_MS after the first, then writes them together', async () => {
    const writes = vi.spyOn(fs, 'write');
    const dest = batchedDestination(fd);
    dest.write('{"msg":"one"}\n');
    vi.advanceTimersByTime(LOG_FLUSH_MS / 2);
    dest.write('{"msg":"two"}\n');
    vi.advanceTimersByTime(LOG_FLUSH_MS / 2 - 1);
    expect(writes).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(writes).toHaveBeenCalledTimes(1);
    expect(await written(28)).toBe('{"msg":"one"}\n{"msg":"two"}\n');
  });

  it(`writes at once when ${LOG_BUFFER_BYTES} bytes are buffered`, async () => {
    const writes = vi.spyOn(fs, 'write');
    const dest = batchedDestination(fd);
    const line = `${'x'.repeat(99)}\n`;
    const lines = Math.ceil(LOG_BUFFER_BYTES / line.length);
    for (let i = 0; i < lines - 1; i++) dest.write(line);
    expect(writes).not.toHaveBeenCalled();
    dest.write(line);
    expect(writes).toHaveBeenCalledTimes(1);
    expect(await written(lines * line.length)).toBe(line.repeat(lines));
  });

  it('flush(cb) writes what is buffered and calls back once written', async () => {
    const dest = batchedDestination(fd);
    dest.write('{"msg":"bye"}\n');
    await new Promise<void>((resolve, reject) => dest.flush((err) => (err ? reject(err) : resolve())));
    expect(readFileSync(file, 'utf8')).toBe('{"msg":"bye"}\n');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('the built-in logger on exit', () => {
  it('writes the lines still being collected when the process exits', () => {
    const dist = new URL('../../dist/index.js', import.meta.url).href;
    const script = `import { createGateway } from ${JSON.stringify(dist)};
createGateway({ providers: { a: { kind: 'openai', baseURL: 'http://127.0.0.1:9', apiKey: 'k' } }, routes: [{ model: '*', targets: ['a'] }] });
process.exit(0);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toContain('auth is off: no gateway keys configured (auth.keys), every request is accepted');
  });
});
