/**
 * Validation of `store:` — where the cache, breakers, rate limits and budgets live — and the
 * redaction of Redis URLs, whose password must never reach a message, a log line or a metric.
 * @module
 */
import { CONFIG_DEFAULTS } from './defaults.js';
import { Issues, readEnum, readNumber, readObject, readString, rejectUnknownKeys } from './check.js';
import type { BudgetFailMode, StoreConfig } from './types.js';

const REDIS_KEYS = ['url', 'cluster', 'prefix', 'timeoutMs', 'budgetFailMode', 'rateLimitFallbackShare'] as const;
const FAIL_MODES: readonly BudgetFailMode[] = ['closed', 'open'];
const SCHEME = /^(redis|rediss|valkey|valkeys):\/\//i;
const PREFIX = /^[^\s{}]{1,64}$/;

/**
 * A Redis URL with its password replaced by `***` (the whole user part when it has no `:`), for
 * messages, logs and `/api/health`.
 *
 * @param url - any URL-like string
 * @returns the URL, safe to show
 * @example
 * ```ts
 * redactRedisUrl('redis://app:hunter2@cache:6379/0'); // 'redis://app:***@cache:6379/0'
 * ```
 */
export function redactRedisUrl(url: string): string {
  const auth = userInfo(url);
  if (!auth) return url;
  const colon = auth.text.indexOf(':');
  return `${url.slice(0, auth.start)}${colon === -1 ? '***' : `${auth.text.slice(0, colon)}:***`}${url.slice(auth.end)}`;
}

/**
 * The password in a Redis URL, raw and decoded as the client will send it (both, when they
 * differ). The gateway adds them to the secrets it scrubs from every error and log line.
 *
 * @example
 * ```ts
 * redisPasswords('redis://:s3cret@127.0.0.1:6379'); // ['s3cret']
 * ```
 */
export function redisPasswords(url: string): string[] {
  const auth = userInfo(url);
  const colon = auth?.text.indexOf(':') ?? -1;
  const raw = auth === undefined ? '' : colon === -1 ? auth.text : auth.text.slice(colon + 1);
  if (raw === '') return [];
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // kept raw
  }
  return decoded === raw ? [raw] : [raw, decoded];
}

/** The user part of a URL: from after `//` (or the start) to the LAST `@` — over-redacting beats leaking. */
function userInfo(url: string): { start: number; end: number; text: string } | undefined {
  const end = url.lastIndexOf('@');
  if (end === -1) return undefined;
  const slashes = url.indexOf('//');
  const start = slashes !== -1 && slashes < end ? slashes + 2 : 0;
  return { start, end, text: url.slice(start, end) };
}

/** Reads `store:`; absent, empty or `memory` means memory stores. */
export function readStore(issues: Issues, raw: unknown): StoreConfig {
  if (raw === undefined || raw === null || raw === 'memory') return {};
  const obj = readObject(issues, 'store', raw);
  if (!obj) return {};
  rejectUnknownKeys(issues, 'store', obj, ['redis']);
  if (obj.redis === undefined || obj.redis === null) return {};
  const o = readObject(issues, 'store.redis', obj.redis);
  if (!o) return {};
  rejectUnknownKeys(issues, 'store.redis', o, REDIS_KEYS);
  const where = readWhere(issues, o);
  const d = CONFIG_DEFAULTS.redis;
  const prefix = readString(issues, 'store.redis.prefix', o.prefix, { optional: true, pattern: PREFIX, patternHint: '1-64 characters without whitespace or braces' }) ?? d.prefix;
  const timeoutMs = readNumber(issues, 'store.redis.timeoutMs', o.timeoutMs, { min: 1, max: 60_000 }) ?? d.timeoutMs;
  const budgetFailMode = readEnum(issues, 'store.redis.budgetFailMode', o.budgetFailMode, FAIL_MODES) ?? d.budgetFailMode;
  const share = readNumber(issues, 'store.redis.rateLimitFallbackShare', o.rateLimitFallbackShare, { min: 0, max: 1 });
  if (share === 0) issues.add('store.redis.rateLimitFallbackShare', 'expected a number above 0 and at most 1 (1 / replicas), got 0');
  if (where === undefined) return {};
  return { redis: { ...where, prefix, timeoutMs, budgetFailMode, rateLimitFallbackShare: share || d.rateLimitFallbackShare } };
}

