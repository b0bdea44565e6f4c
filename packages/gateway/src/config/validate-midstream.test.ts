import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from './check.js';
import { validateConfig } from './validate.js';

const base = () => ({
  providers: { primary: { kind: 'openai', baseURL: 'https://relay.example/v1', apiKey: 'sk-relay-123456' }, claude: { kind: 'anthropic', apiKey: 'sk-ant-123456' } },
  routes: [{ model: '*', targets: ['primary', 'claude'] }],
});

function issuesOf(input: unknown): readonly string[] {
  try {
    validateConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return (err as ConfigValidationError).issues;
  }
  throw new Error('expected validation to fail');
}

describe('validateConfig: midStream, prefill and cache modes', () => {
  it("midStream defaults to 'continue'; routes may set their own", () => {
    const config = validateConfig({ ...base(), midStream: 'error', routes: [{ model: 'a', targets: ['primary'], midStream: 'restart' }, { model: '*', targets: ['primary'] }] });
    expect(config.midStream).toBe('error');
    expect(config.routes.map((r) => r.midStream)).toEqual(['restart', undefined]);
    expect(validateConfig(base()).midStream).toBe('continue');
  });

  it('prefill per provider and per target; absent when not given', () => {
    const config = validateConfig({
      ...base(),
      providers: { ...base().providers, relay: { kind: 'openai', baseURL: 'https://r.example/v1', prefill: true } },
      routes: [{ model: '*', targets: ['relay', { provider: 'claude', model: 'claude-sonnet-4-6', prefill: false }, 'primary'] }],
    });
    expect([config.providers.relay!.prefill, 'prefill' in config.providers.primary!]).toEqual([true, false]);
    expect(config.routes[0]!.targets.map((t) => t.prefill)).toEqual([undefined, false, undefined]);
  });

  it('reports a bad midStream or prefill with its path', () => {
    expect(issuesOf({ ...base(), midStream: 'resume', routes: [{ model: '*', targets: [{ provider: 'primary', prefill: 'maybe' }], midStream: 'skip' }], providers: { ...base().providers, primary: { ...base().providers.primary, prefill: 1 } } })).toEqual([
      'providers.primary.prefill: expected true or false, got 1',
      'routes[0].midStream: expected one of continue, error, restart, got "skip"',
      'routes[0].targets[0].prefill: expected true or false, got "maybe"',
      'midStream: expected one of continue, error, restart, got "resume"',
    ]);
  });

  it('cache: no fresh hits by default (ttlMs 0); ttlMs opts in; ttlMs 0 with no stale window keeps nothing and is refused', () => {
    expect(validateConfig(base()).cache).toEqual({ ttlMs: 0, staleIfErrorMs: 86_400_000, maxBytes: 67_108_864 });
    expect(validateConfig({ ...base(), cache: { ttlMs: 600_000 } }).cache).toMatchObject({ ttlMs: 600_000 });
    expect(issuesOf({ ...base(), cache: { staleIfErrorMs: 0 } })).toEqual(['cache: ttlMs 0 (no fresh hits) with staleIfErrorMs 0 keeps nothing: set ttlMs for fresh hits, staleIfErrorMs for stale answers, or cache: false']);
    expect(issuesOf({ ...base(), cache: { ttlMs: -1 } })).toEqual(['cache.ttlMs: expected a number >= 0, got -1']);
  });

  it('circuitBreaker.maxBreakDurationMs defaults to breakDurationMs (the break never grows), and may not be shorter', () => {
    expect(validateConfig({ ...base(), circuitBreaker: { breakDurationMs: 10_000 } }).circuitBreaker).toEqual({ failureThreshold: 5, breakDurationMs: 10_000, maxBreakDurationMs: 10_000, halfOpenMaxProbes: 1 });
    expect(validateConfig({ ...base(), circuitBreaker: { maxBreakDurationMs: 120_000 } }).circuitBreaker).toMatchObject({ breakDurationMs: 30_000, maxBreakDurationMs: 120_000 });
    expect(issuesOf({ ...base(), circuitBreaker: { breakDurationMs: 10_000, maxBreakDurationMs: 5_000 } })).toEqual(['circuitBreaker.maxBreakDurationMs: expected a number >= 10000, got 5000']);
  });
});
