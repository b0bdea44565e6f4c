import type { LifelineClient, Meta } from '@lifeline/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPipeline } from '../../../pipeline/create-pipeline.js';
import type { BreakerChange, BreakerStatus } from '../../../pipeline/types.js';
import type { ServerContext } from '../../context.js';
import { ProviderStats } from '../../stats.js';
import { StatusFeed } from './feed.js';

const T0 = 1_800_000_000_000;

function setup() {
  const listeners = new Set<(c: BreakerChange) => void>();
  let breakers: BreakerStatus[] = [];
  const pipeline = createPipeline({
    routes: [{ model: '*', client: {} as LifelineClient, targets: ['a', 'b'] }],
    breakers: () => breakers,
    rateLimitQueues: () => ({ a: 2 }),
    onBreakerChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  const stats = new ProviderStats(() => [], T0);
  const ctx = { pipeline, stats, inflight: new Set(), state: { listening: true, draining: false, startedAt: T0 } } as unknown as ServerContext;
  const feed = new StatusFeed(ctx, { maxEvents: 3 });
  const received: string[] = [];
  const watcher = { write: (s: string) => received.push(s), end: vi.fn() };
  const setBreakers = (b: BreakerStatus[]) => (breakers = b);
  const change = (c: BreakerChange) => listeners.forEach((l) => l(c));
  return { feed, stats, listeners, watcher, received, setBreakers, change };
}

const failover = (n: number): Meta => ({
  attempts: 2,
  provider: 'b',
  attemptLog: [
    { target: 'a', model: 'm', startedAt: T0 + n, latencyMs: 1, outcome: 'error', errorCode: 'server', status: 503 },
    { target: 'b', model: 'm', startedAt: T0 + n, latencyMs: 2, outcome: 'ok' },
  ],
});

const events = (chunks: string[]) => chunks.join('').split('\n\n').filter((e) => e !== '').map((e) => (e.startsWith(':') ? e : e.split('\n')[0]));

describe('StatusFeed', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the snapshot with the timeline first, then each new entry at once and the changed figures once they settle', async () => {
    const s = setup();
    s.feed.record(failover(0), 200, 'm');
    const stop = await s.feed.watch(s.watcher);
    expect(s.received).toHaveLength(1);
    expect(s.received[0]).toMatch(/^retry: 2000\n\nevent: snapshot\ndata: \{.*\}\n\n$/);
    const snapshot = JSON.parse(s.received[0]!.split('data: ')[1]!);
    expect(snapshot.timeline.map((e: { text: string }) => e.text)).toEqual(['a → b (a 1× server)']);
    expect(snapshot.summary.queues).toEqual({ total: 2, byKey: { a: 2 } });
    expect(snapshot.targets.a.requests).toBe(0); // the stats are the server's: record() only adds the timeline

    s.stats.record(failover(1).attemptLog);
    s.feed.record(failover(1), 200, 'm2');
    s.setBreakers([{ key: 'a/m', state: 'open', retryAfterMs: 4_000, nextProbeAt: T0 + 4_000 }]);
    s.change({ key: 'a/m', from: 'closed', to: 'open', at: T0, breakMs: 4_000 });
    expect(events(s.received.slice(1))).toEqual(['event: timeline', 'event: timeline']);
    await vi.advanceTimersByTimeAsync(200);
    expect(events(s.received.slice(3))).toEqual(['event: target', 'event: target']);
    const a = JSON.parse(s.received[3]!.split('data: ')[1]!);
    expect([a.name, a.breaker, a.requests, a.successRate]).toEqual(['a', { state: 'open', until: T0 + 4_000, keys: [{ key: 'a/m', state: 'open', until: T0 + 4_000 }] }, 1, 0]);
    // Ticks every 5 s: the window slid at 10 s (both lines move one bucket), nothing else changed;
    // a comment every third tick keeps proxies from closing the stream.
    await vi.advanceTimersByTimeAsync(15_000);
    expect(events(s.received.slice(5))).toEqual(['event: target', 'event: target', ': ping']);
    expect(JSON.parse(s.received[5]!.split('data: ')[1]!).series.errors.slice(-2)).toEqual([1, 0]);
    stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts the same entry again within a minute instead of adding one, and sends it again with the next refresh', async () => {
    const s = setup();
    await s.feed.watch(s.watcher);
    for (let i = 0; i < 4; i++) s.feed.record(failover(i), 200, 'm');
    expect(s.feed.timeline()).toEqual([{ id: 1, at: T0, model: 'm', kind: 'failover', target: 'b', from: 'a', to: 'b', text: 'a → b (a 1× server)', count: 4 }]);
    expect(events(s.received.slice(1))).toEqual(['event: timeline']);
    await vi.advanceTimersByTimeAsync(200);
    expect(s.received.slice(2).filter((c) => c.startsWith('event: timeline'))).toEqual([`event: timeline\ndata: ${JSON.stringify(s.feed.timeline()[0])}\n\n`]);
    await vi.advanceTimersByTimeAsync(60_000);
    s.feed.record(failover(5), 200, 'm');
    expect(s.feed.timeline().map((e) => [e.id, e.count])).toEqual([[1, 4], [2, undefined]]);
  });

  it('keeps the last maxEvents entries, and ends every stream at close()', async () => {
    const s = setup();
    for (let i = 0; i < 5; i++) s.feed.record(failover(i), 200, `m${i}`);
    expect(s.feed.timeline().map((e) => e.id)).toEqual([3, 4, 5]);
    await s.feed.watch(s.watcher);
    s.feed.close();
    expect(s.watcher.end).toHaveBeenCalledTimes(1);
    expect(s.feed.watching).toBe(0);
    expect(s.listeners.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps the last state when the breakers cannot be read, and tries again on the next change', async () => {
    const s = setup();
    await s.feed.watch(s.watcher);
    s.setBreakers(undefined as unknown as BreakerStatus[]); // a store that throws
    s.feed.record(failover(0), 200, 'm');
    await vi.advanceTimersByTimeAsync(200);
    expect(events(s.received.slice(1))).toEqual(['event: timeline']);
    s.setBreakers([{ key: 'b/m', state: 'half-open' }]);
    s.stats.record(failover(2).attemptLog);
    await s.feed.refresh();
    expect(events(s.received.slice(2))).toEqual(['event: target', 'event: target']);
  });
});
