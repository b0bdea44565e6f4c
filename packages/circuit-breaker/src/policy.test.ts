import { ConfigurationError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { failureRate, type FailureRateState } from './failure-rate.js';
import { consecutiveFailures } from './policy.js';

describe('consecutiveFailures', () => {
  it('trips at the threshold; a success resets the count', () => {
    const p = consecutiveFailures({ failureThreshold: 3 });
    let s = p.initial(0);
    expect(p.failure(s, 0)).toEqual({ state: { failures: 1 }, trip: false });
    s = p.failure(p.failure(s, 0).state, 0).state;
    expect(p.counts(s, 0)).toEqual({ failures: 2, successes: 0 });
    expect(p.failure(s, 0).trip).toBe(true);
    expect(p.success(s, 0)).toEqual({ failures: 0 });
  });

  it('returns the same state for a success with nothing to reset (no store write)', () => {
    const p = consecutiveFailures();
    const s = p.initial(0);
    expect(p.success(s, 0)).toBe(s);
    const read = { failures: 0 }; // as read back from a store: not the policy's own object
    expect(p.success(read, 0)).toBe(read);
  });

  it('defaults to 5 and validates', () => {
    const p = consecutiveFailures();
    let s = p.initial(0);
    const trips: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const r = p.failure(s, 0);
      s = r.state;
      trips.push(r.trip);
    }
    expect(trips).toEqual([false, false, false, false, true]);
    expect(() => consecutiveFailures({ failureThreshold: 0 })).toThrow(ConfigurationError);
    expect(() => consecutiveFailures({ failureThreshold: 0 })).toThrow('consecutiveFailures: failureThreshold must be a positive integer, got 0');
  });
});

describe('failureRate', () => {
  const policy = failureRate({ threshold: 0.5, windowMs: 10_000, minimumThroughput: 4, buckets: 10 });
  const run = (events: Array<[number, 'ok' | 'fail']>) => {
    let s: FailureRateState = policy.initial(0);
    const trips: boolean[] = [];
    for (const [t, kind] of events) {
      if (kind === 'ok') {
        s = policy.success(s, t);
        trips.push(false);
      } else {
        const r = policy.failure(s, t);
        s = r.state;
        trips.push(r.trip);
      }
    }
    return { s, trips };
  };

  it('does not trip below minimumThroughput, however bad the ratio', () => {
    expect(run([[0, 'fail'], [1, 'fail'], [2, 'fail']]).trips).toEqual([false, false, false]);
  });

  it('trips when the ratio reaches the threshold with enough calls', () => {
    expect(run([[0, 'ok'], [1, 'ok'], [2, 'fail'], [3, 'fail']]).trips).toEqual([false, false, false, true]);
    expect(run([[0, 'ok'], [1, 'ok'], [2, 'ok'], [3, 'fail'], [4, 'fail']]).trips).toEqual([false, false, false, false, false]);
  });

  it('forgets calls that slid out of the window', () => {
    const { s, trips } = run([[0, 'fail'], [0, 'fail'], [0, 'fail'], [10_000, 'fail']]);
    expect(trips).toEqual([false, false, false, false]); // the three at t=0 left at t=10 000
    expect(policy.counts(s, 10_000)).toEqual({ failures: 1, successes: 0 });
    expect(s.buckets).toEqual([[10_000, 1, 1]]);
  });

  it('counts per bucket and keeps the state as plain JSON', () => {
    const { s } = run([[0, 'ok'], [500, 'fail'], [1_000, 'ok'], [2_999, 'fail']]);
    expect(s).toEqual({ buckets: [[0, 1, 2], [1_000, 0, 1], [2_000, 1, 1]] });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(policy.counts(s, 10_500)).toEqual({ failures: 1, successes: 1 });
  });

  it.each([
    [{ threshold: 0 }, 'failureRate: threshold must be a number in (0, 1], got 0'],
    [{ threshold: 1.5 }, 'failureRate: threshold must be a number in (0, 1], got 1.5'],
    [{ windowMs: 0 }, 'failureRate: windowMs must be a positive integer, got 0'],
    [{ minimumThroughput: 0 }, 'failureRate: minimumThroughput must be a positive integer, got 0'],
    [{ buckets: 1.5 }, 'failureRate: buckets must be a positive integer, got 1.5'],
  ])('rejects %o', (options, message) => {
    expect(() => failureRate(options)).toThrow(ConfigurationError);
    expect(() => failureRate(options)).toThrow(message);
  });

  it('accepts a threshold of 1 (open only when every call failed)', () => {
    const all = failureRate({ threshold: 1, minimumThroughput: 2 });
    const once = all.failure(all.initial(0), 0);
    expect(once.trip).toBe(false);
    expect(all.failure(once.state, 1).trip).toBe(true);
  });
});
