import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { turnsUntil, watch } from '../../../test-support/turns.js';
import { startMockProvider } from './server.js';
import { chat } from './test-utils.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('close()', () => {
  it('destroys hung, stalled and delayed connections and resolves promptly', async () => {
    // Fake timers (the sockets stay real): the delayed answer never comes, so a close() that
    // waited for its connections would never resolve; it must resolve with no time passing.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const mock = await startMockProvider({
      script: [{ hang: true }, { stream: { stallAfter: 1 } }, { delayMs: 60_000 }],
    });
    const hung = chat(mock).then(
      () => 'answered',
      () => 'failed',
    );
    const stalledRes = await chat(mock, { stream: true });
    const reader = stalledRes.body!.getReader();
    await reader.read();
    const stalled = (async () => {
      try {
        for (;;) if ((await reader.read()).done) return 'ended';
      } catch {
        return 'failed';
      }
    })();
    const delayed = chat(mock).then(
      () => 'answered',
      () => 'failed',
    );
    await turnsUntil(() => mock.requests.length === 3, 'the three requests');
    const closing = watch(mock.close());
    await turnsUntil(closing.settled, 'close() with no time passing');
    expect(await Promise.all([hung, stalled, delayed])).toEqual(['failed', 'failed', 'failed']);
    await mock.close(); // idempotent
  });
});

describe('nothing keeps the process alive after close()', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-testing-'));
    await build({
      entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: join(dir, 'mock.mjs'),
      logLevel: 'silent',
    });
    await writeFile(
      join(dir, 'child.mjs'),
      `import { startMockProvider } from './mock.mjs';
const mock = await startMockProvider({ script: [{ hang: true }, { stream: { stallAfter: 1 } }, { delayMs: 600000 }] });
const post = (body) => fetch(mock.url + '/chat/completions', {
  method: 'POST',
  headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], ...body }),
});
const hung = post({}).catch(() => 'failed');
const stalled = post({ stream: true }).then(async (r) => { const rd = r.body.getReader(); await rd.read(); await rd.read(); }).catch(() => 'failed');
const delayed = post({}).catch(() => 'failed');
while (mock.requests.length < 3) await new Promise((r) => setTimeout(r, 5));
await mock.close();
console.log(JSON.stringify(await Promise.all([hung, stalled, delayed])));
`,
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a child process that starts a mock, makes hanging requests and closes it exits on its own', async () => {
    // Its hung and delayed (600 s) requests would hold it far longer than the 10 s after which it
    // is killed (code null): exiting with 0 before then is the proof, however slowly it starts.
    const child = spawn(process.execPath, [join(dir, 'child.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const code = await new Promise<number | null>((resolve) => {
      const killer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 10_000);
      child.on('exit', (c) => {
        clearTimeout(killer);
        resolve(c);
      });
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(['failed', 'failed', 'failed']);
  });
});
