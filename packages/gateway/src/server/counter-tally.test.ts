import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CounterTally, talliedCounter } from './counter-tally.js';

describe('talliedCounter', () => {
  it('exposes exactly what a prom-client counter incremented on every call would', async () => {
    const direct = new Registry();
    const viaTally = new Registry();
    const counter = new Counter({ name: 'calls_total', help: 'Calls', labelNames: ['provider', 'kind'], registers: [direct] });
    const tally = talliedCounter(viaTally, { name: 'calls_total', help: 'Calls', labelNames: ['provider', 'kind'] as const });
    const adds: Array<[string, string, number]> = [['a', 'prompt', 12], ['a', 'completion', 30], ['b', 'prompt', 1.5], ['a', 'prompt', 8], ['a', 'prompt', 0]];
    for (const [provider, kind, n] of adds) {
      counter.inc({ provider, kind }, n);
      tally.add([provider, kind], n);
    }
    expect(await viaTally.metrics()).toBe(await direct.metrics());
    expect(await viaTally.metrics()).toContain('calls_total{provider="a",kind="prompt"} 20');
  });

  it('keeps counting between reads, and each read adds only what is new', async () => {
    const registry = new Registry();
    const tally = talliedCounter(registry, { name: 'requests_total', help: 'Requests', labelNames: ['status'] as const });
    tally.add(['200']);
    tally.add(['200']);
    expect(await registry.getSingleMetricAsString('requests_total')).toContain('requests_total{status="200"} 2');
    tally.add(['200']);
    tally.add(['503']);
    const text = await registry.metrics();
    expect(text).toContain('requests_total{status="200"} 3');
    expect(text).toContain('requests_total{status="503"} 1');
    expect(await registry.metrics()).toBe(text);
  });

  it('ignores amounts a counter cannot take (negative, NaN, infinite), where prom-client would throw', async () => {
    const registry = new Registry();
    const tally = talliedCounter(registry, { name: 'tokens_total', help: 'Tokens', labelNames: ['kind'] as const });
    tally.add(['prompt'], 5);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, undefined as unknown as number]) tally.add(['prompt'], bad ?? Number.NaN);
    expect(await registry.metrics()).toContain('tokens_total{kind="prompt"} 5');
  });

  it('tells label sets apart whatever their values hold (no joined key)', async () => {
    const registry = new Registry();
    const tally = talliedCounter(registry, { name: 'pairs_total', help: 'Pairs', labelNames: ['a', 'b'] as const });
    tally.add(['x,y', 'z']);
    tally.add(['x', 'y,z']);
    const text = await registry.metrics();
    expect(text).toContain('pairs_total{a="x,y",b="z"} 1');
    expect(text).toContain('pairs_total{a="x",b="y,z"} 1');
  });

  it('a tally alone holds its counts until drained into a counter', () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'c_total', help: 'c', labelNames: ['k'], registers: [registry] });
    const tally = new CounterTally(['k'] as const);
    tally.add(['v'], 2);
    tally.drainInto(counter);
    tally.drainInto(counter);
    return expect(registry.metrics()).resolves.toContain('c_total{k="v"} 2');
  });
});
