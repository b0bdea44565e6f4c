import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { buildPipeline } from '../pipeline/from-config.js';
import { ConfigValidationError } from './check.js';
import { parseConfig } from './load.js';
import { tempDir } from '../../test/temp-dir.js';

const ROUTES = 'routes: [{ model: "*", targets: [p] }]';

function issuesOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, { env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect((err as Error).message).not.toContain('literal-secret');
    return [...(err as ConfigValidationError).issues];
  }
  throw new Error('expected the config to be refused');
}

describe('secrets written in the file through a ${VAR:-default}', () => {
  it('refuses a literal key as the default of apiKey, whether VAR is set or not', () => {
    const text = `providers: { p: { kind: openai, apiKey: "\${UNSET:-sk-literal-secret-1}" } }\n${ROUTES}`;
    const message = 'providers.p.apiKey: upstream keys must come from the environment, but the default in ${UNSET:-…} writes one in the file: use ${UNSET} with no default';
    expect(issuesOf(text)).toEqual([message]);
    expect(issuesOf(text, { UNSET: 'sk-from-env' })).toEqual([message]);
  });

  it('accepts ${VAR} and an empty default', () => {
    expect(parseConfig(`providers: { p: { kind: openai, apiKey: "\${K}" } }\n${ROUTES}`, { env: { K: 'sk-k' } }).providers.p!.apiKey).toBe('sk-k');
    expect(parseConfig(`providers: { p: { kind: openai, apiKey: "\${K:-}" } }\n${ROUTES}`, { env: { K: 'sk-k' } }).providers.p!.apiKey).toBe('sk-k');
  });

  it('refuses a Redis password given as a default', () => {
    expect(issuesOf(`providers: { p: { kind: openai } }\n${ROUTES}\nstore: { redis: { url: "redis://:\${PW:-literal-secret}@127.0.0.1:6379" } }`)).toEqual([
      'store.redis.url: the Redis password must come from the environment, but the default in ${PW:-…} writes one in the file: use ${PW} with no default',
    ]);
    // A whole URL as the default: its password is written in the file (refused as before).
    expect(issuesOf(`providers: { p: { kind: openai } }\n${ROUTES}\nstore: { redis: { url: "\${REDIS_URL:-redis://:literal-secret@127.0.0.1:6379}" } }`)).toEqual([
      'store.redis.url: a password is written in the file ("${REDIS_URL:-redis://:***@127.0.0.1:6379}"): use url: "${REDIS_URL}", or take the password from the environment ("redis://:${REDIS_PASSWORD}@host:6379")',
    ]);
    // A default without a password is fine.
    expect(parseConfig(`providers: { p: { kind: openai } }\n${ROUTES}\nstore: { redis: { url: "\${REDIS_URL:-redis://127.0.0.1:6379}" } }`, { env: {} }).store.redis!.url).toBe('redis://127.0.0.1:6379');
  });
});

describe('credential headers in providers.*.headers', () => {
  const withHeaders = (headers: string) => `providers: { p: { kind: openai, apiKey: "\${K}", headers: { ${headers} } } }\n${ROUTES}`;

  it.each([
    ['Authorization', '"Bearer literal-secret-1"', '"Bearer ${MY_TOKEN_VAR}"'],
    ['x-api-key', 'literal-secret-2', '"${MY_KEY_VAR}"'],
    ['api-key', 'literal-secret-3', '"${MY_KEY_VAR}"'],
    ['X-Goog-Api-Key', 'literal-secret-4', '"${MY_KEY_VAR}"'],
    ['Proxy-Authorization', '"Basic literal-secret-5"', '"Basic ${MY_TOKEN_VAR}"'],
    ['Ocp-Apim-Subscription-Key', 'literal-secret-6', '"${MY_KEY_VAR}"'],
  ])('refuses a literal %s', (name, value, hint) => {
    expect(issuesOf(withHeaders(`${name}: ${value}`), { K: 'sk-k' })).toEqual([
      `providers.p.headers.${name}: a credential header must come from the environment, not the file: write it as ${hint} (or use apiKey)`,
    ]);
  });

  it('refuses a literal default and a literal next to a reference', () => {
    expect(issuesOf(withHeaders('x-api-key: "${H:-literal-secret-7}"'), { K: 'sk-k' })).toEqual([
      'providers.p.headers.x-api-key: credential headers must come from the environment, but the default in ${H:-…} writes one in the file: use ${H} with no default',
    ]);
    expect(issuesOf(withHeaders('Authorization: "Bearer literal-secret-8${H}"'), { K: 'sk-k', H: 'x' })).toEqual([
      'providers.p.headers.Authorization: a credential header must come from the environment, not the file: write it as "Bearer ${MY_TOKEN_VAR}" (or use apiKey)',
    ]);
  });

  it('accepts references, and leaves ordinary headers alone', () => {
    const config = parseConfig(withHeaders('Authorization: "Bearer ${TOKEN}", api-key: "${AZ}", OpenAI-Project: proj_abc, anthropic-beta: tools-2024'), { env: { K: 'sk-k', TOKEN: 'tok-from-env-123', AZ: 'az-from-env-456' } });
    expect(config.providers.p!.headers).toEqual({ Authorization: 'Bearer tok-from-env-123', 'api-key': 'az-from-env-456', 'OpenAI-Project': 'proj_abc', 'anthropic-beta': 'tools-2024' });
  });

  it('scrubs credential header values like keys', async () => {
    const config = parseConfig(withHeaders('Authorization: "Bearer ${TOKEN}", x-api-key: "${AZ}"'), { env: { K: 'sk-k', TOKEN: 'tok-from-env-123', AZ: 'az-from-env-456' } });
    const pipeline = buildPipeline(config);
    expect(pipeline.secrets!()).toEqual(expect.arrayContaining(['sk-k', 'tok-from-env-123', 'az-from-env-456']));
    await pipeline.close();
  });

  it('lifeline check refuses them with exit code 1', async () => {
    const dir = tempDir('secrets');
    const file = join(dir, 'lifeline.yaml');
    writeFileSync(file, `providers:\n  p: { kind: openai, apiKey: "\${K:-sk-literal-secret-9}", headers: { x-api-key: literal-secret-10 } }\n${ROUTES}\n`);
    const err: string[] = [];
    const code = await runCli(['check', '--config', file], { out: () => {}, err: (l) => err.push(l), env: {}, untilSignal: () => new Promise(() => {}) });
    expect(code).toBe(1);
    expect(err).toEqual([
      'lifeline: Invalid configuration in lifeline.yaml (2 problems):\n' +
        '  - providers.p.apiKey: upstream keys must come from the environment, but the default in ${K:-…} writes one in the file: use ${K} with no default\n' +
        '  - providers.p.headers.x-api-key: a credential header must come from the environment, not the file: write it as "${MY_KEY_VAR}" (or use apiKey)',
    ]);
  });
});
