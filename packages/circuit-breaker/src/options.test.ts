import { ConfigurationError, Context } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { fakeClock } from '@lifeline/testing';
import { circuitBreaker } from './circuit-breaker.js';
import { BREAKER_DEFAULTS, type CircuitBreakerOptions, resolveBreakerOptions } from './options.js';
import { check } from './policy.js';

describe('resolveBreakerOptions', () => {
  it.each([
    [null, 'circuitBreaker: options must be an object, got null'],
    ['fast', 'circuitBreaker: options must be an object, got string'],
    [{ maxBreakDurationMs: 0 }, 'circuitBreaker: maxBreakDurationMs must be a positive number, got 0'],
    [{ breakDurationMs: Number.POSITIVE_INFINITY }, 'circuitBreaker: breakDurationMs must be a positive number, got Infinity'],
    [{ isFailure: 'yes' }, 'circuitBreaker: isFailure must be a function, got string'],
    [{ key: null }, 'circuitBreaker: key must be a function, got null'],
    [{ clock: null }, 'circuitBreaker: clock must implement now(), setTimeout() and clearTimeout(), got null'],
    [{ clock: {} }, 'circuitBreaker: clock must implement now(), setTimeout() and clearTimeout(), got [object Object]'],
    [{ clock: { now: () => 0 } }, 'circuitBreaker: clock must implement now(), setTimeout() and clearTimeout(), got [object Object]'],
    [{ clock: { setTimeout: () => 0 } }, 'circuitBreaker: clock must implement now(), setTimeout() and clearTimeout(), got [object Object]'],
  ])('rejects %o', (options, message) => {
    expect(() => circuitBreaker(options as never)).toThrow(ConfigurationError);
    expect(() => circuitBreaker(options as never)).toThrow(message);
  });

  it('accepts functions for key and isFailure, a break as long as its cap, and a clock', () => {
    const key = () => 'k';
    const isFailure = () => false;
    const clock = fakeClock(0);
    const options: CircuitBreakerOptions = { key, isFailure, breakDurationMs: 5_000, maxBreakDurationMs: 5_000, clock };
    expect(resolveBreakerOptions(options)).toMatchObject({ key, isFailure, breakDurationMs: 5_000, maxBreakDurationMs: 5_000, clock });
  });

  it('defaults the cap to the larger of 120 s and the break', () => {
    expect(resolveBreakerOptions({}).maxBreakDurationMs).toBe(120_000);
    expect(resolveBreakerOptions({ breakDurationMs: 300_000 }).maxBreakDurationMs).toBe(300_000);
  });
});

describe('check', () => {
  it.each([
    [-1, 0, { integer: true }, 'o: f must be a non-negative integer, got -1'],
    [0, 1, { integer: true }, 'o: f must be a positive integer, got 0'],
    [2, 0, { max: 1 }, 'o: f must be a number in [0, 1], got 2'],
    [0, 0, { max: 1, exclusiveMin: true }, 'o: f must be a number in (0, 1], got 0'],
    [-1, 0, {}, 'o: f must be a non-negative number, got -1'],
    [0.5, 1, {}, 'o: f must be a positive number, got 0.5'],
    [0, 0, { exclusiveMin: true }, 'o: f must be a positive number, got 0'],
    ['3', 0, {}, 'o: f must be a non-negative number, got 3'],
    [Number.NaN, 0, {}, 'o: f must be a non-negative number, got NaN'],
  ])('rejects %o (min %o, %o)', (value, min, options, message) => {
    expect(() => check('o', 'f', value, min, options)).toThrow(ConfigurationError);
    expect(() => check('o', 'f', value, min, options)).toThrow(message);
  });

  it('accepts the bounds themselves', () => {
    expect(() => check('o', 'f', 0, 0)).not.toThrow();
    expect(() => check('o', 'f', 1, 0, { max: 1 })).not.toThrow();
    expect(() => check('o', 'f', 1, 1, { integer: true })).not.toThrow();
  });
});

describe('default key', () => {
  const target = (name: string) => ({ name, kind: 'test', chat: async () => { throw new Error('unused'); }, stream: async () => { throw new Error('unused'); } });
  const ctx = (t: ReturnType<typeof target> | undefined, model: string) => {
    const c = new Context({ request: { model, messages: [{ role: 'user', content: 'x' }] } });
    c.target = t as never;
    return c;
  };

  it('is default/<model> without a target', () => {
    expect(BREAKER_DEFAULTS.key(ctx(undefined, 'gpt-4.1'))).toBe('default/gpt-4.1');
  });

  it('follows each change of target or model between calls', () => {
    const a = target('a');
    const b = target('b');
    expect(BREAKER_DEFAULTS.key(ctx(a, 'm1'))).toBe('a/m1');
    expect(BREAKER_DEFAULTS.key(ctx(a, 'm1'))).toBe('a/m1');
    expect(BREAKER_DEFAULTS.key(ctx(a, 'm2'))).toBe('a/m2');
    expect(BREAKER_DEFAULTS.key(ctx(b, 'm2'))).toBe('b/m2');
    expect(BREAKER_DEFAULTS.key(ctx(a, 'm2'))).toBe('a/m2');
    expect(BREAKER_DEFAULTS.key(ctx(a, 'm1'))).toBe('a/m1');
  });
});
