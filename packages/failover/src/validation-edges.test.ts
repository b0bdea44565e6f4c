import { type Adapter, ConfigurationError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { fake } from '../test/fake-adapter.js';
import { resolveOptions } from './options.js';
import { PrefillMemory } from './prefill-memory.js';
import { requestFor, resolveTargets } from './target.js';

describe('resolveOptions(): edges', () => {
  it.each<[unknown, string]>([
    [null, 'failover: options must be an object, got null'],
    [{ strategy: () => 'ordered' }, "failover: strategy must be one of 'ordered', 'weighted', 'least-latency', 'round-robin', got a function"],
    [{ hedgeAfterMs: '5' }, "failover: hedgeAfterMs must be a positive number of milliseconds or 'p95', got '5'"],
    [{ prefillMemory: null }, 'failover: prefillMemory must be a PrefillMemory, got null'],
    [{ prefillMemory: { rejects: () => false } }, 'failover: prefillMemory must be a PrefillMemory, got an object without rejects() and learn()'],
    [{ prefillMemory: { learn: () => {} } }, 'failover: prefillMemory must be a PrefillMemory, got an object without rejects() and learn()'],
    [{ failurePenaltyMs: '5' }, "failover: failurePenaltyMs must be a non-negative number of milliseconds, got '5'"],
    [{ failurePenaltyMs: Number.NaN }, 'failover: failurePenaltyMs must be a non-negative number of milliseconds, got NaN'],
  ])('rejects %o', (options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(new ConfigurationError(message));
  });

  it('accepts the bounds: latencyAlpha 1, failurePenaltyMs 0, a PrefillMemory-shaped object', () => {
    const memory = { rejects: () => false, learn: () => {} };
    expect(resolveOptions({ latencyAlpha: 1, failurePenaltyMs: 0, prefillMemory: memory as unknown as PrefillMemory })).toMatchObject({ latencyAlpha: 1, failurePenaltyMs: 0, prefillMemory: memory });
  });
});

describe('resolveTargets(): edges', () => {
  const adapter = fake({ name: 'a' });
  it.each<[unknown, string]>([
    [[null], 'failover: targets[0] must be an adapter or { adapter, … } with an adapter (name, chat, stream), got null'],
    [[[adapter]], 'failover: targets[0] must be an adapter or { adapter, … } with an adapter (name, chat, stream), got an array'],
    [[{ adapter: 'openai' }], "failover: targets[0] must be an adapter or { adapter, … } with an adapter (name, chat, stream), got 'openai'"],
    [[{ adapter: { ...adapter, name: 1 } }], 'failover: targets[0] must be an adapter or { adapter, … } with an adapter (name, chat, stream), got an object'],
    [[{ adapter: { name: 'x', chat: adapter.chat } }], 'failover: targets[0] must be an adapter or { adapter, … } with an adapter (name, chat, stream), got an object'],
    [[{ adapter: { name: 'x', stream: adapter.stream } }], 'failover: targets[0] must be an adapter or { adapter, … } with an adapter (name, chat, stream), got an object'],
    [[{ adapter, model: 5 }], 'failover: targets[0].model must be a non-empty string, got 5'],
    [[{ adapter, name: 5 }], 'failover: targets[0].name must be a non-empty string, got 5'],
    [[{ adapter, name: '' }], "failover: targets[0].name must be a non-empty string, got ''"],
    [[{ adapter, weight: '1' }], "failover: targets[0].weight must be a non-negative number, got '1'"],
    [[{ adapter, weight: Number.POSITIVE_INFINITY }], 'failover: targets[0].weight must be a non-negative number, got Infinity'],
    [[{ adapter, maxContextTokens: 0 }], 'failover: targets[0].maxContextTokens must be a positive integer, got 0'],
    [[{ adapter, maxContextTokens: 1.5 }], 'failover: targets[0].maxContextTokens must be a positive integer, got 1.5'],
    [[{ adapter, embeddingFamily: 5 }], 'failover: targets[0].embeddingFamily must be a non-empty string, got 5'],
  ])('rejects %o', (targets, message) => {
    expect(() => resolveTargets(targets as never)).toThrow(new ConfigurationError(message));
  });

  it('accepts maxContextTokens 1 and weight 0', () => {
    expect(resolveTargets([{ adapter, maxContextTokens: 1, weight: 0 }])[0]).toMatchObject({ maxContextTokens: 1, weight: 0 });
  });

  it('sends the request itself when the target swaps in the model it already names', () => {
    const [target] = resolveTargets([{ adapter, model: 'm' }]);
    const request = { model: 'm', messages: [{ role: 'user' as const, content: 'x' }] };
    expect(requestFor(target!, request)).toBe(request);
  });

  it('a renamed target closes its adapter', async () => {
    let closed = 0;
    const closable: Adapter = { ...adapter, close: async () => void closed++ };
    const [target] = resolveTargets([{ adapter: closable, name: 'renamed' }]);
    await target!.target.close!();
    expect(closed).toBe(1);
  });
});
