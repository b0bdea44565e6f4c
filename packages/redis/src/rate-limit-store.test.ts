import { afterAll, describe, expect, it } from 'vitest';
import { MemoryRateLimitStore, type RateLimits, type TakeRequest } from '@lifeline/rate-limit';
import { RedisConnection } from './connection.js';
import { RedisRateLimitStore } from './rate-limit-store.js';
import { redisUrl, uniquePrefix } from '../test/helpers.js';

const connections: RedisConnection[] = [];
async function connect(): Promise<RedisConnection> {
  const c = new RedisConnection({ url: redisUrl(), timeoutMs: 2000 });
  connections.push(c);
  expect(await c.ready()).toBe(true);
  return c;
}
afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
});

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('RedisRateLimitStore', () => {
  it('answers every operation exactly like MemoryRateLimitStore (1 500 random steps)', async () => {
    const redis = new RedisRateLimitStore({ connection: await connect(), prefix: uniquePrefix('rl-parity') });
    const memory = new MemoryRateLimitStore();
    const random = rng(42);
    const limitsFor: RateLimits[] = [{ rpm: 7.5, tpm: 1000 }, { rpm: 60 }, { tpm: 333 }];
    let now = 5_000_000;
    const taken = new Set<string>(); // adjust corrects an earlier take of its key (the middleware's order)
    for (let i = 0; i < 1500; i++) {
      now += Math.floor(random() * 3000);
      const k = Math.floor(random() * 3);
      const limits = limitsFor[k]!;
      const key = `target|tenant=${k}`;
      const providerKey = `p${k % 2}`;
      const op = random();
      if (op < 0.5) {
        const req: TakeRequest = { key, providerKey, limits, now, cost: { requests: 1, tokens: Math.floor(random() * 400) } };
        expect(await redis.take(req), `take #${i}`).toEqual(await memory.take(req));
        taken.add(key);
      } else if (op < 0.7) {
        const req: TakeRequest = { key, providerKey, limits, now, cost: { requests: 1 + Math.floor(random() * 20), tokens: Math.floor(random() * 3000) } };
        expect(await redis.peek(req), `peek #${i}`).toEqual(await memory.peek(req));
      } else if (op < 0.9) {
        if (!taken.has(key)) continue;
        const delta = { requests: Math.floor(random() * 3) - 1, tokens: Math.floor(random() * 400) - 200 };
        await Promise.all([redis.adjust(key, delta, limits, now), memory.adjust(key, delta, limits, now)]);
      } else {
        const window = random() < 0.5
          ? { remainingRequests: Math.floor(random() * 3), resetRequestsAt: now + Math.floor(random() * 5000), remainingTokens: Math.floor(random() * 500), resetTokensAt: now + 2000 }
          : { holdUntil: now + Math.floor(random() * 4000) };
        await Promise.all([redis.observe(providerKey, window, now), memory.observe(providerKey, window, now)]);
      }
    }
    expect(redis.redisStats()).toMatchObject({ failures: 0, fallbacks: 0 });
  });

  it('4 processes (4 connections) hammering one key admit 600 rpm globally, within 2%', async () => {
    const prefix = uniquePrefix('rl-global');
    const stores = await Promise.all([0, 1, 2, 3].map(async () => new RedisRateLimitStore({ connection: await connect(), prefix })));
    const limits = { rpm: 600 };
    let now = 10_000_000;
    const admitted: number[] = [0, 0, 0, 0];
    const locals = [0, 1, 2, 3].map(() => new MemoryRateLimitStore()); // what per-process limits would do
    let localAdmitted = 0;
    // 10 simulated minutes in 1 s steps; at each step every process tries 12 concurrent takes (> the 10 refilled).
    for (let step = 0; step < 600; step++) {
      now += 1000;
      const req = { key: 'shared', providerKey: 'openai', limits, now, cost: { requests: 1, tokens: 10 } };
      await Promise.all(
        stores.flatMap((store, p) => Array.from({ length: 12 }, async () => {
          if ((await store.take(req)).ok) admitted[p]!++;
          if ((await locals[p]!.take(req)).ok) localAdmitted++;
        })),
      );
    }
    const total = admitted.reduce((a, b) => a + b, 0);
    // The full bucket (one minute's burst), then the refill from the first take to the last (599 s → 5990).
    const expected = 600 + Math.floor((599_000 * 600) / 60_000);
    expect(localAdmitted).toBe(4 * expected); // per-process buckets: limit × replicas
    expect(Math.abs(total - expected) / expected).toBeLessThanOrEqual(0.02);
    expect(total).toBe(expected); // token bucket over a shared state is exact
    for (const a of admitted) expect(a).toBeGreaterThan(0); // every process got a share
  }, 60_000);

  it('holds a provider key until holdUntil, for every process', async () => {
    const prefix = uniquePrefix('rl-hold');
    const [a, b] = [new RedisRateLimitStore({ connection: await connect(), prefix }), new RedisRateLimitStore({ connection: await connect(), prefix })];
    await a!.observe('openai', { holdUntil: 2_000 }, 1_000);
    await a!.flush(); // observe is write-behind
    const req = { key: 'k', providerKey: 'openai', limits: {}, now: 1_500, cost: { requests: 1, tokens: 1 } };
    expect(await b!.take(req)).toEqual({ ok: false, waitMs: 500 });
    expect(await b!.take({ ...req, now: 2_000 })).toEqual({ ok: true, waitMs: 0 });
  });
});
