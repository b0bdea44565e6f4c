import { createClient } from '@lifeline/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fake, request } from '../test/fake-adapter.js';
import { failover } from './failover.js';
import { LatencyStats } from './latency.js';
import { createStrategy } from './strategy.js';
import { type FailoverTarget, resolveTargets } from './target.js';

const targets = (...specs: FailoverTarget[]) => resolveTargets(specs);
const names = (list: { name: string }[]) => list.map((t) => t.name);
const deps = (over: Partial<{ random: () => number; stats: LatencyStats; staleMs: number }> = {}) => ({
  random: Math.random,
  stats: new LatencyStats(0.5),
  staleMs: 60_000,
  ...over,
});

afterEach(() => vi.useRealTimers());

describe('strategies', () => {
  const abc = targets(fake({ name: 'a' }), fake({ name: 'b' }), fake({ name: 'c' }));

  it('ordered: as listed, every call', () => {
    const s = createStrategy('ordered', deps());
    expect([names(s.order(abc, 0)), names(s.order(abc, 0))]).toEqual([['a', 'b', 'c'], ['a', 'b', 'c']]);
  });

  it('round-robin: the first target rotates per call, the rest follow in list order', () => {
    const s = createStrategy('round-robin', deps());
    expect([0, 1, 2, 3].map(() => names(s.order(abc, 0)).join(''))).toEqual(['abc', 'bca', 'cab', 'abc']);
  });

  it('weighted: draws without replacement by weight; weight 0 only as a last resort', () => {
    const weighted = targets({ adapter: fake({ name: 'a' }), weight: 1 }, { adapter: fake({ name: 'b' }), weight: 3 }, { adapter: fake({ name: 'z' }), weight: 0 }, { adapter: fake({ name: 'c' }), weight: 1 });
    const draws = [0.1, 0.5, 0.99];
    let i = 0;
    const s = createStrategy('weighted', deps({ random: () => draws[i++ % draws.length]! }));
    // total 5: 0.1*5 = 0.5 → a; then among b(3), c(1): 0.5*4 = 2 → b; then c; then z.
    expect(names(s.order(weighted, 0))).toEqual(['a', 'b', 'c', 'z']);
    // 0.99*5 = 4.95 → c; then among a(1), b(3): 0.1*4 = 0.4 → a; then b; then z.
    expect(names(s.order(weighted, 0))).toEqual(['c', 'a', 'b', 'z']);
  });

  it('weighted: first picks follow the weights over many calls', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const s = createStrategy('weighted', deps({ random }));
    const ts = targets({ adapter: fake({ name: 'a' }), weight: 1 }, { adapter: fake({ name: 'b' }), weight: 3 });
    let b = 0;
    for (let k = 0; k < 4_000; k++) if (s.order(ts, 0)[0]!.name === 'b') b++;
    expect(b / 4_000).toBeGreaterThan(0.72);
    expect(b / 4_000).toBeLessThan(0.78);
  });

  it('least-latency: unmeasured targets are probed first, one at a time, then the lowest average wins', () => {
    const stats = new LatencyStats(0.5);
    const s = createStrategy('least-latency', deps({ stats }));
    expect(names(s.order(abc, 0))).toEqual(['a', 'b', 'c']);
    expect(names(s.order(abc, 1))).toEqual(['b', 'a', 'c']);
    stats.record('a', 900, 2, true);
    stats.record('b', 300, 2, true);
    expect(names(s.order(abc, 3))).toEqual(['c', 'b', 'a']);
    stats.record('c', 600, 4, true);
    expect(names(s.order(abc, 5))).toEqual(['b', 'c', 'a']);
    stats.record('b', 1_500, 6, true); // average 900: ties with a, list order breaks the tie
    expect(names(s.order(abc, 7))).toEqual(['c', 'a', 'b']);
  });

  it('least-latency: a stale estimate is re-probed so a recovered target wins traffic back', () => {
    const stats = new LatencyStats(0.5);
    const s = createStrategy('least-latency', deps({ stats, staleMs: 1_000 }));
    const ab = targets(fake({ name: 'a' }), fake({ name: 'b' }));
    stats.record('a', 5_000, 0, true);
    stats.record('b', 200, 500, true);
    expect(names(s.order(ab, 900))).toEqual(['b', 'a']);
    expect(names(s.order(ab, 1_000))).toEqual(['a', 'b']);
    expect(names(s.order(ab, 1_100))).toEqual(['b', 'a']);
  });
});

describe('failover() with strategies', () => {
  it('least-latency learns from real calls, and a failing target looks slow, not fast', async () => {
    vi.useFakeTimers();
    const fast = fake({ name: 'fast', script: { delayMs: 100 } });
    const slow = fake({ name: 'slow', script: { delayMs: 400 } });
    const broken = fake({ name: 'broken', script: { error: new TypeError('fetch failed') } });
    const client = createClient({ use: [failover([broken, slow, fast], { strategy: 'least-latency' })] });
    const served: string[] = [];
    for (let i = 0; i < 5; i++) {
      const p = client.chat(request());
      await vi.advanceTimersByTimeAsync(500);
      served.push((await p).meta.provider!);
    }
    // Call 1 probes broken (fails: penalised 10 s) then slow (400 ms); call 2 probes fast (100 ms); then fast wins.
    expect(served).toEqual(['slow', 'fast', 'fast', 'fast', 'fast']);
    expect([broken.calls.length, slow.calls.length, fast.calls.length]).toEqual([1, 1, 4]);
  });

  it('round-robin spreads first attempts across calls', async () => {
    const [a, b] = [fake({ name: 'a' }), fake({ name: 'b' })];
    const client = createClient({ use: [failover([a, b], { strategy: 'round-robin' })] });
    const served = [];
    for (let i = 0; i < 4; i++) served.push((await client.chat(request())).meta.provider);
    expect(served).toEqual(['a', 'b', 'a', 'b']);
  });
});
