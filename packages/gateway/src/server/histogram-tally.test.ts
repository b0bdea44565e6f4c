import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HistogramTally, talliedHistogram } from './histogram-tally.js';

const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];
const config = { name: 'request_duration_seconds', help: 'Request latency', labelNames: ['provider', 'model', 'stream'] as const, buckets: BUCKETS };

/** The same observations through prom-client's own histogram and through a tally, each on its registry. */
function pair() {
  const own = new Registry();
  const plain = new Histogram({ ...config, labelNames: [...config.labelNames], registers: [own] });
  const mine = new Registry();
  const tally = talliedHistogram(mine, config);
  const observe = (provider: string, model: string, stream: string, value: number) => {
    plain.observe({ provider, model, stream }, value);
    tally.observe([provider, model, stream], value);
  };
  return { own, mine, observe };
}

describe('talliedHistogram', () => {
  it('exposes exactly what prom-client exposes for the same observations (buckets, +Inf, sum, count, order of label sets)', async () => {
    const { own, mine, observe } = pair();
    expect(await mine.metrics()).toBe(await own.metrics());
    const values = [0.0123, 0.05, 0.1000001, 0.7, 1, 3.3, 125, 0, 0.33, 59.9];
    values.forEach((v, i) => observe(i % 3 === 0 ? 'primary' : 'backup', i % 2 === 0 ? 'gpt-4.1' : 'other', i % 4 === 0 ? 'true' : 'false', v));
    const text = await mine.metrics();
    expect(text).toBe(await own.metrics());
    expect(text).toContain('request_duration_seconds_bucket{le="+Inf",provider="primary",model="gpt-4.1",stream="true"} 1');
  });

  it('stays identical across scrapes, with observations and new label sets between them', async () => {
    const { own, mine, observe } = pair();
    observe('primary', 'a', 'false', 0.2);
    expect(await mine.metrics()).toBe(await own.metrics());
    observe('primary', 'a', 'false', 0.4);
    observe('backup', 'b', 'true', 7);
    expect(await mine.metrics()).toBe(await own.metrics());
    observe('backup', 'b', 'true', 0.01);
    const text = await mine.metrics();
    expect(text).toBe(await own.metrics());
    expect(text).toContain('request_duration_seconds_count{provider="backup",model="b",stream="true"} 2');
    expect(text).toContain('request_duration_seconds_sum{provider="primary",model="a",stream="false"} 0.6000000000000001');
  });

  it('throws prom-client’s TypeError for a value that is not a finite number, and records nothing', async () => {
    const tally = new HistogramTally(['provider'], [1, 2]);
    expect(() => tally.observe(['p'], Number.NaN)).toThrow(new TypeError('Value is not a valid number: NaN'));
    expect(() => tally.observe(['p'], Infinity)).toThrow(new TypeError('Value is not a valid number: Infinity'));
    const registry = new Registry();
    talliedHistogram(registry, { name: 'h', help: 'h', labelNames: ['provider'], buckets: [1, 2] });
    expect(await registry.metrics()).toBe('# HELP h h\n# TYPE h histogram\n');
  });
});
