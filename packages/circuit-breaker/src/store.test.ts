import { ConfigurationError, createClient, ServerError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { fakeClock, scriptedAdapter } from '@lifeline/testing';
import { circuitBreaker } from './circuit-breaker.js';
import { failureRate } from './failure-rate.js';
import type { BreakerRecord } from './state.js';
import { type BreakerStore, MemoryBreakerStore, type StoredBreaker } from './store.js';

const closed = (since = 0): BreakerRecord => ({ state: { name: 'closed', since }, policy: { failures: 0 }, epoch: 0, opens: 0 });
const req = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'hi' }] };

/** An asynchronous store that keeps only JSON strings, like a Redis store would. */
class JsonStore implements BreakerStore {
  readonly data = new Map<string, string>();
  ops = 0;
  async get(key: string): Promise<StoredBreaker | undefined> {
    this.ops++;
    const raw = this.data.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as StoredBreaker);
  }
  async set(key: string, record: BreakerRecord): Promise<void> {
    const version = ((await this.get(key))?.version ?? 0) + 1;
    this.data.set(key, JSON.stringify({ version, record }));
  }
  async compareAndSet(key: string, expected: number, record: BreakerRecord): Promise<boolean> {
    if (((await this.get(key))?.version ?? 0) !== expected) return false;
    this.data.set(key, JSON.stringify({ version: expected + 1, record }));
    return true;
  }
  async keys(): Promise<string[]> {
    return [...this.data.keys()];
  }
}

describe('MemoryBreakerStore', () => {
  it('versions every write and compares before setting', () => {
    const store = new MemoryBreakerStore();
    expect(store.get('k')).toBeUndefined();
    expect(store.compareAndSet('k', 1, closed())).toBe(false);
    expect(store.compareAndSet('k', 0, closed())).toBe(true);
    expect(store.get('k')).toEqual({ version: 1, record: closed() });
    expect(store.compareAndSet('k', 0, closed(5))).toBe(false);
    store.set('k', closed(7));
    expect(store.get('k')).toEqual({ version: 2, record: closed(7) });
    expect([...store.keys()]).toEqual(['k']);
  });

  it('stays within maxKeys, dropping the oldest closed record first', () => {
    const store = new MemoryBreakerStore({ maxKeys: 2 });
    const open: BreakerRecord = { ...closed(), state: { name: 'open', since: 0, until: 10, reason: 'x' } };
    store.set('a', open);
    store.set('b', closed());
    store.set('c', closed());
    expect([...store.keys()]).toEqual(['a', 'c']);
    store.set('d', open);
    expect([...store.keys()]).toEqual(['a', 'd']);
    store.set('e', closed());
    expect([...store.keys()]).toEqual(['d', 'e']);
    expect(store.size).toBe(2);
  });

  it('validates maxKeys', () => {
    expect(() => new MemoryBreakerStore({ maxKeys: 0 })).toThrow(ConfigurationError);
    expect(() => new MemoryBreakerStore({ maxKeys: 0 })).toThrow('MemoryBreakerStore: maxKeys must be a positive integer, got 0');
    expect(() => new MemoryBreakerStore({ maxKeys: 1.5 })).toThrow('MemoryBreakerStore: maxKeys must be a positive integer, got 1.5');
    expect(() => new MemoryBreakerStore({ maxKeys: '5' as never })).toThrow('MemoryBreakerStore: maxKeys must be a positive integer, got 5');
    const one = new MemoryBreakerStore({ maxKeys: 1 });
    one.set('a', closed());
    one.set('b', closed());
    expect([...one.keys()]).toEqual(['b']);
  });
});

describe('BreakerStore round-trip', () => {
  it('an async JSON store runs every transition, and two breakers sharing it share the state', async () => {
    const clock = fakeClock(0);
    const store = new JsonStore();
    const a = circuitBreaker({ clock, store, failureThreshold: 2, breakDurationMs: 1_000 });
    const b = circuitBreaker({ clock, store, failureThreshold: 2, breakDurationMs: 1_000 });
    const fail = () => new ServerError('down', { provider: 'primary', status: 503 });
    const adapter = scriptedAdapter([fail(), fail()], { name: 'primary' });
    const ca = createClient({ adapter, clock, use: [a] });
    const cb = createClient({ adapter, clock, use: [b] });
    await expect(ca.chat(req)).rejects.toThrow(ServerError);
    await expect(cb.chat(req)).rejects.toThrow(ServerError); // b's failure trips the shared breaker
    await expect(ca.chat(req)).rejects.toThrow('Circuit breaker "primary/gpt-4.1" is open; next probe in 1000 ms');
    expect(JSON.parse(store.data.get('primary/gpt-4.1')!)).toEqual({
      version: 2,
      record: { state: { name: 'open', since: 0, until: 1_000, reason: 'consecutive-failures', lastErrorCode: 'server' }, policy: { failures: 0 }, epoch: 1, opens: 1 },
    });
    await clock.advanceAsync(1_000);
    await ca.chat(req); // probe through a, succeeds
    expect(await b.snapshot()).toEqual({ 'primary/gpt-4.1': { state: 'closed', since: 1_000, opens: 0, failures: 0, successes: 0 } });
    expect(adapter.calls).toHaveLength(3);
  });

  it('retries a conflicting write (compare-and-set lost to another process) and keeps both updates', async () => {
    const clock = fakeClock(0);
    const store = new JsonStore();
    const theirs: BreakerRecord = { state: { name: 'closed', since: 0 }, policy: { buckets: [[0, 1, 1]] }, epoch: 0, opens: 0 };
    let interfere = 2;
    const cas = store.compareAndSet.bind(store);
    let lost = 0;
    store.compareAndSet = async (key, expected, record) => {
      if (interfere-- > 0) await store.set(key, theirs); // another process wrote in between
      const ok = await cas(key, expected, record);
      if (!ok) lost++;
      return ok;
    };
    const breaker = circuitBreaker({ clock, store, policy: failureRate({ minimumThroughput: 100 }) });
    await createClient({ adapter: scriptedAdapter([], { name: 'primary' }), clock, use: [breaker] }).chat(req);
    expect(lost).toBe(2);
    expect((await breaker.snapshot())['primary/gpt-4.1']).toMatchObject({ failures: 1, successes: 1 });
    expect(JSON.parse(store.data.get('primary/gpt-4.1')!).version).toBe(3);
  });

  it('records are plain JSON', async () => {
    const store = new MemoryBreakerStore();
    const clock = fakeClock(0);
    const breaker = circuitBreaker({ clock, store, policy: failureRate({ minimumThroughput: 2, threshold: 0.5 }) });
    const client = createClient({ adapter: scriptedAdapter(['ok', new ServerError('x', { status: 500 })], { name: 'primary' }), clock, use: [breaker] });
    await client.chat(req);
    const record = store.get('primary/gpt-4.1')!.record;
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
    await client.chat(req).catch(() => {});
    const open = store.get('primary/gpt-4.1')!.record;
    expect(open.state.name).toBe('open');
    expect(JSON.parse(JSON.stringify(open))).toEqual(open);
  });
});
