import { describe, expect, it } from 'vitest';
import { LATENCY_WINDOW, LatencyStats, MIN_PERCENTILE_SAMPLES } from './latency.js';

describe('LatencyStats', () => {
  it('keeps an exponentially weighted moving average per target', () => {
    const stats = new LatencyStats(0.25);
    expect(stats.estimate('a')).toBeUndefined();
    stats.record('a', 400, 0, true);
    expect(stats.estimate('a')).toBe(400);
    stats.record('a', 800, 1, true);
    expect(stats.estimate('a')).toBe(500);
    stats.record('a', 10_000, 2, false);
    expect(stats.estimate('a')).toBe(2_875);
    expect(stats.estimate('b')).toBeUndefined();
  });

  it('a percentile needs MIN_PERCENTILE_SAMPLES successful samples and uses the nearest rank', () => {
    const stats = new LatencyStats(0.3);
    for (let i = 1; i < MIN_PERCENTILE_SAMPLES; i++) stats.record('a', i * 10, i, true);
    stats.record('a', 99_999, 0, false); // a failure penalty is not a latency sample
    expect(stats.percentile('a', 95)).toBeUndefined();
    stats.record('a', 200, 20, true);
    expect(stats.percentile('a', 95)).toBe(190);
    expect(stats.percentile('a', 50)).toBe(100);
    expect(stats.percentile('a', 100)).toBe(200);
  });

  it('keeps only the last LATENCY_WINDOW samples', () => {
    const stats = new LatencyStats(0.3);
    for (let i = 0; i < LATENCY_WINDOW; i++) stats.record('a', 1_000, i, true);
    for (let i = 0; i < LATENCY_WINDOW; i++) stats.record('a', 10, i, true);
    expect(stats.percentile('a', 100)).toBe(10);
  });

  it('an estimate is stale when missing or older than staleMs; touch() marks a probe in flight', () => {
    const stats = new LatencyStats(0.3);
    expect(stats.isStale('a', 0, 1_000)).toBe(true);
    stats.touch('a', 0);
    expect(stats.isStale('a', 999, 1_000)).toBe(false);
    expect(stats.isStale('a', 1_000, 1_000)).toBe(true);
    stats.record('a', 5, 1_500, true);
    expect(stats.isStale('a', 2_000, 1_000)).toBe(false);
  });
});
