/**
 * Options of a Redis connection: where Redis is, and how long the stores wait for it.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';

/** The subset of a node-redis client (`redis` / `@redis/client` v5+) the stores use. */
export interface RedisClientLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: ReadonlyArray<string>): Promise<unknown>;
  duplicate(): RedisClientLike;
  subscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => unknown): unknown;
  off(event: string, listener: (...args: never[]) => unknown): unknown;
  close?(): Promise<unknown>;
  destroy(): unknown;
}

/**
 * The subset of a node-redis cluster client (`createCluster()` of `redis` / `@redis/client`)
 * the stores use: commands are routed by their first key.
 */
export interface RedisClusterLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  /** The masters, one per shard (node-redis's `cluster.masters`). */
  readonly masters: ReadonlyArray<{ readonly address: string; readonly client?: { readonly isReady: boolean; readonly _clientId?: string } | undefined }>;
  /** Slot → shard (node-redis's `cluster.slots`); empty before the first discovery. */
  readonly slots: ReadonlyArray<{ readonly master: { readonly address: string } } | undefined>;
  connect(): Promise<unknown>;
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: ReadonlyArray<string>): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<unknown>;
  on(event: string, listener: (...args: never[]) => unknown): unknown;
  off(event: string, listener: (...args: never[]) => unknown): unknown;
  close?(): Promise<unknown>;
  destroy(): unknown;
}

/** A Redis Cluster to connect to (node-redis's cluster mode, `createCluster`). */
export interface ClusterOptions {
  /**
   * Some nodes of the cluster — `redis://[[user]:password@]host:port` (`rediss://` for TLS) or
   * `{ url }` — from which the client discovers the others (`CLUSTER SLOTS`). The credentials
   * and TLS of the first are used for every node.
   */
  rootNodes: ReadonlyArray<string | { url: string }>;
}

/** Where Redis is and how patient to be with it. Give `url`, `cluster` or `client`. */
export interface ConnectionOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://…` (TLS). Not with `client`. */
  url?: string | undefined;
  /**
   * A node-redis client (`createClient()` of `redis` / `@redis/client` v5+) to use instead of
   * making one. Connected if it is not yet; never closed by `close()`. Create it with
   * `disableOfflineQueue: true` so calls fail fast while it reconnects.
   */
  client?: RedisClientLike | RedisClusterLike | undefined;
  /**
   * A Redis Cluster (or Valkey cluster) instead of one endpoint: `{ rootNodes: [url, …] }`.
   * Redirections (`MOVED`, `ASK`) and a shard's failover are handled by the client; a shard
   * that cannot answer only sends the keys it holds to the fallback. Not with `url`/`client`.
   */
  cluster?: ClusterOptions | undefined;
  /**
   * Longest wait for one Redis call, in ms; past it the store answers from its fallback (or
   * fails closed). No request ever waits longer on Redis than this (per call it makes, plus one
   * turn of the event loop: a reply already received when the timer fires still wins, so a timer
   * that runs late because the process was busy does not count as Redis being slow).
   * @defaultValue 50
   */
  timeoutMs?: number | undefined;
  /**
   * After a call fails (timeout, refused, lost connection), how long calls skip Redis and go
   * straight to the fallback, in ms — so an outage costs one timeout, not one per request.
   * @defaultValue 1000
   */
  retryAfterMs?: number | undefined;
  /**
   * Timeout of one connection attempt, in ms (made clients only).
   * @defaultValue 2000
   */
  connectTimeoutMs?: number | undefined;
  /**
   * Longest pause between reconnection attempts, in ms (made clients only; attempts never stop).
   * @defaultValue 2000
   */
  maxReconnectDelayMs?: number | undefined;
  /**
   * Calls waiting to be written or answered at most; beyond it calls fail at once (made clients only).
   * @defaultValue 10000
   */
  maxPendingCalls?: number | undefined;
}

/** Every option resolved. */
export interface ResolvedConnectionOptions {
  url: string | undefined;
  client: RedisClientLike | RedisClusterLike | undefined;
  /** Root node URLs (`valkey://` read as `redis://`), when connecting to a cluster. */
  rootNodes: string[] | undefined;
  timeoutMs: number;
  retryAfterMs: number;
  connectTimeoutMs: number;
  maxReconnectDelayMs: number;
  maxPendingCalls: number;
}

