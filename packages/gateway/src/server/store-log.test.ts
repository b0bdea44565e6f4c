import { scriptedAdapter } from '@lifeline/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GatewayPipeline, RedisStoreStatus } from '../pipeline/types.js';
import { createGateway } from './create-gateway.js';
import { describeStore, watchStore } from './store-log.js';

afterEach(() => {
  vi.useRealTimers();
});

function capture() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  return { logger, entries: () => lines.map((l) => JSON.parse(l) as { level: number; msg: string; store?: unknown }) };
}

const redisStatus = (state: RedisStoreStatus['state']): RedisStoreStatus => ({
  kind: 'redis',
  url: 'redis://app:***@cache:6379',
  prefix: 'lifeline',
  state,
  reconnects: 0,
  timeouts: 0,
  stores: { cache: {}, breaker: {}, rateLimit: {}, budget: {} },
});

describe('watchStore', () => {
  it('warns when Redis stops being ready and says when it is back, once per change', () => {
    vi.useFakeTimers();
    const states: Array<RedisStoreStatus['state']> = ['ready', 'ready', 'unavailable', 'connecting', 'connecting', 'ready', 'closed'];
    let i = 0;
    const pipeline = { store: () => redisStatus(states[Math.min(i++, states.length - 1)]!) } as unknown as GatewayPipeline;
    const { logger, entries } = capture();
    const stop = watchStore(pipeline, logger, 1000);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(999);
    expect(entries()).toEqual([]);
    vi.advanceTimersByTime(6001);
    expect(entries().map((e) => [e.level, e.msg])).toEqual([
      [40, 'Redis at redis://app:***@cache:6379 is not answering (a call failed or timed out): the cache, breakers and rate limits answer from this process alone and budgets refuse calls with 503 (unless store.redis.budgetFailMode is open), until it is back'],
      [30, 'Redis at redis://app:***@cache:6379 answers again (was connecting): state is shared again'],
    ]);
    expect(entries()[0]!.store).toEqual({ kind: 'redis', url: 'redis://app:***@cache:6379', prefix: 'lifeline', state: 'unavailable' });
    stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts no timer for a memory store or a pipeline without store()', () => {
    vi.useFakeTimers();
    const { logger } = capture();
    watchStore({ store: () => ({ kind: 'memory' }) } as unknown as GatewayPipeline, logger)();
    watchStore({} as GatewayPipeline, logger)();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('the memory store (no store.redis)', () => {
  it('is named at startup, in /api/health, and adds no Redis metrics', async () => {
    const { logger, entries } = capture();
    const gateway = createGateway(
      { providers: { p: { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1' } }, routes: [{ model: '*', targets: ['p'] }] },
      { logger, pipeline: { adapters: { p: scriptedAdapter('ok', { name: 'p' }) } } },
    );
    try {
      expect(entries().filter((e) => e.msg.startsWith('state store')).map((e) => [e.level, e.msg, e.store])).toEqual([
        [30, describeStore({ kind: 'memory' }), { kind: 'memory' }],
      ]);
      expect(describeStore({ kind: 'memory' })).toBe('state store: memory (this process only): set store.redis to share the cache, breakers, rate limits and budgets between gateways');
      const health = (await gateway.app.inject('/api/health')).json();
      expect([health.status, health.store]).toEqual(['ok', { kind: 'memory' }]);
      expect(health.cache).toMatchObject({ entries: 0, bytes: 0 });
      expect((await gateway.app.inject('/metrics')).body).not.toContain('lifeline_redis');
      expect(await gateway.pipeline.ready?.()).toBe(true);
    } finally {
      await gateway.close();
    }
  });
});
