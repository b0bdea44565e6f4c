import { afterAll, describe, expect, it } from 'vitest';
import { CircuitOpenError, createClient, ServerError, type ChatRequest } from '@lifeline/core';
import { circuitBreaker, type BreakerRecord } from '@lifeline/circuit-breaker';
import { RedisConnection } from './connection.js';
import { RedisBreakerStore } from './breaker-store.js';
import { fakeAdapter } from '../test/fake-adapter.js';
import { countdown, ManualClock, redisUrl, uniquePrefix } from '../test/helpers.js';

const connections: RedisConnection[] = [];
async function store(prefix: string): Promise<RedisBreakerStore> {
  const connection = new RedisConnection({ url: redisUrl(), timeoutMs: 2000 });
  connections.push(connection);
  expect(await connection.ready()).toBe(true);
  return new RedisBreakerStore({ connection, prefix });
}
afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
});

const closed = (epoch: number): BreakerRecord => ({ state: { name: 'closed', since: 1 }, policy: { failures: epoch }, epoch, opens: 0 });
const request: ChatRequest = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };

describe('RedisBreakerStore', () => {
  it('versions every write and refuses a stale compare-and-set', async () => {
    const prefix = uniquePrefix('cb-cas');
    const [a, b] = [await store(prefix), await store(prefix)];
    expect(await a.get('primary/gpt-4.1')).toBeUndefined();
    expect(await a.compareAndSet('primary/gpt-4.1', 0, closed(1))).toBe(true);
    expect(await b.compareAndSet('primary/gpt-4.1', 0, closed(9))).toBe(false); // b's view is stale
    expect(await b.get('primary/gpt-4.1')).toEqual({ version: 1, record: closed(1) });
    expect(await b.compareAndSet('primary/gpt-4.1', 1, closed(2))).toBe(true);
    await a.set('primary/gpt-4.1', closed(3));
    expect(await a.get('primary/gpt-4.1')).toEqual({ version: 3, record: closed(3) });
    expect([...(await b.keys())]).toEqual(['primary/gpt-4.1']);
    expect(a.keySpace.breaker('primary/gpt-4.1')).not.toContain('gpt-4.1');
  });

  it('of N concurrent compare-and-sets on one version exactly one wins', async () => {
    const prefix = uniquePrefix('cb-race');
    const stores = await Promise.all([0, 1, 2, 3].map(() => store(prefix)));
    await stores[0]!.set('k', closed(0));
    const wins = await Promise.all(stores.flatMap((s, i) => [0, 1, 2].map((j) => s.compareAndSet('k', 1, closed(10 * i + j)))));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('reads a record of another format as absent, and overwrites it', async () => {
    const s = await store(uniquePrefix('cb-format'));
    await s.connection.call('breaker', 'test', ['HSET', s.keySpace.breaker('k'), 'f', 'v2', 'ver', '7', 'rec', '{}']);
    expect(await s.get('k')).toBeUndefined();
    expect(await s.compareAndSet('k', 0, closed(1))).toBe(true);
    expect(await s.get('k')).toEqual({ version: 1, record: closed(1) });
  });

  it('expires records after recordTtlMs, except isolated ones', async () => {
    const s = await store(uniquePrefix('cb-ttl'));
    await s.set('k', closed(1));
    const ttl = await s.connection.call<number>('breaker', 'test', ['PTTL', s.keySpace.breaker('k')]);
    expect(ttl).toBeGreaterThan(86_000_000);
    await s.set('k', { state: { name: 'isolated', since: 1 }, policy: {}, epoch: 2, opens: 0 });
    expect(await s.connection.call('breaker', 'test', ['PTTL', s.keySpace.breaker('k')])).toBe(-1);
  });

  it('a breaker opened by failures in one process is open in the others on their next request; one probe across all', async () => {
    const prefix = uniquePrefix('cb-shared');
    const clock = new ManualClock();
    let failing = true;
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let onUpstream = () => {};
    const adapter = fakeAdapter({
      name: 'primary',
      fail: () => (failing ? new ServerError('upstream 503', { provider: 'primary', status: 503 }) : undefined),
      // A successful call (the probe) stays in flight until the test lets it go.
      gate: () => (failing ? undefined : (onUpstream(), gate)),
    });
    const breakers = await Promise.all([0, 1, 2, 3].map(async () => circuitBreaker({ failureThreshold: 3, breakDurationMs: 1000, clock, store: await store(prefix) })));
    const clients = breakers.map((b) => createClient({ adapter, use: [b] }));

    for (let i = 0; i < 3; i++) await expect(clients[0]!.chat(request)).rejects.toBeInstanceOf(ServerError);
    const callsWhenOpened = adapter.calls;
    for (const client of clients.slice(1)) {
      const error = await client.chat(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect((error as Error).message).toBe('Circuit breaker "primary/gpt-4.1" is open; next probe in 1000 ms');
    }
    expect(adapter.calls).toBe(callsWhenOpened); // nobody else called the failing provider

    clock.advance(1000);
    failing = false;
    // 8 calls: wait until each has been refused or has reached upstream, with the probe held in flight.
    const decided = countdown(8);
    onUpstream = decided.tick;
    const calls = clients.flatMap((c) => [c.chat(request), c.chat(request)]);
    for (const call of calls) call.catch(decided.tick);
    await decided.done;
    expect(adapter.calls).toBe(callsWhenOpened + 1); // exactly one half-open probe across the 4 processes
    openGate();
    const outcomes = await Promise.allSettled(calls);
    expect(adapter.calls).toBe(callsWhenOpened + 1);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected).toHaveLength(7);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(CircuitOpenError);

    const after = await Promise.all(clients.map((c) => c.chat(request))); // the probe closed it for everyone
    expect(after).toHaveLength(4);
    expect((await breakers[3]!.snapshot())['primary/gpt-4.1']).toMatchObject({ state: 'closed' });
  });
});
