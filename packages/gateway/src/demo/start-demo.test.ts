import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { startDemo } from './start-demo.js';

/** Servers and sockets open in this process. */
function handles(): { servers: number; sockets: number } {
  const info = process.getActiveResourcesInfo();
  return { servers: info.filter((r) => r === 'TCPServerWrap').length, sockets: info.filter((r) => r === 'TCPSocketWrap').length };
}

describe('startDemo', () => {
  it('prints the URL and a curl line, drives failover, breaker, cache and cost, then closes cleanly', async () => {
    const before = handles();
    const lines: string[] = [];
    const demo = await startDemo({ port: 0, out: (line) => lines.push(line) });
    const progress = await demo.driven;
    expect(lines.slice(0, 2)).toEqual([`Lifeline demo: watch it live at ${demo.url}/status (open it in a browser)`, `  an OpenAI-compatible gateway on ${demo.url} (no API key needed)`]);
    expect(demo.statusUrl).toBe(`${demo.url}/status`);
    expect(lines).toContain(`  try it: ${demo.curl}`);
    expect(demo.curl).toBe(`curl -s ${demo.url}/v1/chat/completions -H 'content-type: application/json' -d '{"model":"gpt-4.1","messages":[{"role":"user","content":"Hello"}]}'`);
    const answer = await fetch(`${demo.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"gpt-4.1","messages":[{"role":"user","content":"Hello"}]}' });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toMatch(/^Answer from the (relay|backup relay)/);
    expect(progress.filter((l) => /^  #\d/.test(l)).map((l) => l.replace(/\s+/g, ' ').trim().replace(/\$0\.\d+/g, '$…'))).toEqual([
      '#1 relay healthy → relay 1 attempt $…',
      '#2 same question again → cache hit (saved $…) 0 attempts $0',
      '#3 relay fails (503) → backup (relay 2× server) 3 attempts $…',
      '#4 relay still down → backup (relay breaker open) 1 attempt $…',
      '#5 backup fails too → claude:claude-sonnet-4.5 (relay breaker open, backup 2× server) 3 attempts $…',
      '#6 all targets down → stale answer from the cache (all targets down) 2 attempts $0',
      '#7 never-seen question → degraded answer, flagged (x-lifeline-degraded: true) 0 attempts $0',
    ]);
    expect(progress).toContain('        breaker relay/deepseek-v3.2: closed → open');
    expect(progress.at(-2)).toMatch(/^  Spent \$0\.\d+, saved \$0\.\d+ with the cache, 3 answers by a backup, 0 errors seen by the caller\.$/);
    await demo.close();
    await vi.waitFor(() => expect(handles()).toEqual(before), { timeout: 5_000, interval: 20 });
  });
});

describe('startDemo on a taken port', () => {
  it('falls back to a free port and says so', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const lines: string[] = [];
    const demo = await startDemo({ port: taken, drive: false, out: (line) => lines.push(line) });
    try {
      expect(demo.url).not.toBe(`http://127.0.0.1:${taken}`);
      expect(lines.slice(0, 3)).toEqual([`Lifeline demo: watch it live at ${demo.url}/status (open it in a browser)`, `  an OpenAI-compatible gateway on ${demo.url} (no API key needed)`, `  (port ${taken} is taken, so a free port was used)`]);
      expect(await demo.driven).toEqual([]);
    } finally {
      await demo.close();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

describe('lifeline demo (the built CLI)', () => {
  it('runs the live demo with --once and exits by itself with code 0', async () => {
    const child = spawn(process.execPath, [cli, 'demo', '--once', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Lifeline demo: watch it live at http:\/\/127\.0\.0\.1:(\d+)\/status \(open it in a browser\)\n {2}an OpenAI-compatible gateway on http:\/\/127\.0\.0\.1:\1 \(no API key needed\)\n/);
    expect(stdout).toMatch(/#3 {2}relay fails \(503\) +→ backup \(relay 2× server\)/);
    expect(stdout).toMatch(/#2 {2}same question again +→ cache hit/);
    expect(stdout).not.toContain('Now serving until Ctrl-C');
  });
});
