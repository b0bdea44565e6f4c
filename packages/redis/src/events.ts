/**
 * The `lifeline:redis` diagnostics channel: warnings when Redis is slow or down, when a store
 * falls back to process-local state or fails closed, and when Redis is back.
 *
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * subscribe('lifeline:redis', (e) => console.warn(`[redis] ${e.type}: ${e.message}`));
 * ```
 * Payloads never contain a Redis password, a key's user-derived part or a value.
 * @module
 */
import { channel } from 'node:diagnostics_channel';

/** Name of the channel (not one of core's, which are a closed set). */
export const REDIS_CHANNEL = 'lifeline:redis';

/**
 * Which store an event concerns (`connection` for the link itself; `responses` for the gateway's
 * stored Responses API answers, kept through the same connection; `keyPool` for API key pools).
 */
export type StoreKind = 'cache' | 'breaker' | 'rateLimit' | 'budget' | 'responses' | 'keyPool' | 'connection';

/** What happened. */
export type RedisEventType =
  /** Calls fail (timeout, refused, error reply): Redis is skipped for `retryAfterMs`. */
  | 'unavailable'
  /** A call succeeded again after `unavailable`. */
  | 'recovered'
  /** A call was answered by the process-local store instead of Redis (fail open). */
  | 'fallback'
  /** A call was refused because Redis was unavailable (fail closed). */
  | 'rejected'
  /** Redis answered with an error (script error, OOM under `maxmemory` with `noeviction`, …). */
  | 'error'
  /** A cache entry above `maxEntryBytes` was refused. */
  | 'oversize'
  /** A budget settlement could not be written and was queued for a retry. */
  | 'settle-deferred'
  /** A queued budget settlement was given up (its reservation stays counted: conservative). */
  | 'settle-lost';

/** Payload of `lifeline:redis`. */
export interface RedisEvent {
  type: RedisEventType;
  store: StoreKind;
  /** The store operation (`get`, `take`, `reserve`, …), when there is one. */
  op?: string | undefined;
  /** Human-readable summary, safe to log. */
  message: string;
  /** The underlying error, when there is one. */
  error?: unknown;
}

const ch = channel(REDIS_CHANNEL);

/**
 * Publishes an event on `lifeline:redis` if anyone listens; `event` is built lazily.
 *
 * @param event - builds the payload
 */
export function publishRedisEvent(event: () => RedisEvent): void {
  if (ch.hasSubscribers) ch.publish(event());
}
