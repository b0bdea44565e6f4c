import { ConfigurationError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { fake } from '../test/fake-adapter.js';
import { failover } from './failover.js';
import { FAILOVER_DEFAULTS, type FailoverOptions, resolveOptions } from './options.js';
import { PrefillMemory } from './prefill-memory.js';

describe('resolveOptions()', () => {
  it('applies the defaults', () => {
    expect(resolveOptions(undefined)).toEqual({ ...FAILOVER_DEFAULTS, prefillMemory: expect.any(PrefillMemory) });
    expect(resolveOptions({ strategy: undefined, midStream: 'restart' })).toEqual({ ...FAILOVER_DEFAULTS, midStream: 'restart', prefillMemory: expect.any(PrefillMemory) });
    const shared = new PrefillMemory();
    expect(resolveOptions({ prefillMemory: shared }).prefillMemory).toBe(shared);
    expect(FAILOVER_DEFAULTS).toMatchObject({ strategy: 'ordered', midStream: 'error', maxHedges: 1, latencyAlpha: 0.3, failurePenaltyMs: 10_000, latencyStaleMs: 60_000 });
  });

  it.each<[FailoverOptions, string]>([
    [{ strategy: 'fastest' as never }, "failover: strategy must be one of 'ordered', 'weighted', 'least-latency', 'round-robin', got 'fastest'"],
    [{ midStream: 'resume' as never }, "failover: midStream must be one of 'error', 'restart', 'continue', got 'resume'"],
    [{ failoverOn: true as never }, 'failover: failoverOn must be a function (error, ctx) => boolean, got true'],
    [{ isAvailable: 'yes' as never }, "failover: isAvailable must be a function (target, ctx) => boolean, got 'yes'"],
    [{ random: 0.5 as never }, 'failover: random must be a function returning a number in [0, 1), got 0.5'],
    [{ hedgeAfterMs: 0 }, "failover: hedgeAfterMs must be a positive number of milliseconds or 'p95', got 0"],
    [{ hedgeAfterMs: 'p99' as never }, "failover: hedgeAfterMs must be a positive number of milliseconds or 'p95', got 'p99'"],
    [{ maxHedges: 0 }, 'failover: maxHedges must be a positive integer, got 0'],
    [{ maxHedges: 1.5 }, 'failover: maxHedges must be a positive integer, got 1.5'],
    [{ latencyAlpha: 1.2 }, 'failover: latencyAlpha must be a number in (0, 1], got 1.2'],
    [{ failurePenaltyMs: -1 }, 'failover: failurePenaltyMs must be a non-negative number of milliseconds, got -1'],
    [{ latencyStaleMs: Number.POSITIVE_INFINITY }, 'failover: latencyStaleMs must be a positive number of milliseconds, got Infinity'],
    [{ prefillMemory: new Map() as never }, 'failover: prefillMemory must be a PrefillMemory, got an object without rejects() and learn()'],
    [{ prefillMemory: true as never }, 'failover: prefillMemory must be a PrefillMemory, got true'],
  ])('rejects %o', (options, message) => {
    expect(() => resolveOptions(options)).toThrow(new ConfigurationError(message));
    expect(() => failover([fake()], options)).toThrow(ConfigurationError);
  });

  it('rejects options that are not an object', () => {
    expect(() => resolveOptions(42 as never)).toThrow(new ConfigurationError('failover: options must be an object, got 42'));
  });
});
