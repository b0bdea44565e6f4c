import { afterAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '@lifeline/core';
import { createClient } from '@redis/client';
import { RedisCallError } from './call-error.js';
import { RedisConnection } from './connection.js';
import type { RedisClientLike } from './connection-options.js';
import { LuaScript } from './lua.js';
import { freePort, startRedisServer } from '../test/redis-server.js';
import { redisUrl, uniquePrefix, until } from '../test/helpers.js';

/** Resolves with which settles first: `work`, or a macrotask (`setImmediate`) queued at the same time. */
function beforeAnyMacrotask(work: Promise<unknown>): Promise<'work' | 'macrotask'> {
  return Promise.race([work.then(() => 'work' as const, () => 'work' as const), new Promise<'macrotask'>((r) => setImmediate(() => r('macrotask')))]);
}

/** A client whose commands are recorded by name. */
function recordingClient(url: string): { client: RedisClientLike; sent: string[] } {
  const client = createClient({ url, disableOfflineQueue: true }) as unknown as RedisClientLike;
  const sent: string[] = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = (args) => (sent.push(args.slice(0, args[0] === 'SCRIPT' ? 2 : 1).join(' ')), send(args));
  return { client, sent };
}

const toClose: RedisConnection[] = [];
afterAll(async () => {
  await Promise.all(toClose.map((c) => c.close()));
});

describe('RedisConnection', () => {
  it('validates its options, naming the field and value (and never printing a password)', () => {
    expect(() => new RedisConnection({})).toThrow(new ConfigurationError('RedisConnection: url, cluster or client is required (e.g. url: process.env.REDIS_URL)'));
    expect(() => new RedisConnection({ url: 'http://:hunter2@cache:6379' })).toThrow(
      new ConfigurationError('RedisConnection: url must start with redis:// or rediss://, got "http://:***@cache:6379"'),
    );
    expect(() => new RedisConnection({ url: 'redis://x', timeoutMs: 0 })).toThrow(new ConfigurationError('RedisConnection: timeoutMs must be a positive number, got 0'));
    expect(() => new RedisConnection({ url: 'redis://x', maxPendingCalls: 1.5 })).toThrow(new ConfigurationError('RedisConnection: maxPendingCalls must be a positive integer, got 1.5'));
    expect(() => new RedisConnection({ url: 'redis://x', client: {} as RedisClientLike })).toThrow(new ConfigurationError('RedisConnection: give one of url, cluster or client, got url and client'));
    expect(() => new RedisConnection({ url: 'redis://x', cluster: { rootNodes: ['redis://y'] } })).toThrow(new ConfigurationError('RedisConnection: give one of url, cluster or client, got url and cluster'));
    expect(() => new RedisConnection({ cluster: { rootNodes: [] } })).toThrow(new ConfigurationError('RedisConnection: cluster.rootNodes must be a non-empty array of redis:// URLs, got '));
    expect(() => new RedisConnection({ cluster: {} as never })).toThrow(new ConfigurationError('RedisConnection: cluster.rootNodes must be a non-empty array of redis:// URLs, got undefined'));
    expect(() => new RedisConnection({ cluster: { rootNodes: ['redis://a:7000', { url: 'http://:hunter2@b:7001' }] } })).toThrow(
      new ConfigurationError('RedisConnection: cluster.rootNodes[1] must start with redis:// or rediss://, got "http://:***@b:7001"'),
    );
  });

  it('fails a call at once, as offline and not sent, while Redis cannot be reached', async () => {
    const c = new RedisConnection({ url: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 100 });
    toClose.push(c);
    expect(await c.ready(100)).toBe(false);
    const call = c.call('cache', 'get', ['GET', 'k']);
    expect(await beforeAnyMacrotask(call)).toBe('work'); // no timer, no I/O: at once
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisCallError);
    expect(error).toMatchObject({ kind: 'offline', sent: false, message: 'Redis is not connected' });
    expect(c.available).toBe(false);
    expect(c.stats().state).toBe('connecting');
  });

  it('runs a script by EVAL on its first call on a connection, then EVALSHA; EVAL again on NOSCRIPT and after a reconnection', async () => {
    const server = await startRedisServer(); // its own: SCRIPT FLUSH and a restart would disturb the other tests
    const { client, sent } = recordingClient(server.url);
    const c = new RedisConnection({ client, timeoutMs: 2000, maxReconnectDelayMs: 100 });
    try {
      expect(await c.ready()).toBe(true);
      const script = new LuaScript('test.echo', 'return {KEYS[1], ARGV[1]}');
      expect(await c.run('cache', script, ['k'], [42])).toEqual(['k', '42']);
      expect(await c.run('cache', script, ['k'], [43])).toEqual(['k', '43']);
      expect(sent).toEqual(['EVAL', 'EVALSHA']);
      await c.call('cache', 'test', ['SCRIPT', 'FLUSH']);
      expect(await c.run('cache', script, ['k'], [44])).toEqual(['k', '44']);
      expect(sent.slice(2)).toEqual(['SCRIPT FLUSH', 'EVALSHA', 'EVAL']); // NOSCRIPT: sent in full once more
      await server.kill();
      await server.start(); // an empty server: it knows no script
      await until('reconnection', () => c.available, 10_000);
      sent.length = 0;
      expect(await c.run('cache', script, ['k'], [45])).toEqual(['k', '45']);
      expect(sent).toEqual(['EVAL']); // a new connection sends it in full at once, never EVALSHA first
      await c.close();
      expect(client.isOpen).toBe(true); // a client passed in is never closed
    } finally {
      client.destroy();
      await server.stop();
    }
  }, 20_000);

  it("keeps the order of calls even on a script's first call, when Redis does not know the script yet", async () => {
    const c = new RedisConnection({ url: redisUrl(), timeoutMs: 2000 });
    toClose.push(c);
    expect(await c.ready()).toBe(true);
    const key = uniquePrefix('order');
    const push = new LuaScript('test.push', `-- ${key}\nreturn redis.call('RPUSH', KEYS[1], ARGV[1])`); // a script no server knows
    const first = c.run('cache', push, [key], ['written first']); // not awaited: write-behind
    const second = c.call('cache', 'test', ['RPUSH', key, 'written second']);
    await Promise.all([first, second]);
    expect(await c.call('cache', 'test', ['LRANGE', key, '0', '-1'])).toEqual(['written first', 'written second']);
    await c.call('cache', 'test', ['DEL', key]);
  });

  it('a reply that arrived while this process was busy wins over the timer that fired late', async () => {
    const c = new RedisConnection({ url: redisUrl(), timeoutMs: 50 });
    toClose.push(c);
    expect(await c.ready()).toBe(true);
    const reply = c.call('cache', 'ping', ['PING']);
    // A long synchronous task right after node-redis wrote the command (it writes in a setImmediate):
    // meanwhile the reply arrives and the 50 ms timer becomes due; timers run before the socket is read.
    await new Promise<void>((resolve) => {
      setImmediate(() => {
        const busyUntil = performance.now() + 500;
        while (performance.now() < busyUntil);
        resolve();
      });
    });
    expect(await reply).toBe('PONG');
    expect(c.stats()).toMatchObject({ state: 'ready', timeouts: 0 });
    expect(c.available).toBe(true);
  });

  it('times a call out after timeoutMs when Redis does not answer, and skips Redis for retryAfterMs', async () => {
    const c = new RedisConnection({ url: redisUrl(), timeoutMs: 100, retryAfterMs: 60_000 });
    toClose.push(c);
    expect(await c.ready()).toBe(true);
    const blocked = c.call('cache', 'wait', ['BLPOP', uniquePrefix('nothing'), '5']); // Redis holds the reply for 5 s
    await expect(blocked).rejects.toThrow(new RedisCallError('timeout', 'Redis did not answer wait within 100 ms', true));
    await expect(blocked).rejects.toMatchObject({ kind: 'timeout', sent: true });
    expect(c.stats()).toMatchObject({ state: 'unavailable', timeouts: 1 });
    expect(c.available).toBe(false);
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
