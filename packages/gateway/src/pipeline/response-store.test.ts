import { randomUUID } from 'node:crypto';
import { ConfigurationError } from '@lifeline/core';
import { RedisConnection } from '@lifeline/redis';
import { fakeClock, startMockProvider } from '@lifeline/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../server/create-gateway.js';
import { memoryResponseStore } from './response-store.js';
import { redisResponseStore } from './response-store-redis.js';

describe('memoryResponseStore', () => {
  it('keeps entries per scope until their TTL passes on the store clock', async () => {
    const clock = fakeClock(0);
    const store = memoryResponseStore({ ttlMs: 1000, clock });
    await store.set('a', 'resp_1', '{"x":1}');
    expect(await store.get('a', 'resp_1')).toBe('{"x":1}');
    expect(await store.get('b', 'resp_1')).toBeUndefined();
    clock.advance(999);
    expect(await store.get('a', 'resp_1')).toBe('{"x":1}');
    clock.advance(1);
    expect(await store.get('a', 'resp_1')).toBeUndefined();
  });

  it('is bounded in bytes: the least recently used goes first, an oversized entry is not kept', async () => {
    const store = memoryResponseStore({ maxBytes: 2048 });
    const kb = 'x'.repeat(900);
    await store.set('s', 'one', kb);
    await store.set('s', 'two', kb);
    await store.get('s', 'one');
    await store.set('s', 'three', kb);
    expect(await store.get('s', 'two')).toBeUndefined();
    expect(await store.get('s', 'one')).toBe(kb);
    expect(await store.get('s', 'three')).toBe(kb);
    await store.set('s', 'huge', 'x'.repeat(4096));
    expect(await store.get('s', 'huge')).toBeUndefined();
    await store.delete('s', 'one');
    expect(await store.get('s', 'one')).toBeUndefined();
  });

  it('refuses bounds that are not positive integers', () => {
    expect(() => memoryResponseStore({ ttlMs: 0 })).toThrow(ConfigurationError);
    expect(() => memoryResponseStore({ ttlMs: 0 })).toThrow('responseStore: ttlMs must be a positive integer, got 0');
    expect(() => memoryResponseStore({ maxBytes: 1.5 })).toThrow('responseStore: maxBytes must be a positive integer, got 1.5');
  });
});
