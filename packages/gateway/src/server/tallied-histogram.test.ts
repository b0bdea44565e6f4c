import { Histogram, type Metric, Registry, type RegistryContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TalliedHistogram, talliedHistogram } from './tallied-histogram.js';

const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];
const config = { name: 'request_duration_seconds', help: 'Request latency', labelNames: ['provider', 'model', 'stream'] as const, buckets: BUCKETS };

/** The same observations through prom-client's own histogram and through a tallied one, each on its registry. */
function pair(contentType: RegistryContentType = Registry.PROMETHEUS_CONTENT_TYPE) {
  const own = new Registry<RegistryContentType>();
  own.setContentType(contentType);
  const plain = new Histogram({ ...config, labelNames: [...config.labelNames], registers: [own] });
  const mine = new Registry<RegistryContentType>();
  mine.setContentType(contentType);
  const tallied = talliedHistogram(mine, config);
  const observe = (provider: string, model: string, stream: string, value: number) => {
    plain.observe({ provider, model, stream }, value);
    tallied.observe([provider, model, stream], value);
  };
  return { own, mine, plain, tallied, observe };
}

const VALUES = [0.0123, 0.05, 0.1000001, 0.7, 1, 3.3, 125, 0, 0.33, 59.9, 120, 120.0001, 1e9, -4];

describe('talliedHistogram', () => {
  it('exposes exactly what prom-client exposes for the same observations (buckets, +Inf, sum, count, order of label sets)', async () => {
    const { own, mine, observe } = pair();
    expect(await mine.metrics()).toBe(await own.metrics());
    VALUES.forEach((v, i) => observe(i % 3 === 0 ? 'primary' : 'backup', i % 2 === 0 ? 'gpt-4.1' : 'other', i % 4 === 0 ? 'true' : 'false', v));
    const text = await mine.metrics();
    expect(text).toBe(await own.metrics());
    expect(text).toContain('request_duration_seconds_bucket{le="+Inf",provider="primary",model="gpt-4.1",stream="true"} 2');
  });

  it('counts values above the top bucket in +Inf, sum and count only', async () => {
    const { own, mine, observe } = pair();
    observe('p', 'm', 'false', 121);
    observe('p', 'm', 'false', 5e6);
    const text = await mine.metrics();
    expect(text).toBe(await own.metrics());
    expect(text).toContain('request_duration_seconds_bucket{le="120",provider="p",model="m",stream="false"} 0');
    expect(text).toContain('request_duration_seconds_bucket{le="+Inf",provider="p",model="m",stream="false"} 2');
    expect(text).toContain('request_duration_seconds_sum{provider="p",model="m",stream="false"} 5000121');
  });

  it('stays identical across scrapes, with observations and new label sets between them', async () => {
    const { own, mine, observe } = pair();
    observe('primary', 'a', 'false', 0.2);
    expect(await mine.metrics()).toBe(await own.metrics());
    observe('primary', 'a', 'false', 0.4);
    observe('backup', 'b', 'true', 7);
    expect(await mine.metrics()).toBe(await own.metrics());
    expect(await mine.metrics()).toBe(await own.metrics());
    observe('backup', 'b', 'true', 0.01);
    observe('other', 'a', 'false', 0.01);
    const text = await mine.metrics();
    expect(text).toBe(await own.metrics());
    expect(text).toContain('request_duration_seconds_count{provider="backup",model="b",stream="true"} 2');
    expect(text).toContain('request_duration_seconds_sum{provider="primary",model="a",stream="false"} 0.6000000000000001');
  });

  it('escapes label values as prom-client does, in both exposition formats and as JSON', async () => {
    for (const type of [Registry.PROMETHEUS_CONTENT_TYPE, Registry.OPENMETRICS_CONTENT_TYPE] as const) {
      const { own, mine, observe } = pair(type);
      observe('a"b', 'c\\d', 'e\nf', 0.3);
      observe('', '', '', 3);
      expect(await mine.metrics()).toBe(await own.metrics());
      expect(await mine.getMetricsAsJSON()).toEqual(await own.getMetricsAsJSON());
    }
  });

  it('writes the same text through get() alone, for a registry that does not ask for getForPromString', async () => {
    const { own, tallied, observe } = pair();
    observe('a"b', 'm', 'true', 0.3);
    observe('p', 'm', 'false', 500);
    const plainOnly = new Registry();
    const { name, help, type, aggregator } = tallied;
    plainOnly.registerMetric({ name, help, type, aggregator, get: () => tallied.get() } as unknown as Metric);
    expect(await plainOnly.metrics()).toBe(await own.metrics());
  });

  it('places the registry’s default labels where prom-client places them', async () => {
    const { own, mine, observe } = pair();
    own.setDefaultLabels({ region: 'eu', provider: 'dflt' });
    mine.setDefaultLabels({ region: 'eu', provider: 'dflt' });
    observe('p', 'm', 'true', 0.3);
    const text = await mine.metrics();
    expect(text).toBe(await own.metrics());
    expect(text).toContain('request_duration_seconds_bucket{le="0.5",region="eu",provider="p",model="m",stream="true"} 1');
    expect(await mine.getMetricsAsJSON()).toEqual(await own.getMetricsAsJSON());
  });

  it('throws prom-client’s TypeError for a value that is not a finite number, and records nothing', async () => {
    const { own, mine, plain, tallied } = pair();
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const expected = (() => {
        try {
          plain.observe({ provider: 'p', model: 'm', stream: 'true' }, bad);
        } catch (error) {
          return error;
        }
        throw new Error('prom-client accepted a non-finite value');
      })();
      expect(expected).toBeInstanceOf(TypeError);
      expect(() => tallied.observe(['p', 'm', 'true'], bad)).toThrow(expected as TypeError);
    }
    expect(() => tallied.observe(['p', 'm', 'true'], Number.NaN)).toThrow(new TypeError('Value is not a valid number: NaN'));
    const text = await mine.metrics();
    expect(text).toBe(await own.metrics());
    expect(text).toBe('# HELP request_duration_seconds Request latency\n# TYPE request_duration_seconds histogram\n');
  });

  it('forgets its observations on the registry’s resetMetrics, as prom-client does', async () => {
    const { own, mine, observe } = pair();
    observe('p', 'm', 'true', 0.3);
    own.resetMetrics();
    mine.resetMetrics();
    expect(await mine.metrics()).toBe(await own.metrics());
    observe('q', 'm', 'true', 0.3);
    expect(await mine.metrics()).toBe(await own.metrics());
  });

  it('without labels, exposes its zero buckets before any observation, as prom-client does', async () => {
    const own = new Registry();
    const plain = new Histogram({ name: 'h', help: 'h', buckets: [1, 2], registers: [own] });
    const mine = new Registry();
    const tallied = talliedHistogram(mine, { name: 'h', help: 'h', labelNames: [], buckets: [1, 2] });
    expect(await mine.metrics()).toBe(await own.metrics());
    plain.observe(1.5);
    tallied.observe([], 1.5);
    expect(await mine.metrics()).toBe(await own.metrics());
  });

  it('is refused by a registry that already has a metric of its name', () => {
    const registry = new Registry();
    new Histogram({ name: 'h', help: 'h', registers: [registry] });
    expect(() => talliedHistogram(registry, { name: 'h', help: 'h', labelNames: ['a'], buckets: [1] })).toThrow(new Error('A metric with the name h has already been registered.'));
    expect(new TalliedHistogram({ name: 'h', help: 'h', labelNames: ['a'], buckets: [1] }).type).toBe('histogram');
  });
});
