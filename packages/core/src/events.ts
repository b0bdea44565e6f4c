/**
 * Observability events on `node:diagnostics_channel`. Subscribe without touching the pipeline:
 *
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * subscribe('lifeline:attempt', (msg) => console.log(msg));
 * ```
 *
 * | channel | published when | payload |
 * |---|---|---|
 * | `lifeline:request` | a call starts and ends | {@link RequestEvent} |
 * | `lifeline:attempt:start` | an upstream request is about to be sent | {@link AttemptStartEvent} |
 * | `lifeline:attempt` | an upstream request ends | {@link AttemptEvent} |
 * | `lifeline:retry` | retry schedules another attempt | `{ ctx, attempt, delayMs, error }` |
 * | `lifeline:breaker` | a breaker changes state | `{ key, from, to, reason }` |
 * | `lifeline:fallback` | a degraded answer is served | `{ ctx, error }` |
 * | `lifeline:cache` | a cache lookup settles | `{ ctx, key, status }` |
 * | `lifeline:cost` | a call's cost is known | `{ ctx, provider, model, costUsd, usage }` |
 * | `lifeline:failover` | failover moves to another target | `{ ctx, from, to, error }` |
 * | `lifeline:key` | a key of an adapter's key pool is set aside or back | `{ provider, pool, key, state, … }` (`key` is a fingerprint) |
 *
 * Payloads never contain API keys. Publishing costs nothing when nobody subscribes.
 * @module
 */
import { channel, type Channel } from 'node:diagnostics_channel';
import type { Context } from './context.js';
import type { AttemptRecord } from './meta.js';

/** Names of the channels Lifeline publishes on. */
export type LifelineChannelName =
  | 'lifeline:request'
  | 'lifeline:attempt:start'
  | 'lifeline:attempt'
  | 'lifeline:retry'
  | 'lifeline:breaker'
  | 'lifeline:fallback'
  | 'lifeline:cache'
  | 'lifeline:cost'
  | 'lifeline:failover'
  | 'lifeline:key';

/** Payload of `lifeline:request`. */
export interface RequestEvent {
  phase: 'start' | 'end';
  ctx: Context;
  error?: unknown;
}

/**
 * Payload of `lifeline:attempt:start`, published synchronously just before the adapter is called.
 * `headers` is the attempt's own object of extra request headers (`AdapterCall.headers`): a
 * subscriber may add to it, e.g. `traceparent` for the attempt's span. `attempt` is the record
 * that `lifeline:attempt` reports again once the request ended.
 */
export interface AttemptStartEvent {
  ctx: Context;
  attempt: AttemptRecord;
  headers: Record<string, string>;
}

/** Payload of `lifeline:attempt`. */
export interface AttemptEvent {
  ctx: Context;
  attempt: AttemptRecord;
  error?: unknown;
}

const cache = new Map<string, Channel>();

/** The `diagnostics_channel` channel for `name`. */
export function lifelineChannel(name: LifelineChannelName): Channel {
  let ch = cache.get(name);
  // Stryker disable next-line ConditionalExpression: a performance cache; channel(name) returns the same channel every time
  if (!ch) {
    ch = channel(name);
    // Stryker disable next-line CallExpression: a performance cache; channel(name) returns the same channel every time
    cache.set(name, ch);
  }
  return ch;
}

/**
 * Publishes `payload` on `name` if anyone listens. `payload` is built lazily so an
 * unobserved event costs one property read.
 */
export function publish(name: LifelineChannelName, payload: () => unknown): void {
  const ch = lifelineChannel(name);
  // Stryker disable next-line ConditionalExpression: publishing to nobody is a no-op; the check only saves building the payload
  if (ch.hasSubscribers) ch.publish(payload());
}
