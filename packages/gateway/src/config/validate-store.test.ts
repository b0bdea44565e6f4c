import { ConfigurationError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from './check.js';
import { parseConfig } from './load.js';
import { validateConfig } from './validate.js';
import { redactRedisUrl, redisPasswords } from './validate-store.js';

const minimal = (store?: unknown) => ({
  providers: { primary: { kind: 'openai', baseURL: 'https://relay.example/v1' } },
  routes: [{ model: '*', targets: ['primary'] }],
  ...(store !== undefined && { store }),
});

function issuesOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect(err).toBeInstanceOf(ConfigurationError);
    return (err as ConfigValidationError).issues;
  }
  throw new Error('expected validation to fail');
}

const FILE = 'providers: { p: { kind: openai, baseURL: "http://127.0.0.1:9/v1" } }\nroutes: [{ model: "*", targets: [p] }]\n';

describe('store: validation', () => {
  it('keeps memory stores when store is absent, empty or "memory"', () => {
    expect(validateConfig(minimal()).store).toEqual({});
    expect(validateConfig(minimal({})).store).toEqual({});
    expect(validateConfig(minimal('memory')).store).toEqual({});
  });

  it('applies the Redis defaults, and a validated config validates again unchanged', () => {
    const config = validateConfig(minimal({ redis: { url: 'rediss://app:pw@cache.internal:6380/2' } }));
    expect(config.store).toEqual({ redis: { url: 'rediss://app:pw@cache.internal:6380/2', prefix: 'lifeline', timeoutMs: 50, budgetFailMode: 'closed', rateLimitFallbackShare: 1 } });
    expect(validateConfig(config).store).toEqual(config.store);
    const custom = validateConfig(minimal({ redis: { url: 'redis://127.0.0.1', prefix: 'prod-eu', timeoutMs: '25', budgetFailMode: 'open', rateLimitFallbackShare: 0.25 } }));
    expect(custom.store.redis).toEqual({ url: 'redis://127.0.0.1', prefix: 'prod-eu', timeoutMs: 25, budgetFailMode: 'open', rateLimitFallbackShare: 0.25 });
  });

  it('names the path, the expectation and the value of each problem', () => {
    expect(issuesOf(() => validateConfig(minimal({ redis: { url: 'http://x' } })))).toEqual(['store.redis.url: expected a redis:// or rediss:// URL, got "http://x"']);
    expect(issuesOf(() => validateConfig(minimal({ redis: {} })))).toEqual(['store.redis.url: is required (e.g. url: "${REDIS_URL}")']);
    expect(issuesOf(() => validateConfig(minimal({ redis: { url: 'redis://' } })))).toEqual(['store.redis.url: expected a redis:// or rediss:// URL with a host, got "redis://"']);
    expect(issuesOf(() => validateConfig(minimal({ redis: { url: 6379 } })))).toEqual(['store.redis.url: expected a redis:// or rediss:// URL, got 6379']);
    expect(issuesOf(() => validateConfig(minimal('redis')))).toEqual(['store: expected a mapping (key: value), got "redis"']);
    expect(
      issuesOf(() => validateConfig(minimal({ redis: { url: 'redis://h', prefx: 'a', prefix: 'has space', timeoutMs: 0, budgetFailMode: 'maybe', rateLimitFallbackShare: 2 }, memory: true }))),
    ).toEqual([
      'store.memory: unknown key; expected one of redis',
      'store.redis.prefx: unknown key (did you mean "prefix"?); expected one of url, cluster, prefix, timeoutMs, budgetFailMode, rateLimitFallbackShare',
      'store.redis.prefix: expected 1-64 characters without whitespace or braces, got "has space"',
      'store.redis.timeoutMs: expected a number between 1 and 60000, got 0',
      'store.redis.budgetFailMode: expected one of closed, open, got "maybe"',
      'store.redis.rateLimitFallbackShare: expected a number between 0 and 1, got 2',
    ]);
    expect(issuesOf(() => validateConfig(minimal({ redis: { url: 'redis://h', rateLimitFallbackShare: 0 } })))).toEqual([
      'store.redis.rateLimitFallbackShare: expected a number above 0 and at most 1 (1 / replicas), got 0',
    ]);
  });

  it('takes a Redis Cluster as cluster.rootNodes, instead of url', () => {
    const config = validateConfig(minimal({ redis: { cluster: { rootNodes: ['redis://10.0.0.1:6379', 'rediss://10.0.0.2:6380'] }, prefix: 'eu' } }));
    expect(config.store).toEqual({ redis: { cluster: { rootNodes: ['redis://10.0.0.1:6379', 'rediss://10.0.0.2:6380'] }, prefix: 'eu', timeoutMs: 50, budgetFailMode: 'closed', rateLimitFallbackShare: 1 } });
    expect(validateConfig(config).store).toEqual(config.store);
    expect(issuesOf(() => validateConfig(minimal({ redis: { url: 'redis://h', cluster: { rootNodes: ['redis://h'] } } })))).toEqual(['store.redis: give url (one Redis) or cluster (a Redis Cluster), not both']);
    expect(issuesOf(() => validateConfig(minimal({ redis: { cluster: { rootNodes: [] } } })))).toEqual([
      'store.redis.cluster.rootNodes: expected a non-empty list of redis:// URLs (e.g. ["${REDIS_NODE_1}", "${REDIS_NODE_2}"]), got []',
    ]);
    expect(issuesOf(() => validateConfig(minimal({ redis: { cluster: { nodes: ['redis://h'] } } })))).toEqual([
      'store.redis.cluster.nodes: unknown key; expected one of rootNodes',
      'store.redis.cluster.rootNodes: expected a non-empty list of redis:// URLs (e.g. ["${REDIS_NODE_1}", "${REDIS_NODE_2}"]), got nothing',
    ]);
    expect(issuesOf(() => validateConfig(minimal({ redis: { cluster: { rootNodes: ['redis://h:1', 'http://app:hunter2@h:2'] } } })))).toEqual([
      'store.redis.cluster.rootNodes[1]: expected a redis:// or rediss:// URL, got "http://app:***@h:2"',
    ]);
    expect(issuesOf(() => parseConfig(`${FILE}store: { redis: { cluster: { rootNodes: ["redis://h:1", "redis://:hunter2@h:2"] } } }\n`, { env: {} }))).toEqual([
      'store.redis.cluster.rootNodes[1]: a password is written in the file ("redis://:***@h:2"): use url: "${REDIS_URL}", or take the password from the environment ("redis://:${REDIS_PASSWORD}@host:6379")',
    ]);
  });

  it('never repeats a password in a message', () => {
    const issues = issuesOf(() => validateConfig(minimal({ redis: { url: 'http://app:hunter2-secret@cache:6379' } })));
    expect(issues).toEqual(['store.redis.url: expected a redis:// or rediss:// URL, got "http://app:***@cache:6379"']);
  });
});