/** Defaults of {@link ConnectionOptions}. */
export const CONNECTION_DEFAULTS = {
  timeoutMs: 50,
  retryAfterMs: 1000,
  connectTimeoutMs: 2000,
  maxReconnectDelayMs: 2000,
  maxPendingCalls: 10_000,
} as const satisfies Required<Omit<ConnectionOptions, 'url' | 'client' | 'cluster'>>;

/** The URL with any password replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, (_, auth: string) => `//${auth.includes(':') ? `${auth.slice(0, auth.indexOf(':'))}:***` : '***'}@`);
}

const VALKEY = /^valkey(s?):/;

function checkUrl(owner: string, name: string, url: unknown): asserts url is string {
  if (typeof url !== 'string' || !/^(redis|rediss|valkey|valkeys):\/\/./.test(url)) {
    throw new ConfigurationError(`${owner}: ${name} must start with redis:// or rediss://, got ${typeof url === 'string' ? JSON.stringify(redactUrl(url)) : String(url)}`);
  }
}

function readRootNodes(owner: string, cluster: unknown): string[] {
  const nodes = (cluster as { rootNodes?: unknown } | null)?.rootNodes;
  if (typeof cluster !== 'object' || cluster === null || !Array.isArray(nodes) || nodes.length === 0) {
    throw new ConfigurationError(`${owner}: cluster.rootNodes must be a non-empty array of redis:// URLs, got ${typeof cluster === 'object' && cluster !== null ? String(nodes) : String(cluster)}`);
  }
  return nodes.map((node: unknown, i) => {
    const url = typeof node === 'object' && node !== null ? (node as { url?: unknown }).url : node;
    checkUrl(owner, `cluster.rootNodes[${i}]`, url);
    return url.replace(VALKEY, 'redis$1:');
  });
}

function positive(owner: string, name: string, value: unknown, integer = false): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new ConfigurationError(`${owner}: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`);
  }
}

/**
 * Validates and fills in connection options.
 * @throws {@link ConfigurationError} naming the field and the received value
 */
export function resolveConnectionOptions(owner: string, options: ConnectionOptions): ResolvedConnectionOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError(`${owner}: options must be an object with url or client, got ${String(options)}`);
  const { url, client, cluster } = options;
  const given = [url !== undefined && 'url', client !== undefined && 'client', cluster !== undefined && 'cluster'].filter(Boolean);
  if (given.length > 1) throw new ConfigurationError(`${owner}: give one of url, cluster or client, got ${given.join(' and ')}`);
  if (given.length === 0) throw new ConfigurationError(`${owner}: url, cluster or client is required (e.g. url: process.env.REDIS_URL)`);
  if (url !== undefined) checkUrl(owner, 'url', url);
  const rootNodes = cluster === undefined ? undefined : readRootNodes(owner, cluster);
  if (client !== undefined && (typeof client !== 'object' || client === null || typeof client.sendCommand !== 'function')) {
    throw new ConfigurationError(`${owner}: client must be a node-redis client (with sendCommand), got ${client === null ? 'null' : typeof client}`);
  }
  positive(owner, 'timeoutMs', options.timeoutMs);
  positive(owner, 'retryAfterMs', options.retryAfterMs);
  positive(owner, 'connectTimeoutMs', options.connectTimeoutMs);
  positive(owner, 'maxReconnectDelayMs', options.maxReconnectDelayMs);
  positive(owner, 'maxPendingCalls', options.maxPendingCalls, true);
  return {
    url: url?.replace(VALKEY, 'redis$1:'),
    client,
    rootNodes,
    timeoutMs: options.timeoutMs ?? CONNECTION_DEFAULTS.timeoutMs,
    retryAfterMs: options.retryAfterMs ?? CONNECTION_DEFAULTS.retryAfterMs,
    connectTimeoutMs: options.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? CONNECTION_DEFAULTS.maxReconnectDelayMs,
    maxPendingCalls: options.maxPendingCalls ?? CONNECTION_DEFAULTS.maxPendingCalls,
  };
}
