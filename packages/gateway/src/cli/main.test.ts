import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockProvider } from '@lifeline/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli, USAGE } from './main.js';
import { tempDir } from '../../test/temp-dir.js';

function io(env: Record<string, string> = {}, signal: Promise<string> = new Promise(() => {})) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env, untilSignal: () => signal } };
}

const example = fileURLToPath(new URL('../../lifeline.example.yaml', import.meta.url));
const exampleEnv = { LIFELINE_KEY: 'gw-local-key-0123456789', ACME_KEY: 'acme-key-0123456789abc', RELAY_KEY: 'sk-relay-1', ANTHROPIC_API_KEY: 'sk-ant-1' };

describe('lifeline CLI', () => {
  it('prints usage for help (0) and for no command (2)', async () => {
    const a = io();
    expect(await runCli(['help'], a.io)).toBe(0);
    expect(a.out).toEqual([USAGE]);
    const b = io();
    expect(await runCli([], b.io)).toBe(2);
  });

  it('rejects an unknown command and an unknown option with exit code 2', async () => {
    const a = io();
    expect(await runCli(['srve'], a.io)).toBe(2);
    expect(a.err).toEqual(['lifeline: unknown command "srve"; expected demo, serve, check, prices or help\nRun "lifeline help" for usage.']);
    const b = io();
    expect(await runCli(['check', '--cfg', 'x.yaml'], b.io)).toBe(2);
    expect(b.err[0]).toMatch(/^lifeline: Unknown option '--cfg'/);
    const c = io();
    expect(await runCli(['demo', '--port', 'eighty'], c.io)).toBe(2);
    expect(c.err[0]).toBe('lifeline: --port must be a non-negative integer, got "eighty"\nRun "lifeline help" for usage.');
  });

  it('check: the documented example is valid once its variables are set', async () => {
    const a = io(exampleEnv);
    expect(await runCli(['check', '--config', example], a.io)).toBe(0);
    expect(a.out).toEqual([
      `${example} is valid: 2 providers, 2 routes, 2 gateway keys, cache on, breaker on`,
      '  provider primary: openai https://relay.example/v1 (key set)',
      '  provider backup: anthropic https://api.anthropic.com (key set)',
      '  route "claude-*" → backup',
      '  route "*" → primary → backup:claude-sonnet-4.5',
    ]);
  });

  it('check: says how many keys a key pool has, never the keys', async () => {
    const dir = tempDir('cli');
    const file = join(dir, 'pool.yaml');
    writeFileSync(file, ['providers: { main: { kind: openai, apiKeys: ["${K1}", "${K2}", "${K3}"] } }', 'routes: [{ model: "*", targets: [main] }]'].join('\n'));
    const a = io({ K1: 'sk-pool-cli-one-0123456789', K2: 'sk-pool-cli-two-0123456789', K3: 'sk-pool-cli-three-012345678' });
    expect(await runCli(['check', '--config', file], a.io)).toBe(0);
    expect(a.out[1]).toBe('  provider main: openai https://api.openai.com/v1 (3 keys: a key pool)');
    expect(a.out.join('\n')).not.toMatch(/sk-pool-cli/);
  });

  it('check: names the telemetry endpoint, never its headers', async () => {
    const dir = tempDir('cli');
    const file = join(dir, 'otel.yaml');
    writeFileSync(file, [
      'providers: { main: { kind: openai, apiKey: "${KEY}" } }',
      'routes: [{ model: "*", targets: [main] }]',
      'telemetry: { otlp: { endpoint: "http://127.0.0.1:4318", headers: { authorization: "Bearer ${OTLP_TOKEN}" } } }',
    ].join('\n'));
    const a = io({ KEY: 'sk-main-1', OTLP_TOKEN: 'otlp-token-123' });
    expect(await runCli(['check', '--config', file], a.io)).toBe(0);
    expect(a.out[0]).toBe(`${file} is valid: 1 provider, 1 route, auth OFF (no auth.keys), cache on, breaker on, telemetry → http://127.0.0.1:4318 (OTLP http/protobuf)`);
    expect(a.out.join('\n')).not.toContain('otlp-token-123');
  });

  it('check: names every problem and exits 1', async () => {
    const dir = tempDir('cli');
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'providers:\n  backup: { kind: antropic, apiKey: "${K}" }\nroutes: [{ model: "*", targets: [bakup] }]\n');
    const a = io({ K: 'x' });
    expect(await runCli(['check', '--config', file], a.io)).toBe(1);
    expect(a.err).toEqual([
      'lifeline: Invalid configuration in bad.yaml (2 problems):\n' +
        '  - providers.backup.kind: expected one of openai, anthropic, gemini, got "antropic"\n' +
        '  - routes[0].targets[0]: unknown provider "bakup" (did you mean "backup"?); defined: backup',
    ]);
    const b = io({});
    expect(await runCli(['check', '--config', file], b.io)).toBe(1);
    expect(b.err).toEqual(['lifeline: Invalid configuration in bad.yaml: providers.backup.apiKey: environment variable K is not set (referenced as ${K})']);
  });

  it('prices: the seed relay against official prices, and a catalog of your own', async () => {
    const a = io();
    expect(await runCli(['prices'], a.io)).toBe(0);
    const text = a.out.join('\n');
    expect(text).toMatch(/^Catalog: the seed tutorial's relay price list/);
    expect(text).toMatch(/model\s+relay in\/out\s+genai-prices in\/out\s+input saved\s+output saved/);
    expect(text).toMatch(/deepseek-v3\.2\s+0\.42 \/ 1\.68/);
    const dir = tempDir('cli');
    const file = join(dir, 'mine.yaml');
    writeFileSync(file, 'name: mine\nsource: my invoice\neffectiveDate: "2026-01-01"\nmodels:\n  gpt-4.1: { inputPerMTok: 1, outputPerMTok: 4 }\n');
    const b = io();
    expect(await runCli(['prices', '--catalog', file, '--monthly-input', '1000000', '--monthly-output', '1000000'], b.io)).toBe(0);
    expect(b.out.join('\n')).toMatch(/gpt-4\.1\s+1\.00 \/ 4\.00\s+2\.00 \/ 8\.00\s+50\.0%\s+50\.0%\s+\$5\.00\s+\$10\.00\s+\$5\.00/);
    const c = io();
    expect(await runCli(['prices', '--catalog', join(dir, 'none.yaml')], c.io)).toBe(1);
    expect(c.err[0]).toMatch(/^lifeline: Invalid configuration: --catalog: cannot read .*none\.yaml: ENOENT$/);
  });

  it('serve: starts from a config file, answers, and stops on a signal', async () => {
    const upstream = await startMockProvider({ flavor: 'openai', text: 'served', apiKey: 'up-key' });
    const dir = tempDir('cli');
    const file = join(dir, 'lifeline.yaml');
    writeFileSync(file, `server: { port: 0, logLevel: silent }\nproviders:\n  up: { kind: openai, baseURL: "${upstream.url}", apiKey: "\${UP_KEY}" }\nroutes: [{ model: "*", targets: [up] }]\n`);
    let stop!: (signal: string) => void;
    const a = io({ UP_KEY: 'up-key' }, new Promise((resolve) => (stop = resolve)));
    const running = runCli(['serve', '--config', file], a.io);
    // Also when an assertion below fails: the server stops and the upstream closes.
    onTestFinished(async () => {
      stop('SIGTERM');
      await running.catch(() => {});
      await upstream.close();
    });
    await expect.poll(() => a.out.length).toBeGreaterThan(0);
    const url = /on (http:\/\/[^ ]+) /.exec(a.out[0]!)![1]!;
    expect(a.out[0]).toBe(`lifeline: serving ${file} on ${url} (1 provider, 1 route, auth OFF (no auth.keys), cache on, breaker on)`);
    const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","messages":[{"role":"user","content":"hi"}]}' });
    expect(((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('served');
    stop('SIGTERM');
    expect(await running).toBe(0);
    expect(a.out.slice(1)).toEqual(['lifeline: SIGTERM received, finishing in-flight requests…', 'lifeline: stopped']);
  });
});
