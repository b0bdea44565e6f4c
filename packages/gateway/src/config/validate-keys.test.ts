import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from './check.js';
import { parseConfig } from './load.js';
import { validateConfig } from './validate.js';
import { tempDir } from '../../test/temp-dir.js';

const K1 = 'sk-config-pool-key-one-0123456789';
const K2 = 'sk-config-pool-key-two-0123456789';
const env = { KEY_1: K1, KEY_2: K2 };
const routes = '\nroutes: [{ model: "*", targets: [p] }]';

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect((err as Error).message).not.toContain(K1);
    expect((err as Error).message).not.toContain(K2);
    return (err as ConfigValidationError).issues;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('providers.<name>.apiKeys, apiKeyFile lists and keyPool', () => {
  it('reads apiKeys from the environment, with optional rpm/tpm shares, and keyPool options', () => {
    const config = parseConfig(
      `providers:
  p:
    kind: openai
    baseURL: https://api.openai.com/v1
    apiKeys: ["\${KEY_1}", { key: "\${KEY_2}", rpm: 500, tpm: "200000" }]
    keyPool: { strategy: least-used, quarantineMs: 900000, coolDownMs: 2000 }${routes}`,
      { env },
    );
    expect(config.providers.p).toMatchObject({
      apiKey: K1,
      apiKeys: [{ key: K1 }, { key: K2, rpm: 500, tpm: 200_000 }],
      keyPool: { strategy: 'least-used', quarantineMs: 900_000, coolDownMs: 2_000 },
    });
  });

  it('refuses keys written in the file, naming the item and never echoing the key', () => {
    const issues = issuesOf(() => parseConfig(`providers: { p: { kind: openai, apiKeys: ["\${KEY_2}", ${K1}, { key: ${K1} }] } }${routes}`, { env }));
    const hint = 'upstream keys are read from the environment, not written in the file: use apiKeys: ["${KEY_1}", "${KEY_2}"] or apiKeyFile: [/run/secrets/key-1, /run/secrets/key-2]';
    expect(issues).toEqual([`providers.p.apiKeys[1]: ${hint}`, `providers.p.apiKeys[2].key: ${hint}`]);
  });

  it('refuses a key given as the default of ${VAR:-…}', () => {
    const issues = issuesOf(() => parseConfig(`providers: { p: { kind: openai, apiKeys: ["\${KEY_1}", "\${KEY_3:-${K1}}"] } }${routes}`, { env }));
    expect(issues).toEqual(['providers.p.apiKeys[1]: upstream keys must come from the environment, but the default in ${KEY_3:-…} writes one in the file: use ${KEY_3} with no default']);
  });

  it('reads a list of apiKeyFiles (each trimmed) as a pool, and names the file that cannot be read', () => {
    const dir = tempDir('keys');
    writeFileSync(join(dir, 'k1'), `  ${K1}\n`);
    writeFileSync(join(dir, 'k2'), `${K2}\n`);
    writeFileSync(join(dir, 'empty'), '\n');
    const input = (apiKeyFile: unknown) => ({ providers: { p: { kind: 'openai', apiKeyFile } }, routes: [{ model: '*', targets: ['p'] }] });
    expect(validateConfig(input(['k1', 'k2']), { baseDir: dir }).providers.p).toMatchObject({ apiKey: K1, apiKeys: [{ key: K1 }, { key: K2 }] });
    expect(validateConfig(input('k1'), { baseDir: dir }).providers.p!.apiKeys).toBeUndefined();
    expect(issuesOf(() => validateConfig(input(['k1', 'nope', 'empty', 'k1']), { baseDir: dir }))).toEqual([
      'providers.p.apiKeyFile[1]: cannot read "nope": ENOENT',
      'providers.p.apiKeyFile[2]: file "empty" is empty',
      'providers.p.apiKeyFile[1]: repeats the key of providers.p.apiKeyFile[0]; list each key once',
    ]);
    expect(issuesOf(() => validateConfig(input([]), { baseDir: dir }))).toEqual(['providers.p.apiKeyFile: list at least one file']);
  });

  it.each([
    [{ apiKeys: [] }, ['providers.p.apiKeys: list at least one key (e.g. apiKeys: ["${KEY_1}", "${KEY_2}"])']],
    [{ apiKeys: K1 }, ['providers.p.apiKeys: expected a list of keys (apiKeys: ["${KEY_1}", "${KEY_2}"]), got a string']],
    [{ apiKeys: [K1, ' '] }, ['providers.p.apiKeys[1]: expected a non-empty key, got a blank string']],
    [{ apiKeys: [K1, { key: 7 }] }, ['providers.p.apiKeys[1].key: expected a non-empty key, got a number']],
    [{ apiKeys: [K1, { key: K2, rpm: 0, share: 1 }] }, ['providers.p.apiKeys[1].share: unknown key; expected one of key, rpm, tpm', 'providers.p.apiKeys[1].rpm: expected a number >= 1, got 0']],
    [{ apiKeys: [K1, K2, K1] }, ['providers.p.apiKeys[2]: repeats the key of providers.p.apiKeys[0]; list each key once']],
    [{ apiKey: K1, apiKeys: [K2] }, ['providers.p: give one of apiKey, apiKeys or apiKeyFile, not apiKey and apiKeys']],
    [{ apiKeys: [K1, K2], keyPool: { strategy: 'random', quarantineMs: -1, ttl: 1 } }, [
      'providers.p.keyPool.ttl: unknown key; expected one of strategy, windowMs, coolDownMs, maxCoolDownMs, quarantineMs',
      'providers.p.keyPool.strategy: expected one of round-robin, least-used, got "random"',
      'providers.p.keyPool.quarantineMs: expected an integer >= 1, got -1',
    ]],
    [{ apiKeys: [K1, K2], keyPool: { coolDownMs: 9000, maxCoolDownMs: 1000 } }, ['providers.p.keyPool.maxCoolDownMs: expected at least coolDownMs (9000), got 1000']],
  ])('rejects %j', (provider, expected) => {
    expect(issuesOf(() => validateConfig({ providers: { p: { kind: 'openai', ...provider } }, routes: [{ model: '*', targets: ['p'] }] }))).toEqual(expected);
  });

  it('anthropic and gemini take apiKeys as their required key', () => {
    const config = validateConfig({ providers: { a: { kind: 'anthropic', apiKeys: [K1, K2] } }, routes: [{ model: '*', targets: ['a'] }] });
    expect(config.providers.a!.apiKeys).toHaveLength(2);
  });
});
