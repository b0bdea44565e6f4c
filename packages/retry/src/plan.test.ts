import { BadRequestError, RateLimitError, ServerError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { sequence } from '../test/random.js';
import { resolveRetryOptions } from './options.js';
import { decide, retryAfterOf } from './plan.js';

const options = (extra = {}) => resolveRetryOptions({ budget: false, random: sequence(0.5), ...extra });
const limited = (retryAfterMs?: number) => new RateLimitError('429', { status: 429, retryAfterMs });

describe('decide', () => {
  it('uses the error’s own Retry-After, without jitter', () => {
    expect(decide(options(), limited(2_000), 1, undefined)).toEqual({ retry: true, delayMs: 2_000, source: 'retry-after' });
    expect(decide(options(), limited(0), 1, undefined)).toEqual({ retry: true, delayMs: 0, source: 'retry-after' });
  });

  it('falls back to the backoff when the error has no hint', () => {
    expect(decide(options(), limited(), 1, undefined)).toEqual({ retry: true, delayMs: 250, source: 'backoff' });
    expect(decide(options(), new ServerError('500', { status: 500 }), 2, undefined)).toEqual({ retry: true, delayMs: 500, source: 'backoff' });
  });

  it('honours a hint equal to maxRetryAfterMs and gives up on a longer one', () => {
    expect(decide(options(), limited(60_000), 1, undefined)).toMatchObject({ retry: true, delayMs: 60_000 });
    expect(decide(options(), limited(60_001), 1, undefined)).toEqual({ retry: false, reason: 'retry-after-too-long' });
  });

  it('gives up once maxAttempts is reached, before looking at hints', () => {
    expect(decide(options(), limited(10), 3, undefined)).toEqual({ retry: false, reason: 'max-attempts' });
  });

  it('gives up when a Retry-After plus minAttemptMs does not fit before the deadline', () => {
    expect(decide(options(), limited(2_000), 1, 2_500)).toMatchObject({ retry: true, delayMs: 2_000 });
    expect(decide(options(), limited(2_000), 1, 2_499)).toEqual({ retry: false, reason: 'deadline' });
  });

  it('shortens a backoff delay to fit the deadline, and gives up when nothing fits', () => {
    const o = options({ jitter: 'none', maxAttempts: 5 });
    expect(decide(o, limited(), 3, 10_000)).toEqual({ retry: true, delayMs: 2_000, source: 'backoff' });
    expect(decide(o, limited(), 3, 1_200)).toEqual({ retry: true, delayMs: 700, source: 'backoff' });
    expect(decide(o, limited(), 3, 500)).toEqual({ retry: true, delayMs: 0, source: 'backoff' });
    expect(decide(o, limited(), 3, 499)).toEqual({ retry: false, reason: 'deadline' });
  });

  it('reads hints only from Lifeline errors with a finite, non-negative retryAfterMs', () => {
    expect(retryAfterOf(limited(5))).toBe(5);
    expect(retryAfterOf(limited(-5))).toBeUndefined();
    expect(retryAfterOf(new BadRequestError('x', { retryAfterMs: Number.NaN }))).toBeUndefined();
    expect(retryAfterOf(limited(Number.POSITIVE_INFINITY))).toBeUndefined();
    expect(decide(options(), limited(Number.POSITIVE_INFINITY), 1, undefined)).toEqual({ retry: true, delayMs: 250, source: 'backoff' });
    expect(retryAfterOf(Object.assign(new Error('x'), { retryAfterMs: 5 }))).toBeUndefined();
  });
});
