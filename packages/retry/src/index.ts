/**
 * `@lifeline/retry`: the `retry()` middleware — exponential backoff with full jitter,
 * Retry-After read per attempt and capped, deadline-aware, bounded by a shared retry budget.
 * @module
 */
export { retry } from './retry.js';
export { RETRY_DEFAULTS, defaultRetryOn, type RetryOptions } from './options.js';
export { RetryBudget, type RetryBudgetOptions, type RetryBudgetSnapshot } from './budget.js';
export { exponentialBackoff, BACKOFF_DEFAULTS, type Backoff, type ExponentialBackoffOptions, type Jitter } from './backoff.js';
export type { RetryEvent, GiveUpEvent, GiveUpReason, DelaySource, RetryAttemptRecord } from './events.js';
