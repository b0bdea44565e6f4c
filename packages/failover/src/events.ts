/**
 * Failover events on `node:diagnostics_channel`, channel `lifeline:failover` (published through
 * core's `publish`, so an unobserved event costs one property read):
 *
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * subscribe('lifeline:failover', (e) => console.log(`${e.event}: ${e.from} → ${e.to ?? '∅'}`));
 * ```
 * @module
 */
import { type Context, type LifelineChannelName, publish } from '@lifeline/core';
import type { MidStreamPolicy } from './options.js';

/**
 * Name of the channel failover publishes on.
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * subscribe(FAILOVER_CHANNEL, (e) => log((e as FailoverEvent).event));
 * ```
 */
export const FAILOVER_CHANNEL = 'lifeline:failover' satisfies LifelineChannelName;

/** Payload of `lifeline:failover`. Never contains API keys. */
export interface FailoverEvent {
  ctx: Context;
  /** `failover`: moved on after a failure; `hedge`: started a parallel attempt; `midStream`: a stream broke after content. */
  event: 'failover' | 'hedge' | 'midStream';
  /** Target that failed, was slow, or broke. */
  from: string;
  /** Target tried next; absent when there was none (mid-stream `error` policy, or nothing left). */
  to?: string;
  /** Why (absent for a hedge). */
  error?: unknown;
  /** The mid-stream policy applied (`midStream` events). */
  policy?: MidStreamPolicy;
}

/** Publishes on {@link FAILOVER_CHANNEL}; `event` is only built when anyone listens. */
export function emit(event: () => FailoverEvent): void {
  publish(FAILOVER_CHANNEL, event);
}
