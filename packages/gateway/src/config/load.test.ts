import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from './check.js';
import { loadConfig, parseConfig } from './load.js';
import { tempDir } from '../../test/temp-dir.js';

const YAML = `
server: { host: 127.0.0.1, port: 8787 }
auth:
  keys: ["\${LIFELINE_KEY}"]
providers:
  primary: { kind: openai, baseURL: "https://relay.example/v1", apiKey: "\${RELAY_KEY}" }
  backup:  { kind: anthropic, apiKey: "\${ANTHROPIC_API_KEY}" }
routes:
  - model: "*"
    targets: [primary, { provider: backup, model: claude-sonnet-4.5 }]
retry: { maxAttempts: 3 }
circuitBreaker: { failureThreshold: 5, breakDurationMs: 30000 }
timeouts: { totalMs: 60000, firstTokenMs: 15000, idleMs: 20000 }
cache: { ttlMs: 600000, staleIfErrorMs: 86400000 }
`;
const env = { LIFELINE_KEY: 'gw-key-0123456789abcdef', RELAY_KEY: 'sk-relay-abc', ANTHROPIC_API_KEY: 'sk-ant-xyz' };

function fails(fn: () => unknown): ConfigValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return err as ConfigValidationError;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('parseConfig', () => {
  it('reads the documented shape with ${ENV} keys', () => {
    const config = parseConfig(YAML, { env });
    expect(config.providers.primary).toEqual({ kind: 'openai', baseURL: 'https://relay.example/v1', apiKey: 'sk-relay-abc', headers: undefined, models: undefined });
    expect(config.providers.backup!.apiKey).toBe('sk-ant-xyz');
    expect(config.routes[0]!.targets).toEqual([
      { provider: 'primary', model: undefined, weight: undefined },
      { provider: 'backup', model: 'claude-sonnet-4.5', weight: undefined },
    ]);
    expect(config.auth.keys).toHaveLength(1);
    expect(config.timeouts).toEqual({ totalMs: 60000, attemptMs: 30000, firstTokenMs: 15000, idleMs: 20000 });
  });

  it('names every unset variable and where it is used', () => {
    const err = fails(() => parseConfig(YAML, { env: { RELAY_KEY: 'sk-1', ANTHROPIC_API_KEY: '' }, source: 'lifeline.yaml' }));
    expect(err.issues).toEqual([
      'auth.keys[0]: environment variable LIFELINE_KEY is not set (referenced as ${LIFELINE_KEY})',
      'providers.backup.apiKey: environment variable ANTHROPIC_API_KEY is empty (referenced as ${ANTHROPIC_API_KEY})',
    ]);
    expect(err.message.startsWith('Invalid configuration in lifeline.yaml (2 problems):')).toBe(true);
  });

  it('supports ${VAR:-default}, $${ escapes and variables inside longer strings', () => {
    const text = `server: { port: "\${PORT:-9000}", host: "\${HOST}" }
providers: { p: { kind: openai, baseURL: "http://\${HOST}:\${UP_PORT}/v1", apiKey: "\${K}" } }
routes: [{ model: "$\${literal}", targets: [p] }]`;
    const config = parseConfig(text, { env: { HOST: '127.0.0.1', UP_PORT: '4000', K: 'sk-k' } });
    expect(config.server).toMatchObject({ port: 9000, host: '127.0.0.1' });
    expect(config.providers.p!.baseURL).toBe('http://127.0.0.1:4000/v1');
    expect(config.routes[0]!.model).toBe('${literal}');
  });

  it('flags a malformed reference', () => {
    const err = fails(() => parseConfig('providers: { p: { kind: openai, baseURL: "http://${bad-name}/v1" } }\nroutes: [{ model: "*", targets: [p] }]', { env: {} }));
    expect(err.issues).toEqual(['providers.p.baseURL: malformed ${...} reference: use ${NAME} or ${NAME:-default} with NAME of letters, digits and "_"']);
  });

  it('refuses an upstream key written literally in the file, without echoing it', () => {
    const err = fails(() => parseConfig('providers: { p: { kind: openai, apiKey: sk-literal-secret-1 } }\nroutes: [{ model: "*", targets: [p] }]', { env: {} }));
    expect(err.issues).toEqual(['providers.p.apiKey: upstream keys are read from the environment, not written in the file: use apiKey: "${MY_KEY_VAR}" or apiKeyFile: /run/secrets/key']);
    expect(err.message).not.toContain('sk-literal-secret-1');
  });

  it('reports YAML syntax errors with line and column', () => {
    const err = fails(() => parseConfig('providers:\n  p: { kind: openai\nroutes: []', { source: 'bad.yaml' }));
    expect(err.issues[0]).toMatch(/^line \d+, column \d+: /);
    expect(err.message).toMatch(/^Invalid configuration in bad\.yaml: line/);
  });

  it('rejects duplicate keys and an empty file', () => {
    expect(fails(() => parseConfig('routes: []\nroutes: []')).issues[0]).toMatch(/^line 2, column 1: Map keys must be unique/);
    expect(fails(() => parseConfig('')).issues).toEqual(['(root): the file is empty; it needs at least providers and routes']);
  });

  it('parses JSON too', () => {
    const config = parseConfig(JSON.stringify({ providers: { p: { kind: 'gemini', apiKey: '${G}' } }, routes: [{ model: 'gemini-*', targets: ['p'] }] }), { env: { G: 'AIza-key' } });
    expect(config.providers.p!.apiKey).toBe('AIza-key');
  });
});

describe('loadConfig', () => {
  it('reads a file and resolves pricing paths against its directory', async () => {
    const dir = tempDir('load');
    writeFileSync(join(dir, 'lifeline.yaml'), `${YAML}\npricing: { catalog: relay.yaml }\n`);
    const config = await loadConfig(join(dir, 'lifeline.yaml'), { env });
    expect(config.pricing.catalog).toBe(join(dir, 'relay.yaml'));
  });

  it('names a missing file and a wrong extension', async () => {
    await expect(loadConfig('/nonexistent/lifeline.yaml')).rejects.toThrow('Invalid configuration in /nonexistent/lifeline.yaml: (file): cannot read /nonexistent/lifeline.yaml: no such file');
    await expect(loadConfig('lifeline.toml')).rejects.toThrow('(file): expected a .yaml, .yml or .json file, got "lifeline.toml"');
    await expect(loadConfig('lifeline.toml')).rejects.toBeInstanceOf(ConfigValidationError);
  });
});
