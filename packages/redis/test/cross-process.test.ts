/**
 * Cross-process behaviour with real processes: 4 Node processes, each running the built
 * package with real middleware and its own Redis connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnection, RedisBudgetStore } from '../src/index.js';
import { startWorkers, type Worker } from './processes.js';
import { redisUrl, uniquePrefix } from './helpers.js';

let workers: Worker[] = [];
const prefix = uniquePrefix('xproc');
const breakDurationMs = 400;

beforeAll(async () => {
  workers = await startWorkers(4);
  await Promise.all(workers.map((w) => w.send('init', { url: redisUrl(), prefix, breakDurationMs })));
}, 30_000);
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
});

describe('4 gateway processes on one Redis', () => {
  it('enforce one global limit of 600 rpm within 2% (time × 20: one simulated minute per 3 real seconds)', async () => {
    const speed = 20;
    const t0 = Date.now() + 300; // shared epoch: every process's clock is t0 + (real elapsed) × speed
    await new Promise((r) => setTimeout(r, 300));
    const endAt = t0 + 3 * 60_000;
    const runs = await Promise.all(workers.map((w) => w.send<number[]>('rateLimit', { t0, speed, rpm: 600, endAt, concurrency: 20 })));
    const all = runs.flat();
    // After the first minute the bucket's burst is spent: from then on only the refill admits.
    const steady = all.filter((t) => t >= t0 + 60_000 && t < endAt).length;
    expect(Math.abs(steady - 1200) / 1200).toBeLessThanOrEqual(0.02);
    const total = all.filter((t) => t < endAt).length;
    expect(Math.abs(total - 2400) / 2400).toBeLessThanOrEqual(0.02); // 600 burst + 3 × 600
    for (const run of runs) expect(run.length).toBeGreaterThan(0);
  }, 30_000);

  it('a breaker opened in one process is open in the others on their next request; exactly one probe', async () => {
    const opened = await workers[0]!.send<{ upstreamCalls: number; outcomes: string[] }>('breakerCall', { failing: true, n: 3 });
    expect(opened).toEqual({ upstreamCalls: 3, outcomes: ['ServerError', 'ServerError', 'ServerError'] });
    for (const w of workers.slice(1)) {
      expect(await w.send('breakerCall', { failing: true, n: 1 })).toEqual({ upstreamCalls: 0, outcomes: ['CircuitOpenError'] });
    }
    await new Promise((r) => setTimeout(r, breakDurationMs + 50)); // let the break elapse
    const probes = await Promise.all(workers.map((w) => w.send<{ upstreamCalls: number; outcomes: string[] }>('breakerCall', { failing: false, n: 3 })));
    expect(probes.reduce((n, p) => n + p.upstreamCalls, 0)).toBe(1);
    const outcomes = probes.flatMap((p) => p.outcomes);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'CircuitOpenError')).toHaveLength(11);
    const after = await Promise.all(workers.map((w) => w.send<{ outcomes: string[] }>('breakerCall', { failing: false, n: 1 })));
    expect(after.flatMap((a) => a.outcomes)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('a $1.00 budget is never overrun by 200 concurrent requests spread across the processes', async () => {
    const runs = await Promise.all(workers.map((w) => w.send<{ upstreamCalls: number; outcomes: string[] }>('budget', { n: 50, limitUsd: 1 })));
    const outcomes = runs.flatMap((r) => r.outcomes);
    const answered = outcomes.filter((o) => o === 'ok').length;
    expect(outcomes.filter((o) => o !== 'ok' && o !== 'BudgetExceededError')).toEqual([]);
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThan(200);
    const connection = new RedisConnection({ url: redisUrl(), timeoutMs: 2000 });
    await connection.ready();
    const usage = await new RedisBudgetStore({ connection, prefix }).usage('global', `day:${new Date().toISOString().slice(0, 10)}`);
    await connection.close();
    expect(usage.reservedUsd).toBe(0);
    expect(usage.spentUsd).toBeCloseTo(answered * 0.00901, 9);
    expect(usage.spentUsd).toBeLessThanOrEqual(1);
  });

  it('concurrent identical misses in different processes make one upstream call; a later call is a hit everywhere', async () => {
    const runs = await Promise.all(workers.map((w) => w.send<{ upstreamCalls: number; statuses: string[]; contents: string[] }>('cache', { n: 3, delayMs: 300 })));
    expect(runs.reduce((n, r) => n + r.upstreamCalls, 0)).toBe(1);
    const contents = new Set(runs.flatMap((r) => r.contents));
    expect(contents.size).toBe(1); // all 12 callers got the leader's answer
    expect(runs.flatMap((r) => r.statuses).filter((s) => s === 'miss')).toHaveLength(1);
    const again = await Promise.all(workers.map((w) => w.send<{ upstreamCalls: number; statuses: string[] }>('cache', { n: 1, delayMs: 0 })));
    expect(again.map((r) => r.statuses[0])).toEqual(['hit', 'hit', 'hit', 'hit']);
    expect(again.reduce((n, r) => n + r.upstreamCalls, 0)).toBe(0);
  });
});