/** `url`, or `cluster: { rootNodes }` — exactly one. */
function readWhere(issues: Issues, o: Record<string, unknown>): { url: string } | { cluster: { rootNodes: string[] } } | undefined {
  if (o.cluster === undefined || o.cluster === null) {
    const url = readUrl(issues, 'store.redis.url', o.url);
    return url === undefined ? undefined : { url };
  }
  if (o.url !== undefined && o.url !== null) return issues.add('store.redis', 'give url (one Redis) or cluster (a Redis Cluster), not both');
  const cluster = readObject(issues, 'store.redis.cluster', o.cluster);
  if (!cluster) return undefined;
  rejectUnknownKeys(issues, 'store.redis.cluster', cluster, ['rootNodes']);
  const nodes = cluster.rootNodes;
  if (!Array.isArray(nodes) || nodes.length === 0) {
    return issues.add('store.redis.cluster.rootNodes', `expected a non-empty list of redis:// URLs (e.g. ["\${REDIS_NODE_1}", "\${REDIS_NODE_2}"]), got ${nodes === undefined ? 'nothing' : JSON.stringify(nodes)}`);
  }
  const rootNodes = nodes.map((node, i) => readUrl(issues, `store.redis.cluster.rootNodes[${i}]`, node));
  return rootNodes.every((n) => n !== undefined) ? { cluster: { rootNodes } } : undefined;
}

/** Every URL of a `store.redis` config: `url`, or the cluster's root nodes. */
export function redisUrls(redis: { url?: string | undefined; cluster?: { rootNodes: string[] } | undefined }): string[] {
  return redis.url !== undefined ? [redis.url] : [...(redis.cluster?.rootNodes ?? [])];
}

function readUrl(issues: Issues, path: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return issues.add(path, 'is required (e.g. url: "${REDIS_URL}")');
  if (typeof value !== 'string') return issues.expected(path, 'a redis:// or rediss:// URL', value);
  const shown = JSON.stringify(redactRedisUrl(value));
  if (!SCHEME.test(value)) return issues.add(path, `expected a redis:// or rediss:// URL, got ${shown}`);
  let host = '';
  try {
    host = new URL(value).hostname;
  } catch {
    return issues.add(path, `expected a redis:// or rediss:// URL, got ${shown} (not a valid URL)`);
  }
  if (host === '') return issues.add(path, `expected a redis:// or rediss:// URL with a host, got ${shown}`);
  return value;
}

/**
 * Before interpolation: a Redis password written into the file itself is refused (like an
 * upstream `apiKey`), without repeating it. `redis://:${REDIS_PASSWORD}@host` is fine.
 */
export function checkRedisUrlIsReference(raw: unknown, issues: Issues): void {
  const redis = (raw as { store?: { redis?: { url?: unknown; cluster?: { rootNodes?: unknown } } } } | null)?.store?.redis;
  const nodes = redis?.cluster?.rootNodes;
  const urls: Array<[string, unknown]> = [['store.redis.url', redis?.url], ...(Array.isArray(nodes) ? nodes.map((n, i): [string, unknown] => [`store.redis.cluster.rootNodes[${i}]`, n]) : [])];
  for (const [path, url] of urls) {
    if (typeof url !== 'string') continue;
    const auth = userInfo(url)?.text ?? '';
    const password = auth.includes(':') ? auth.slice(auth.indexOf(':') + 1) : '';
    if (password !== '' && !password.includes('${')) {
      issues.add(path, `a password is written in the file (${JSON.stringify(redactRedisUrl(url))}): use url: "\${REDIS_URL}", or take the password from the environment ("redis://:\${REDIS_PASSWORD}@host:6379")`);
    }
  }
}
