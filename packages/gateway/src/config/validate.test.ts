import { ConfigurationError } from '@lifeline/core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from './check.js';
import { hashKey } from './validate-auth.js';
import { validateConfig } from './validate.js';
import { tempDir } from '../../test/temp-dir.js';

const minimal = () => ({
  providers: { primary: { kind: 'openai', baseURL: 'https://relay.example/v1', apiKey: 'sk-relay-123456' } },
  routes: [{ model: '*', targets: ['primary'] }],
});

function issuesOf(input: unknown): readonly string[] {
  try {
    validateConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect(err).toBeInstanceOf(ConfigurationError);
    return (err as ConfigValidationError).issues;
  }
  throw new Error('expected validation to fail');
}

describe('validateConfig', () => {
  it('applies every default to a minimal config', () => {
    const config = validateConfig(minimal());
    expect(config.server).toEqual({ host: '127.0.0.1', port: 8787, bodyLimitBytes: 1_048_576, logLevel: 'info', shutdownTimeoutMs: 10_000, defaultModel: undefined, requestTimeoutMs: 30_000, backlog: 4096 });
    expect(config.retry).toEqual({ maxAttempts: 3, initialDelayMs: 250, maxDelayMs: 4000, maxRetryAfterMs: 10_000 });
    expect(config.circuitBreaker).toEqual({ failureThreshold: 5, breakDurationMs: 30_000, maxBreakDurationMs: 30_000, halfOpenMaxProbes: 1 });
    expect(config.timeouts).toEqual({ totalMs: 60_000, attemptMs: 30_000, firstTokenMs: 15_000, idleMs: 20_000 });
    expect(config.cache).toEqual({ ttlMs: 0, staleIfErrorMs: 86_400_000, maxBytes: 67_108_864 });
    expect(config.midStream).toBe('continue');
    expect(config.rateLimit).toBe(false);
    expect(config.fallback).toEqual({ enabled: true, onRateLimit: false });
    expect(config.responses).toEqual({ ttlMs: 86_400_000, maxBytes: 33_554_432 });
    expect(config.auth.keys).toEqual([]);
    expect(config.routes).toEqual([{ model: '*', targets: [{ provider: 'primary', model: undefined, weight: undefined }], strategy: 'ordered', hedgeAfterMs: undefined }]);
  });

  it('fills each vendor default baseURL and strips a trailing slash', () => {
    const config = validateConfig({
      providers: { a: { kind: 'anthropic', apiKey: 'sk-ant-1' }, g: { kind: 'gemini', apiKey: 'AIza-1' }, o: { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1/' } },
      routes: [{ model: '*', targets: ['a', 'g', 'o'] }],
    });
    expect(config.providers.a!.baseURL).toBe('https://api.anthropic.com');
    expect(config.providers.g!.baseURL).toBe('https://generativelanguage.googleapis.com');
    expect(config.providers.o!.baseURL).toBe('http://127.0.0.1:9/v1');
    expect([config.providers.a!.defaultMaxTokens, config.providers.o!.defaultMaxTokens]).toEqual([4096, undefined]);
  });

  it('requires a key for anthropic and gemini providers, not for openai-compatible ones', () => {
    expect(issuesOf({ providers: { a: { kind: 'anthropic' }, g: { kind: 'gemini' }, local: { kind: 'openai', baseURL: 'http://127.0.0.1:11434/v1' } }, routes: [{ model: '*', targets: ['local'] }] })).toEqual([
      'providers.a.apiKey: is required for kind anthropic (e.g. apiKey: "${ANTHROPIC_API_KEY}")',
      'providers.g.apiKey: is required for kind gemini (e.g. apiKey: "${GEMINI_API_KEY}")',
    ]);
  });

  it('names the path, the expectation and the received value of a wrong kind', () => {
    const input = minimal() as Record<string, any>;
    input.providers.backup = { kind: 'antropic' };
    expect(issuesOf(input)).toEqual(['providers.backup.kind: expected one of openai, anthropic, gemini, got "antropic"']);
  });

  it('reports every problem at once, in one message', () => {
    let error: unknown;
    try {
      validateConfig({ server: { port: 70000, prot: 1 }, providers: { p: { kind: 'openai', baseURL: 'ftp://x' } }, routes: [{ model: '*', targets: ['q'] }], retry: { maxAttempts: 0 } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const issues = (error as ConfigValidationError).issues;
    expect(issues).toEqual([
      'server.prot: unknown key (did you mean "port"?); expected one of host, port, bodyLimitBytes, logLevel, shutdownTimeoutMs, defaultModel, requestTimeoutMs, backlog',
      'server.port: expected an integer between 0 and 65535, got 70000',
      'providers.p.baseURL: expected an http:// or https:// URL, got "ftp://x"',
      'routes[0].targets[0]: unknown provider "q"; defined: p',
      'retry.maxAttempts: expected an integer between 1 and 20, got 0',
    ]);
    expect((error as Error).message).toBe(`Invalid configuration (5 problems):\n  - ${issues.join('\n  - ')}`);
  });

  it('suggests the closest provider name for a typo in a target', () => {
    const input = minimal() as Record<string, any>;
    input.providers.backup = { kind: 'anthropic', apiKey: 'sk-ant-1' };
    input.routes = [{ model: '*', targets: ['primary', { provider: 'bakup', model: 'claude-sonnet-4.5' }] }];
    expect(issuesOf(input)).toEqual(['routes[0].targets[1].provider: unknown provider "bakup" (did you mean "backup"?); defined: primary, backup']);
  });

  it('requires providers and routes', () => {
    expect(issuesOf({})).toEqual(['providers: is required', 'routes: is required']);
    expect(issuesOf({ providers: {}, routes: [] })).toEqual(['providers: define at least one provider', 'routes: define at least one route (e.g. { model: "*", targets: [primary] })']);
  });

  it('hashes gateway keys and never keeps the plaintext', () => {
    const config = validateConfig({ ...minimal(), auth: { keys: ['k'.repeat(20), { key: 'z'.repeat(24), tenant: 'acme', budgetUsdPerDay: 5, rpm: 60 }] } });
    expect(config.auth.keys).toEqual([
      { sha256: hashKey('k'.repeat(20)), name: 'key-1', tenant: undefined, budgetUsdPerDay: undefined, rpm: undefined, role: 'admin' },
      { sha256: hashKey('z'.repeat(24)), name: 'acme', tenant: 'acme', budgetUsdPerDay: 5, rpm: 60, role: 'tenant' },
    ]);
    expect(JSON.stringify(config)).not.toContain('kkkkkkkk');
  });

  it('accepts a pre-hashed key and rejects short, duplicate and malformed ones without echoing them', () => {
    const secret = 'short-key';
    const issues = issuesOf({ ...minimal(), auth: { keys: [secret, 'x'.repeat(16), 'x'.repeat(16), { sha256: 'abc' }, { rpm: 5, key: 'y'.repeat(16) }] } });
    expect(issues).toEqual([
      'auth.keys[0]: a gateway key must be at least 16 characters, got 9',
      'auth.keys[2]: the same key is already listed at auth.keys[1]',
      'auth.keys[3].sha256: expected 64 hex characters (sha256 of the key), got "abc"',
      'auth.keys[4]: budgetUsdPerDay and rpm apply to a tenant: set tenant too',
    ]);
    expect(issues.join()).not.toContain(secret);
    expect(validateConfig({ ...minimal(), auth: { keys: [{ sha256: hashKey('q'.repeat(16)).toUpperCase() }] } }).auth.keys[0]!.sha256).toBe(hashKey('q'.repeat(16)));
  });

  it('disables optional sections with false and refuses to disable timeouts', () => {
    const config = validateConfig({ ...minimal(), retry: false, circuitBreaker: false, cache: false, responses: false });
    expect([config.retry, config.circuitBreaker, config.cache, config.responses]).toEqual([false, false, false, false]);
    expect(issuesOf({ ...minimal(), timeouts: false })).toEqual(['timeouts: cannot be disabled']);
  });

  it('reads responses: ttlMs and maxBytes, naming a bad value or an unknown key', () => {
    expect(validateConfig({ ...minimal(), responses: { ttlMs: 3_600_000 } }).responses).toEqual({ ttlMs: 3_600_000, maxBytes: 33_554_432 });
    expect(issuesOf({ ...minimal(), responses: { ttlMs: 0, maxByte: 1 } } as never)).toEqual([
      'responses.maxByte: unknown key (did you mean "maxBytes"?); expected one of ttlMs, maxBytes',
      'responses.ttlMs: expected an integer >= 1, got 0',
    ]);
  });

  it('coerces numeric and boolean strings from ${ENV} substitutions', () => {
    const config = validateConfig({ ...minimal(), server: { port: '9000' }, fallback: { enabled: 'false' } });
    expect(config.server.port).toBe(9000);
    expect(config.fallback.enabled).toBe(false);
    expect(issuesOf({ ...minimal(), server: { port: 'eighty' } })).toEqual(['server.port: expected an integer between 0 and 65535, got "eighty"']);
  });

  it('needs rpm or tpm when rateLimit is given', () => {
    expect(issuesOf({ ...minimal(), rateLimit: {} })).toEqual(['rateLimit: give rpm, tpm or both (or rateLimit: false)']);
    expect(validateConfig({ ...minimal(), rateLimit: { rpm: 600 } }).rateLimit).toEqual({ rpm: 600, tpm: undefined, maxQueue: 100, maxWaitMs: 10_000 });
  });

  it('reads apiKeyFile relative to baseDir, and reports an unreadable one', () => {
    const dir = tempDir('cfg');
    writeFileSync(join(dir, 'key.txt'), '  sk-from-file-123  \n');
    const input = { providers: { p: { kind: 'openai', apiKeyFile: 'key.txt' } }, routes: [{ model: '*', targets: ['p'] }] };
    expect(validateConfig(input, { baseDir: dir }).providers.p!.apiKey).toBe('sk-from-file-123');
    const missing = { providers: { p: { kind: 'openai', apiKeyFile: 'nope.txt' } }, routes: [{ model: '*', targets: ['p'] }] };
    expect(() => validateConfig(missing, { baseDir: dir })).toThrow('providers.p.apiKeyFile: cannot read "nope.txt": ENOENT');
  });

  it('rejects credentials in a baseURL and bad provider names', () => {
    expect(issuesOf({ providers: { '9p': { kind: 'openai', baseURL: 'https://u:pw@h/v1' } }, routes: [{ model: '*', targets: ['9p'] }] })).toEqual([
      'providers.9p: expected a name of letters, digits, "_", "." or "-", starting with a letter, got "9p"',
      'providers.9p.baseURL: must not embed credentials; use apiKey',
    ]);
  });
});
