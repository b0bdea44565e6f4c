/**
 * Cross-process behaviour with real processes: 4 Node processes, each running the built
 * package with real middleware and its own Redis connection — on a single Redis, and (the
 * `redis-cluster` suite) unchanged on a 3-master Redis Cluster. Time is driven by the test (a
 * virtual clock for rate limits, an offset clock for the breaker), and each worker's Redis
 * calls get 2 s, so a loaded machine makes these tests slower, never wrong; each test checks
 * that no worker fell back to process-local state, so one that did fails saying so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnection, RedisBudgetStore, type RedisStoresStats } from '../src/index.js';
import { startWorkers, type Worker } from './processes.js';
import { redisTarget, uniquePrefix } from './helpers.js';

let workers: Worker[] = [];
const prefix = uniquePrefix('xproc');
const breakDurationMs = 60_000; // never elapses in real time during the test: the test moves the breaker's clock

beforeAll(async () => {
  workers = await startWorkers(4);
  await Promise.all(workers.map((w) => w.send('init', { target: redisTarget(), prefix, breakDurationMs, timeoutMs: 2000 })));
}, 30_000);
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
});

/** Fails, naming the worker, if any of its stores could not use Redis (a timeout, a fallback, a refusal). */
async function expectNoFallback(): Promise<void> {
  const stats = await Promise.all(workers.map((w) => w.send<RedisStoresStats>('stats')));
  for (const [i, s] of stats.entries()) {
    const failed = { timeouts: s.connection.timeouts, ...Object.fromEntries((['cache', 'breaker', 'rateLimit', 'budget'] as const).map((k) => [k, { failures: s[k].failures, fallbacks: s[k].fallbacks, rejected: s[k].rejected }])) };
    expect(failed, `worker ${i} could not use Redis (so its admissions were process-local): ${JSON.stringify(s)}`).toEqual({
      timeouts: 0,
      cache: { failures: 0, fallbacks: 0, rejected: 0 },
      breaker: { failures: 0, fallbacks: 0, rejected: 0 },
      rateLimit: { failures: 0, fallbacks: 0, rejected: 0 },
      budget: { failures: 0, fallbacks: 0, rejected: 0 },
    });
  }
}

describe(`4 gateway processes on one Redis${'cluster' in redisTarget() ? ' Cluster' : ''}`, () => {
  it('enforce one global limit of 600 rpm, exactly (3 simulated minutes in 1 s steps, 20 concurrent callers per process)', async () => {
    const t0 = 1_800_000_000_000;
    const endAt = t0 + 3 * 60_000;
    await Promise.all(workers.map((w) => w.send('rateLimitStart', { t0, rpm: 600, concurrency: 20 })));
    for (let t = t0 + 1000; t < endAt; t += 1000) await Promise.all(workers.map((w) => w.send('advance', { to: t })));
    const runs = await Promise.all(workers.map((w) => w.send<{ admitted: number[]; errors: string[] }>('rateLimitStop')));
    await expectNoFallback();
    expect(runs.flatMap((r) => r.errors)).toEqual([]);
    const all = runs.flatMap((r) => r.admitted);
    expect(all.every((t) => t >= t0 && t < endAt)).toBe(true);
    // The full bucket (one minute's burst) at t0, then exactly the refill: 10 per 1 s step.
    expect(all.filter((t) => t === t0)).toHaveLength(600);
    expect(all.filter((t) => t >= t0 + 60_000)).toHaveLength(1200); // minutes 2 and 3: 600 rpm
    expect(all).toHaveLength(600 + 179 * 10);
    for (let t = t0 + 1000; t < endAt; t += 1000) if (all.filter((a) => a === t).length !== 10) expect.fail(`at t0 + ${t - t0} ms, ${all.filter((a) => a === t).length} admissions instead of 10`);
    // Per-process buckets would have admitted 4 × as much; here every process got a share of one.
    for (const run of runs) expect(run.admitted.filter((t) => t > t0).length).toBeGreaterThan(0);
  }, 120_000);

  it('a breaker opened in one process is open in the others on their next request; exactly one probe', async () => {
    const opened = await workers[0]!.send<{ upstreamCalls: number; outcomes: string[] }>('breakerCall', { failing: true, n: 3 });
    expect(opened).toEqual({ upstreamCalls: 3, outcomes: ['ServerError', 'ServerError', 'ServerError'] });
    for (const w of workers.slice(1)) {
      expect(await w.send('breakerCall', { failing: true, n: 1 })).toEqual({ upstreamCalls: 0, outcomes: ['CircuitOpenError'] });
    }
    await Promise.all(workers.map((w) => w.send('advanceBreakerClock', { ms: breakDurationMs }))); // the break elapses
    // 12 concurrent calls; the probe is held upstream until every other call has been decided.
    const probing = await Promise.all(workers.map((w) => w.send<{ upstreamCalls: number }>('breakerCall', { failing: false, n: 3, hold: true })));
    expect(probing.reduce((n, p) => n + p.upstreamCalls, 0)).toBe(1);
    const probes = await Promise.all(workers.map((w) => w.send<{ outcomes: string[] }>('breakerRelease')));
    const outcomes = probes.flatMap((p) => p.outcomes);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'CircuitOpenError')).toHaveLength(11);
    const after = await Promise.all(workers.map((w) => w.send<{ outcomes: string[] }>('breakerCall', { failing: false, n: 1 })));
    expect(after.flatMap((a) => a.outcomes)).toEqual(['ok', 'ok', 'ok', 'ok']);
    await expectNoFallback();
  });

  it('a $1.00 budget is never overrun by 200 concurrent requests spread across the processes', async () => {
    const runs = await Promise.all(workers.map((w) => w.send<{ upstreamCalls: number; outcomes: string[] }>('budget', { n: 50, limitUsd: 1 })));
    await expectNoFallback();
    const outcomes = runs.flatMap((r) => r.outcomes);
    const answered = outcomes.filter((o) => o === 'ok').length;
    expect(outcomes.filter((o) => o !== 'ok' && o !== 'BudgetExceededError')).toEqual([]);
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThan(200);
    const connection = new RedisConnection({ ...redisTarget(), timeoutMs: 2000 });
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
    await expectNoFallback();
  });
});
