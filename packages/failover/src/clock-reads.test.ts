import { type Clock, createClient, systemClock } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { fake, request } from '../test/fake-adapter.js';
import { failover } from './failover.js';
import type { FailoverOptions } from './options.js';

/** The system clock, counting its `now()` reads. */
function countingClock(): Clock & { reads: number } {
  const clock = {
    reads: 0,
    now() {
      clock.reads++;
      return systemClock.now();
    },
    setTimeout: systemClock.setTimeout,
    clearTimeout: systemClock.clearTimeout,
  };
  return clock;
}

/** Clock reads of one call through `failover([a, b], options)`, beyond those of the same call without failover. */
async function readsAdded(options?: FailoverOptions): Promise<number> {
  const a = fake({ name: 'a' });
  const without = countingClock();
  await createClient({ adapter: a, clock: without }).chat(request());
  const withFailover = countingClock();
  const { meta } = await createClient({ use: [failover([a, fake({ name: 'b' })], options)], clock: withFailover }).chat(request());
  expect(meta.provider).toBe('a');
  return withFailover.reads - without.reads;
}

describe('latency bookkeeping', () => {
  it('reads no clock when nothing reads latencies (ordered, weighted, round-robin, no hedging)', async () => {
    expect(await readsAdded()).toBe(0);
    expect(await readsAdded({ strategy: 'round-robin' })).toBe(0);
    expect(await readsAdded({ strategy: 'weighted', random: () => 0 })).toBe(0);
  });

  it('times every attempt for least-latency and for hedging, which read the latencies', async () => {
    // least-latency: the order, the attempt's start and its end.
    expect(await readsAdded({ strategy: 'least-latency' })).toBe(3);
    // hedging: the attempt's start and end, and the hedge delay computed from the start.
    expect(await readsAdded({ hedgeAfterMs: 60_000 })).toBeGreaterThanOrEqual(2);
  });
});
