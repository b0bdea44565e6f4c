import { afterAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '@lifeline/core';
import { createClient } from '@redis/client';
import { RedisCallError } from './call-error.js';
import { RedisConnection } from './connection.js';
import type { RedisClientLike } from './connection-options.js';
import { LuaScript } from './lua.js';
import { freePort } from '../test/redis-server.js';
import { redisUrl } from '../test/helpers.js';

const toClose: RedisConnection[] = [];
afterAll(async () => {
  await Promise.all(toClose.map((c) => c.close()));
});

describe('RedisConnection', () => {
  it('validates its options, naming the field and value (and never printing a password)', () => {
    expect(() => new RedisConnection({})).toThrow(new ConfigurationError('RedisConnection: url or client is required (e.g. url: process.env.REDIS_URL)'));
    expect(() => new RedisConnection({ url: 'http://:hunter2@cache:6379' })).toThrow(
      new ConfigurationError('RedisConnection: url must start with redis:// or rediss://, got "http://:***@cache:6379"'),
    );
    expect(() => new RedisConnection({ url: 'redis://x', timeoutMs: 0 })).toThrow(new ConfigurationError('RedisConnection: timeoutMs must be a positive number, got 0'));
    expect(() => new RedisConnection({ url: 'redis://x', maxPendingCalls: 1.5 })).toThrow(new ConfigurationError('RedisConnection: maxPendingCalls must be a positive integer, got 1.5'));
    expect(() => new RedisConnection({ url: 'redis://x', client: {} as RedisClientLike })).toThrow(new ConfigurationError('RedisConnection: give url or client, not both'));
  });

  it('fails a call at once, as offline and not sent, while Redis cannot be reached', async () => {
    const c = new RedisConnection({ url: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 100 });
    toClose.push(c);
    expect(await c.ready(100)).toBe(false);
    const started = performance.now();
    const error = await c.call('cache', 'get', ['GET', 'k']).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(20);
    expect(error).toBeInstanceOf(RedisCallError);
    expect(error).toMatchObject({ kind: 'offline', sent: false, message: 'Redis is not connected' });
    expect(c.available).toBe(false);
    expect(c.stats().state).toBe('connecting');
  });

  it('runs a script by EVALSHA, falling back to EVAL once on NOSCRIPT', async () => {
    const client = createClient({ url: redisUrl(), disableOfflineQueue: true }) as unknown as RedisClientLike;
    const sent: string[] = [];
    const send = client.sendCommand.bind(client);
    client.sendCommand = (args) => (sent.push(String(args[0])), send(args));
    const c = new RedisConnection({ client, timeoutMs: 2000 });
    toClose.push(c);
    expect(await c.ready()).toBe(true);
    const script = new LuaScript('test.echo', `-- ${Math.random()}\nreturn {KEYS[1], ARGV[1]}`);
    expect(await c.run('cache', script, ['k'], [42])).toEqual(['k', '42']);
    expect(await c.run('cache', script, ['k'], [43])).toEqual(['k', '43']);
    expect(sent).toEqual(['EVALSHA', 'EVAL', 'EVALSHA']);
    await c.close();
    expect(client.isOpen).toBe(true); // a client passed in is never closed
    client.destroy();
  });

  it('reports an error reply as a failed call of kind "reply" without marking Redis unavailable', async () => {
    const c = new RedisConnection({ url: redisUrl(), timeoutMs: 2000 });
    toClose.push(c);
    expect(await c.ready()).toBe(true);
    const error = await c.call('cache', 'bad', ['NOSUCHCOMMAND']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisCallError);
    expect(error).toMatchObject({ kind: 'reply', sent: true });
    expect((error as Error).message).toMatch(/^ERR unknown command 'NOSUCHCOMMAND'/);
    expect(c.available).toBe(true);
  });

  it('after close(), calls fail at once as offline', async () => {
    const c = new RedisConnection({ url: redisUrl() });
    expect(await c.ready()).toBe(true);
    await c.close();
    await expect(c.call('cache', 'get', ['GET', 'k'])).rejects.toMatchObject({ kind: 'offline', message: 'Redis is closed' });
    expect(c.stats()).toMatchObject({ state: 'closed' });
  });
});
