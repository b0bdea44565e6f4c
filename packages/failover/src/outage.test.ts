/**
 * A primary that is down for 60 s and then healthy, over real sockets, on a virtual clock shared
 * by the client, retry, the breaker and the mock's time window.
 */
import { createClient } from '@lifeline/core';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { retry } from '@lifeline/retry';
import { describe, expect, it } from 'vitest';
import { request } from '../test/fake-adapter.js';
import { closeAfterEach, provider } from '../test/sockets.js';
import { fakeClock } from '@lifeline/testing';
import { failover } from './failover.js';

const T0 = 1_750_000_000_000;
closeAfterEach();

describe('failover() over real sockets — a 60 s outage', () => {
  it('20 requests over the window are all served; the breaker opens, probes sparsely, and traffic returns within 30 s of recovery', async () => {
    const clock = fakeClock(T0);
    const primary = await provider('primary', { clock, schedule: [{ toMs: 60_000, step: { status: 503 } }] });
    const backup = await provider('backup', { clock });
    const breakDurationMs = 10_000;
    const client = createClient({
      clock,
      use: [
        failover([primary.adapter, backup.adapter]),
        retry({ maxAttempts: 2, random: () => 0.5 }),
        circuitBreaker({ failureThreshold: 3, breakDurationMs, maxBreakDurationMs: 20_000 }),
      ],
    });

    const served: Array<[number, string]> = [];
    for (let i = 0; i < 20; i++) {
      const due = T0 + i * 4_000;
      if (clock.now() < due) await clock.advanceAsync(due - clock.now());
      const { meta } = await clock.run(client.chat(request()));
      served.push([i * 4_000, meta.provider!]);
    }

    // Every request was answered.
    expect(served).toHaveLength(20);
    const primaryAt = primary.mock.requests.map((r) => r.time - T0);
    const duringOutage = primaryAt.filter((t) => t < 60_000);
    // The breaker opened after 3 failures (request 0 and its retry, then request 1) …
    expect(duringOutage.slice(0, 3)).toEqual([0, 250, 4_000]);
    // … and then only sparse probes, each at least a break apart.
    const probes = duringOutage.slice(3);
    for (let k = 1; k < probes.length; k++) expect(probes[k]! - probes[k - 1]!).toBeGreaterThanOrEqual(breakDurationMs);
    expect(probes.length).toBeLessThanOrEqual(5);
    // Traffic returns to the primary within 30 s of recovery, and stays there.
    const back = served.findIndex(([t, p]) => t >= 60_000 && p === 'primary');
    expect(served[back]![0]).toBeLessThanOrEqual(90_000);
    expect(served.slice(back).every(([, p]) => p === 'primary')).toBe(true);
    expect(served.filter(([t]) => t < 60_000).every(([, p]) => p === 'backup')).toBe(true);
  });
});
