import { randomUUID } from 'node:crypto';
import { ConfigurationError } from '@lifeline/core';
import { RedisConnection } from '@lifeline/redis';
import { fakeClock, startMockProvider } from '@lifeline/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisForTests } from '../../test/redis-server.js';
import { createGateway } from '../server/create-gateway.js';
import { memoryResponseStore } from './response-store.js';
import { redisResponseStore } from './response-store-redis.js';

describe('redisResponseStore', () => {
  let redis: { url: string; stop(): void };
  beforeAll(async () => {
    redis = await redisForTests();
  });
  afterAll(() => redis?.stop());

  it('answers from the process-local fallback while Redis is unreachable', async () => {
    const down = new RedisConnection({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 50 });
    try {
      const store = redisResponseStore(down, 'lifeline', { ttlMs: 60_000 });
      await store.set('a', 'resp_1', '{"kept":true}');
      expect(await store.get('a', 'resp_1')).toBe('{"kept":true}');
      expect(await store.get('b', 'resp_1')).toBeUndefined();
    } finally {
      await down.close();
    }
  });

  it('keys are hashed per tenant and carry the TTL', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const connection = new RedisConnection({ url: redis.url, timeoutMs: 2000 });
    try {
      await connection.ready(5000);
      const store = redisResponseStore(connection, prefix, { ttlMs: 60_000 });
      await store.set('tenant:acme-secret', 'resp_1', '{"v":1}');
      expect(await store.get('tenant:acme-secret', 'resp_1')).toBe('{"v":1}');
      expect(await store.get('tenant:other', 'resp_1')).toBeUndefined();
      const keys = await connection.call<string[]>('responses', 'keys', ['KEYS', `${prefix}:*`]);
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(new RegExp(`^${prefix}:responses:v1:[A-Za-z0-9_-]{22}:resp_1$`));
      expect(keys[0]).not.toContain('acme');
      const ttl = await connection.call<number>('responses', 'pttl', ['PTTL', keys[0]!]);
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      await store.delete('tenant:acme-secret', 'resp_1');
      expect(await store.get('tenant:acme-secret', 'resp_1')).toBeUndefined();
    } finally {
      await connection.close();
    }
  });

  it('two gateways on one Redis: a response made through one is continued and read through the other', async () => {
    const mock = await startMockProvider({ flavor: 'openai', apiKey: 'k', script: [{ reply: { text: 'First answer.' } }, { reply: { text: 'Second answer.' } }] });
    const config = {
      server: { logLevel: 'silent' as const },
      providers: { main: { kind: 'openai' as const, baseURL: mock.url, apiKey: 'k' } },
      routes: [{ model: '*', targets: ['main'] }],
      cache: false as const,
      store: { redis: { url: redis.url, prefix: `g${randomUUID().slice(0, 8)}`, timeoutMs: 2000 } },
    };
    const [a, b] = [createGateway(config), createGateway(config)];
    try {
      const [urlA, urlB] = await Promise.all([a.listen({ port: 0, host: '127.0.0.1' }), b.listen({ port: 0, host: '127.0.0.1' })]);
      const clientA = new OpenAI({ baseURL: `${urlA}/v1`, apiKey: 'none', maxRetries: 0 });
      const clientB = new OpenAI({ baseURL: `${urlB}/v1`, apiKey: 'none', maxRetries: 0 });
      const first = await clientA.responses.create({ model: 'gpt-4.1', input: 'Question one' });
      const second = await clientB.responses.create({ model: 'gpt-4.1', input: 'Question two', previous_response_id: first.id });
      expect(second.output_text).toBe('Second answer.');
      expect((mock.requests[1]!.body as { messages: unknown }).messages).toEqual([
        { role: 'user', content: 'Question one' },
        { role: 'assistant', content: 'First answer.' },
        { role: 'user', content: 'Question two' },
      ]);
      expect((await clientB.responses.retrieve(first.id)).output_text).toBe('First answer.');
    } finally {
      await Promise.all([a.close(), b.close()]);
      await mock.close();
    }
  });
});
