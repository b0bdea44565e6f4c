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

/** Where Redis is and how patient to be with it. Give `url` or `client`. */
export interface ConnectionOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://…` (TLS). Not with `client`. */
  url?: string | undefined;
  /**
   * A node-redis client (`createClient()` of `redis` / `@redis/client` v5+) to use instead of
   * making one. Connected if it is not yet; never closed by `close()`. Create it with
   * `disableOfflineQueue: true` so calls fail fast while it reconnects.
   */
  client?: RedisClientLike | undefined;
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
  client: RedisClientLike | undefined;
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
} as const satisfies Required<Omit<ConnectionOptions, 'url' | 'client'>>;

/** The URL with any password replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, (_, auth: string) => `//${auth.includes(':') ? `${auth.slice(0, auth.indexOf(':'))}:***` : '***'}@`);
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
  const { url, client } = options;
  if (url !== undefined && client !== undefined) throw new ConfigurationError(`${owner}: give url or client, not both`);
  if (url === undefined && client === undefined) throw new ConfigurationError(`${owner}: url or client is required (e.g. url: process.env.REDIS_URL)`);
  if (url !== undefined && (typeof url !== 'string' || !/^(redis|rediss|valkey|valkeys):\/\/./.test(url))) {
    throw new ConfigurationError(`${owner}: url must start with redis:// or rediss://, got ${typeof url === 'string' ? JSON.stringify(redactUrl(url)) : String(url)}`);
  }
  if (client !== undefined && (typeof client !== 'object' || client === null || typeof client.sendCommand !== 'function')) {
    throw new ConfigurationError(`${owner}: client must be a node-redis client (with sendCommand), got ${client === null ? 'null' : typeof client}`);
  }
  positive(owner, 'timeoutMs', options.timeoutMs);
  positive(owner, 'retryAfterMs', options.retryAfterMs);
  positive(owner, 'connectTimeoutMs', options.connectTimeoutMs);
  positive(owner, 'maxReconnectDelayMs', options.maxReconnectDelayMs);
  positive(owner, 'maxPendingCalls', options.maxPendingCalls, true);
  return {
    url: url?.replace(/^valkey(s?):/, 'redis$1:'),
    client,
    timeoutMs: options.timeoutMs ?? CONNECTION_DEFAULTS.timeoutMs,
    retryAfterMs: options.retryAfterMs ?? CONNECTION_DEFAULTS.retryAfterMs,
    connectTimeoutMs: options.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? CONNECTION_DEFAULTS.maxReconnectDelayMs,
    maxPendingCalls: options.maxPendingCalls ?? CONNECTION_DEFAULTS.maxPendingCalls,
  };
}
