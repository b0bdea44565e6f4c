/**
 * The adapter inside the real pipeline (core's `timeout({ idleMs })` on a stalled stream), and
 * the process-level guarantee of `close()`: a child process that used the adapter exits by itself.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, TimeoutError, timeout } from '@lifeline/core';
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { turnsUntil } from '../../../../test-support/turns.js';
import { openai, type OpenAIAdapter } from './adapter.js';

let mock: MockProvider | undefined;
let adapter: OpenAIAdapter | undefined;
let dir: string | undefined;

afterEach(async () => {
  const [a, m, d] = [adapter, mock, dir];
  adapter = undefined;
  mock = undefined;
  dir = undefined;
  try {
    await a?.close();
    await m?.close();
  } finally {
    if (d) await rm(d, { recursive: true, force: true });
  }
});

describe('openai() in the pipeline', () => {
  it('a stalled stream fails with timeout({ idleMs })’s TimeoutError and frees its socket', async () => {
    mock = await startMockProvider({ apiKey: false, script: [{ stream: { stallAfter: 2 } }] });
    adapter = openai({ baseURL: mock.url, name: 'primary' });
    const client = createClient({ adapter, use: [timeout({ idleMs: 150 })] });
    const stream = client.stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    const err = await (async () => {
      for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('Hello from');
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ kind: 'idle', timeoutMs: 150, provider: 'primary' });
    expect((err as Error).message).toMatch(/went silent for 150 ms/);
    await expect(stream.result).rejects.toBe(err);
    const freed = () => adapter!.stats()?.connected === 0 && adapter!.stats()?.running === 0;
    await turnsUntil(freed, 'the socket freed');
    expect(adapter.stats()).toMatchObject({ connected: 0, running: 0 });
  });
});

/**
 * Runs `script` in a child process; it is killed (code null) after 15 s, far less than the 60 s
 * keep-alive its sockets would hold it for if they kept it alive: exiting with 0 is the proof,
 * however slowly a loaded machine runs it.
 */
async function runChild(script: string, baseURL: string): Promise<{ code: number | null; out: string }> {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-adapters-'));
  const entry = fileURLToPath(new URL('../index.ts', import.meta.url));
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node22', outfile: join(dir, 'adapters.mjs'), logLevel: 'silent',
    // undici requires node: built-ins dynamically; give the ESM bundle a require.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  await writeFile(join(dir, 'child.mjs'), script);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir!, 'child.mjs'), baseURL], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, out });
    });
  });
}

describe('openai().close()', () => {
  it('lets the process exit on its own, even with a request hung upstream', async () => {
    mock = await startMockProvider({ apiKey: false, script: ['ok', 'ok', { hang: true }] });
    const script = `
      import { openai } from './adapters.mjs';
      const a = openai({ baseURL: process.argv[2], keepAliveTimeoutMs: 60_000, closeTimeoutMs: 100 });
      const call = { signal: new AbortController().signal, metadata: {} };
      const req = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
      const r = await a.chat(req, call);
      let text = '';
      for await (const c of await a.stream(req, call)) text += c.choices[0]?.delta.content ?? '';
      const hung = a.chat(req, call).then(() => 'answered', (e) => e.name);
      await new Promise((res) => setTimeout(res, 50));
      await a.close();
      console.log('closed', r.choices[0].message.content, '|', text, '|', await hung);
    `;
    const { code, out } = await runChild(script, mock.url);
    expect(out.trim()).toBe('closed Hello from the mock provider. | Hello from the mock provider. | ConnectionError');
    expect(code).toBe(0);
  }, 30_000);

  it('idle pooled sockets never keep the process alive, even without close()', async () => {
    mock = await startMockProvider({ apiKey: false });
    const script = `
      import { openai } from './adapters.mjs';
      const a = openai({ baseURL: process.argv[2], keepAliveTimeoutMs: 60_000 });
      const r = await a.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { signal: new AbortController().signal, metadata: {} });
      console.log('closed', a.stats().connected, r.choices[0].message.content);
    `;
    const { code, out } = await runChild(script, mock.url);
    expect(out.trim()).toBe('closed 1 Hello from the mock provider.');
    expect(code).toBe(0);
  }, 30_000);
});