describe('store.redis.url in a config file', () => {
  it('names the variable when ${REDIS_URL} is unset', () => {
    expect(issuesOf(() => parseConfig(`${FILE}store: { redis: { url: "\${REDIS_URL}" } }\n`, { env: {} }))).toEqual([
      'store.redis.url: environment variable REDIS_URL is not set (referenced as ${REDIS_URL})',
    ]);
    const config = parseConfig(`${FILE}store: { redis: { url: "\${REDIS_URL}" } }\n`, { env: { REDIS_URL: 'redis://:s3cret@10.0.0.5:6379' } });
    expect(config.store.redis?.url).toBe('redis://:s3cret@10.0.0.5:6379');
  });

  it('refuses a password written in the file without repeating it, and takes one from the environment', () => {
    expect(issuesOf(() => parseConfig(`${FILE}store: { redis: { url: "redis://app:hunter2-secret@cache:6379" } }\n`, { env: {} }))).toEqual([
      'store.redis.url: a password is written in the file ("redis://app:***@cache:6379"): use url: "${REDIS_URL}", or take the password from the environment ("redis://:${REDIS_PASSWORD}@host:6379")',
    ]);
    const config = parseConfig(`${FILE}store: { redis: { url: "redis://app:\${REDIS_PASSWORD}@cache:6379" } }\n`, { env: { REDIS_PASSWORD: 'p@ss-word' } });
    expect(config.store.redis?.url).toBe('redis://app:p@ss-word@cache:6379');
    expect(parseConfig(`${FILE}store: { redis: { url: "redis://cache:6379" } }\n`, { env: {} }).store.redis?.url).toBe('redis://cache:6379');
  });
});

describe('redactRedisUrl / redisPasswords', () => {
  it.each([
    ['redis://app:hunter2@cache:6379/0', 'redis://app:***@cache:6379/0', ['hunter2']],
    ['redis://:hunter2@cache:6379', 'redis://:***@cache:6379', ['hunter2']],
    ['rediss://token@cache', 'rediss://***@cache', ['token']],
    ['redis://cache:6379', 'redis://cache:6379', []],
    ['redis://app:p@ss/w%40rd@cache:6379', 'redis://app:***@cache:6379', ['p@ss/w%40rd', 'p@ss/w@rd']],
    ['app:hunter2@cache', 'app:***@cache', ['hunter2']],
  ])('%s → %s', (url, shown, passwords) => {
    expect(redactRedisUrl(url)).toBe(shown);
    expect(redisPasswords(url)).toEqual(passwords);
  });
});
