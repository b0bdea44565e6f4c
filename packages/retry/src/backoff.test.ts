import { ConfigurationError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { seededRandom, sequence } from '../test/random.js';
import { BACKOFF_DEFAULTS, checkNumber, exponentialBackoff } from './backoff.js';

const delays = (backoff: ReturnType<typeof exponentialBackoff>, random: () => number, n: number) =>
  Array.from({ length: n }, (_, i) => backoff.delayMs(i + 1, random));

describe('exponentialBackoff', () => {
  it('defaults to the SDKs: 500 ms ×2 up to 8000 ms, full jitter', () => {
    expect(BACKOFF_DEFAULTS).toEqual({ initialDelayMs: 500, maxDelayMs: 8_000, multiplier: 2, jitter: 'full' });
  });

  it('without jitter the delays are the ceilings, capped at maxDelayMs', () => {
    expect(delays(exponentialBackoff({ jitter: 'none' }), Math.random, 7)).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('full jitter draws uniformly in [0, ceiling] (exact sequence, scripted random)', () => {
    const random = sequence(0.5, 0.25, 0.999999, 0, 0.5, 0.5);
    expect(delays(exponentialBackoff(), random, 6)).toEqual([250, 250, 2000, 0, 4000, 4000]);
  });

  it('full jitter with a seeded random gives an exact, reproducible sequence', () => {
    const seq = delays(exponentialBackoff(), seededRandom(42), 7);
    expect(seq).toEqual([301, 448, 1705, 2679, 1398, 4213, 2186]);
    expect(delays(exponentialBackoff(), seededRandom(42), 7)).toEqual(seq);
  });

  it('equal jitter never goes below half the ceiling nor above it', () => {
    expect(delays(exponentialBackoff({ jitter: 'equal' }), sequence(0, 0.999999, 0.5), 3)).toEqual([250, 1000, 1500]);
  });

  it('honours initialDelayMs, multiplier and maxDelayMs', () => {
    const b = exponentialBackoff({ initialDelayMs: 100, multiplier: 3, maxDelayMs: 1000, jitter: 'none' });
    expect(delays(b, Math.random, 4)).toEqual([100, 300, 900, 1000]);
  });

  it.each([
    [{ initialDelayMs: -1 }, 'exponentialBackoff: initialDelayMs must be a non-negative number, got -1'],
    [{ maxDelayMs: Number.NaN }, 'exponentialBackoff: maxDelayMs must be a non-negative number, got NaN'],
    [{ multiplier: 0.5 }, 'exponentialBackoff: multiplier must be a number ≥ 1, got 0.5'],
    [{ initialDelayMs: 1000, maxDelayMs: 10 }, 'exponentialBackoff: maxDelayMs (10) must be ≥ initialDelayMs (1000)'],
    [{ jitter: 'half' as never }, "exponentialBackoff: jitter must be 'full', 'equal' or 'none', got half"],
    [{ initialDelayMs: '250' as never }, 'exponentialBackoff: initialDelayMs must be a non-negative number, got 250'],
  ])('rejects %o', (options, message) => {
    expect(() => exponentialBackoff(options)).toThrow(ConfigurationError);
    expect(() => exponentialBackoff(options)).toThrow(message);
  });

  it('accepts a constant delay (maxDelayMs equal to initialDelayMs)', () => {
    expect(delays(exponentialBackoff({ initialDelayMs: 1000, maxDelayMs: 1000, jitter: 'none' }), Math.random, 3)).toEqual([1000, 1000, 1000]);
  });
});

describe('checkNumber', () => {
  it.each([
    [-1, 0, true, 'o: f must be a non-negative integer, got -1'],
    [0, 1, true, 'o: f must be a positive integer, got 0'],
    [-1, 0, false, 'o: f must be a non-negative number, got -1'],
    [0.5, 1, false, 'o: f must be a number ≥ 1, got 0.5'],
  ])('rejects %o (min %o, integer %o)', (value, min, integer, message) => {
    expect(() => checkNumber('o', 'f', value, min, integer)).toThrow(ConfigurationError);
    expect(() => checkNumber('o', 'f', value, min, integer)).toThrow(message);
  });
});
