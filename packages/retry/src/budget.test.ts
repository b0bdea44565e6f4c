import { ConfigurationError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { fakeClock } from '@lifeline/testing';
import { RetryBudget } from './budget.js';

function spend(budget: RetryBudget, key?: string): number {
  let n = 0;
  while (budget.tryAcquire(key)) n++;
  return n;
}

describe('RetryBudget', () => {
  it('allows the floor (minRetriesPerSecond × window) even with no traffic', () => {
    const budget = new RetryBudget({ minRetriesPerSecond: 1, windowMs: 10_000, clock: fakeClock(1_000_000) });
    expect(spend(budget)).toBe(10);
    expect(budget.snapshot()).toEqual({ requests: 0, retries: 10, available: 0 });
  });

  it('allows ratio × recent requests when that is above the floor', () => {
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 1, windowMs: 10_000, clock: fakeClock(1_000_000) });
    for (let i = 0; i < 100; i++) budget.recordRequest();
    expect(budget.snapshot()).toEqual({ requests: 100, retries: 0, available: 20 });
    expect(spend(budget)).toBe(20);
    expect(budget.tryAcquire()).toBe(false);
  });

  it('refills as the spent retries slide out of the window', async () => {
    const clock = fakeClock(0);
    const budget = new RetryBudget({ minRetriesPerSecond: 1, windowMs: 10_000, buckets: 10, clock });
    expect(spend(budget)).toBe(10); // all spent in bucket [0, 1000)
    await clock.advanceAsync(9_999);
    expect(budget.tryAcquire()).toBe(false);
    await clock.advanceAsync(1); // t = 10 000: bucket [0, 1000) has left the window
    expect(budget.snapshot()).toEqual({ requests: 0, retries: 0, available: 10 });
    expect(spend(budget)).toBe(10);
  });

  it('slides bucket by bucket', async () => {
    const clock = fakeClock(0);
    const budget = new RetryBudget({ minRetriesPerSecond: 0.2, windowMs: 10_000, buckets: 10, clock }); // floor 2
    expect(budget.tryAcquire()).toBe(true); // t=0
    await clock.advanceAsync(5_000);
    expect(budget.tryAcquire()).toBe(true); // t=5000
    expect(budget.tryAcquire()).toBe(false);
    await clock.advanceAsync(5_000); // t=10 000: the t=0 retry expired, the t=5000 one remains
    expect(budget.snapshot().retries).toBe(1);
    expect(budget.tryAcquire()).toBe(true);
    expect(budget.tryAcquire()).toBe(false);
  });

  it('records a request at a given time (no clock read) in that time’s bucket', async () => {
    const clock = fakeClock(5_000);
    const budget = new RetryBudget({ ratio: 1, minRetriesPerSecond: 0, windowMs: 10_000, clock });
    budget.recordRequest('k', 0); // bucket [0, 1000): already 5 s old
    budget.recordRequest('k');
    expect(budget.snapshot('k').requests).toBe(2);
    await clock.advanceAsync(5_000); // t = 10 000: the request at 0 left the window, the one at 5000 has not
    expect(budget.snapshot('k')).toEqual({ requests: 1, retries: 0, available: 1 });
  });

  it('stays bounded: once 1 024 keys are kept, a new key drops the keys idle for a whole window, and only those', async () => {
    const clock = fakeClock(0);
    const budget = new RetryBudget({ windowMs: 10_000, buckets: 10, clock });
    for (let i = 0; i < 1_000; i++) budget.recordRequest(`idle-${i}`);
    await clock.advance(5_000);
    for (let i = 0; i < 24; i++) budget.recordRequest(`recent-${i}`);
    expect(budget.size).toBe(1_024);
    await clock.advance(5_000); // the idle keys' last request is now exactly one window old
    budget.recordRequest('new');
    expect(budget.size).toBe(25);
    expect(budget.snapshot('recent-0')).toMatchObject({ requests: 1 });
    budget.recordRequest('recent-0'); // the last-used key's cached window was forgotten with the sweep
    expect(budget.snapshot('recent-0')).toMatchObject({ requests: 2 });
  });

  it('keeps growing below 1 024 keys without dropping any, idle or not', async () => {
    const clock = fakeClock(0);
    const budget = new RetryBudget({ windowMs: 10_000, clock });
    for (let i = 0; i < 1_023; i++) budget.recordRequest(`k-${i}`);
    await clock.advance(60_000);
    budget.recordRequest('one-more');
    expect(budget.size).toBe(1_024);
  });

  it('keeps one window per key', () => {
    const budget = new RetryBudget({ minRetriesPerSecond: 0.3, windowMs: 10_000, clock: fakeClock(1_000_000) }); // floor 3
    expect(spend(budget, 'primary')).toBe(3);
    expect(spend(budget, 'backup')).toBe(3);
    expect(budget.snapshot('primary').available).toBe(0);
  });

  it('requests recorded earlier raise the allowance; expired requests lower it again', async () => {
    const clock = fakeClock(0);
    const budget = new RetryBudget({ ratio: 0.5, minRetriesPerSecond: 0, windowMs: 1_000, buckets: 1, clock });
    expect(budget.tryAcquire()).toBe(false); // no floor, no traffic: no retries
    budget.recordRequest();
    budget.recordRequest();
    expect(budget.tryAcquire()).toBe(true);
    expect(budget.tryAcquire()).toBe(false);
    await clock.advanceAsync(1_000);
    expect(budget.snapshot()).toEqual({ requests: 0, retries: 0, available: 0 });
  });

  it.each([
    [{ ratio: -0.1 }, 'RetryBudget: ratio must be a non-negative number, got -0.1'],
    [{ minRetriesPerSecond: Number.POSITIVE_INFINITY }, 'RetryBudget: minRetriesPerSecond must be a non-negative number, got Infinity'],
    [{ windowMs: 0 }, 'RetryBudget: windowMs must be a positive integer, got 0'],
    [{ buckets: 2.5 }, 'RetryBudget: buckets must be a positive integer, got 2.5'],
  ])('rejects %o', (options, message) => {
    expect(() => new RetryBudget(options)).toThrow(ConfigurationError);
    expect(() => new RetryBudget(options)).toThrow(message);
  });
});
