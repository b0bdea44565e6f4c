/**
 * Errors raised when Redis cannot answer and a store fails closed.
 * @module
 */
import { BudgetExceededError, ConnectionError, type LifelineErrorOptions } from '@lifeline/core';

const UNAVAILABLE = Symbol.for('lifeline.error.redis_unavailable');
const BUDGET_UNAVAILABLE = Symbol.for('lifeline.error.budget_unavailable');

function branded(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * Redis did not answer in time (or is down) and the store is set to fail closed
 * (`failMode: 'closed'`). A {@link ConnectionError} (code `connection`, retryable), so the
 * pipeline treats it like any other outage of a dependency.
 *
 * @example
 * ```ts
 * try { await client.chat(req) } catch (err) {
 *   if (err instanceof RedisUnavailableError) metrics.increment('redis_unavailable');
 * }
 * ```
 */
export class RedisUnavailableError extends ConnectionError {
  constructor(message: string, options: LifelineErrorOptions = {}) {
    super(message, options);
    Object.defineProperty(this, UNAVAILABLE, { value: true, enumerable: false });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, UNAVAILABLE);
  }
}

/**
 * The budget store cannot reach Redis, so the call is refused rather than risk spending past
 * the limit (budgets fail closed by default). A {@link BudgetExceededError} — handlers of budget
 * refusals keep working — but `retryable` with a short `retryAfterMs`, since the cause is
 * transient; tell it apart with `instanceof BudgetUnavailableError` (e.g. to answer 503 rather
 * than 429 `insufficient_quota`).
 *
 * @example
 * ```ts
 * if (err instanceof BudgetUnavailableError) res.status(503).set('retry-after', '1');
 * else if (err instanceof BudgetExceededError) res.status(429);
 * ```
 */
export class BudgetUnavailableError extends BudgetExceededError {
  constructor(message: string, options: LifelineErrorOptions & { scope?: string } = {}) {
    super(message, { retryable: true, ...options });
    Object.defineProperty(this, BUDGET_UNAVAILABLE, { value: true, enumerable: false });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, BUDGET_UNAVAILABLE);
  }
}
