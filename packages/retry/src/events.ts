/**
 * Payloads {@link retry} reports through `onRetry` / `onGiveUp` and the `lifeline:retry`
 * diagnostics channel.
 * @module
 */
import type { AttemptRecord, Context } from '@lifeline/core';

/** Where a retry delay came from. */
export type DelaySource = 'retry-after' | 'backoff';

/**
 * Published on `lifeline:retry` (and passed to `onRetry`) before each wait.
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel';
 * subscribe('lifeline:retry', (msg) => {
 *   const e = msg as RetryEvent;
 *   log.warn(`retry #${e.attempt} on ${e.key} in ${e.delayMs} ms (${e.source})`);
 * });
 * ```
 */
export interface RetryEvent {
  ctx: Context;
  /** Budget key (the target name by default). */
  key: string;
  /** The attempt that just failed, 1-based. */
  attempt: number;
  /** Delay before the next attempt, in ms. */
  delayMs: number;
  /** `retry-after` when the provider's hint set the delay (no jitter added), else `backoff`. */
  source: DelaySource;
  /** The error of the failed attempt. */
  error: unknown;
}

/** Why retry stopped retrying a retryable error. */
export type GiveUpReason =
  /** `maxAttempts` reached. */
  | 'max-attempts'
  /** The provider asked for a longer wait than `maxRetryAfterMs`: give up on this target now. */
  | 'retry-after-too-long'
  /** The remaining time before `ctx.deadline` cannot fit another attempt. */
  | 'deadline'
  /** The retry budget is spent. */
  | 'budget';

/**
 * Passed to `onGiveUp` when retry stops on a retryable error; the error is then rethrown unchanged.
 * @example
 * ```ts
 * retry({ onGiveUp: (e) => metrics.increment('retry.give_up', { reason: e.reason, target: e.key }) });
 * ```
 */
export interface GiveUpEvent {
  ctx: Context;
  key: string;
  /** Attempts made by this retry middleware. */
  attempt: number;
  reason: GiveUpReason;
  error: unknown;
}

/** An attempt record as retry annotates it: `delayMs` plus where that delay came from. */
export interface RetryAttemptRecord extends AttemptRecord {
  /** Where `delayMs` came from. */
  delaySource?: DelaySource;
}
