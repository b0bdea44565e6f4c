/**
 * `retry()`: retries a target on transient failures — exponential backoff with full jitter,
 * Retry-After read per attempt and capped, deadline-aware, bounded by a retry budget.
 * @module
 */
import { type Clock, type Context, type Middleware, primeStream, publish, sleep, throwIfAborted } from '@lifeline/core';
import type { RetryBudget } from './budget.js';
import type { DelaySource, GiveUpEvent, GiveUpReason, RetryAttemptRecord, RetryEvent } from './events.js';
import { type RetryOptions, resolveRetryOptions } from './options.js';
import { decide } from './plan.js';

/**
 * Retries the rest of the pipeline (normally: the breaker, the timeout and one target) when an
 * attempt fails with a retryable error.
 *
 * - **Backoff**: `maxAttempts` 3, exponential from `initialDelayMs` 500 ×2 up to `maxDelayMs`
 *   8000, full jitter — what the official OpenAI and Anthropic SDKs do.
 * - **Retry-After**: read from each attempt's own error (`retryAfterMs`), honoured exactly (no
 *   jitter) up to `maxRetryAfterMs`; a longer hint gives up at once so failover moves on.
 * - **Deadline**: never sleeps past `ctx.deadline`; gives up with the last error when another
 *   attempt cannot fit.
 * - **Budget**: a {@link RetryBudget} caps retries to a share of recent requests per target.
 * - **Streams**: a failure before the first content chunk is retried; a stream that has
 *   delivered content is never restarted here.
 * - **Never retried**: the caller's abort, the call's overall timeout, non-retryable errors
 *   (400/401/403/404/422, content filter, context length, quota, open circuit).
 *
 * Each retry annotates the next attempt record with `delayMs` and `delaySource`, calls `onRetry`
 * and publishes on `lifeline:retry`.
 *
 * @param options - see {@link RetryOptions}
 * @returns the middleware
 * @throws {@link ConfigurationError} when an option is invalid (naming the field and value)
 * @example
 * ```ts
 * import { createClient, timeout } from '@lifeline/core';
 * import { retry } from '@lifeline/retry';
 *
 * const client = createClient({
 *   adapter: openai({ baseURL: 'https://api.openai.com/v1', apiKey }),
 *   use: [retry({ maxAttempts: 4, maxRetryAfterMs: 20_000 }), timeout({ ms: 30_000 })],
 * });
 * const { meta } = await client.chat(request);
 * meta.attemptLog.map((a) => [a.status, a.delayMs]); // e.g. [[429, undefined], [200, 2000]]
 * ```
 */
export function retry(options: RetryOptions = {}): Middleware {
  const o = resolveRetryOptions(options);

  return async function retry(ctx, next) {
    const clock = o.clock ?? ctx.clock;
    const budget = o.budget;
    const key = o.budgetKey(ctx);
    let pending: Delay | undefined;

    for (let attempt = 1; ; attempt++) {
      const from = ctx.meta.attemptLog.length;
      try {
        const run = next();
        // The terminal logs the attempt synchronously when nothing in between awaits: annotate
        // it now so `lifeline:attempt` observers see the delay; otherwise once it settled.
        pending = annotate(ctx, from, pending);
        await run;
        if (ctx.streaming && ctx.stream) ctx.stream = await primeStream(ctx.stream);
        if (attempt === 1) budget?.recordRequest(key, startOf(ctx, from, budget, clock));
        annotate(ctx, from, pending);
        return;
      } catch (error) {
        if (attempt === 1) budget?.recordRequest(key, startOf(ctx, from, budget, clock));
        annotate(ctx, from, pending);
        if (ctx.aborted || !o.retryOn(error, ctx, attempt)) throw error;
        const remaining = ctx.deadline === undefined ? undefined : ctx.deadline - clock.now();
        const decision = decide(o, error, attempt, remaining);
        if (!decision.retry) throw giveUp(ctx, key, attempt, decision.reason, error);
        if (budget && !budget.tryAcquire(key)) throw giveUp(ctx, key, attempt, 'budget', error);
        const { delayMs, source } = decision;
        const event: RetryEvent = { ctx, key, attempt, delayMs, source, error };
        o.onRetry?.(event);
        publish('lifeline:retry', () => event);
        if (delayMs > 0) await sleep(delayMs, ctx.signal, clock);
        else throwIfAborted(ctx.signal);
        pending = { delayMs, source };
      }
    }
  };

  function giveUp(ctx: Context, key: string, attempt: number, reason: GiveUpReason, error: unknown): unknown {
    if (o.onGiveUp) {
      const event: GiveUpEvent = { ctx, key, attempt, reason, error };
      o.onGiveUp(event);
    }
    return error;
  }
}

/**
 * When the attempt logged at `from` started, if the budget runs on the same clock: the budget
 * then records the request without reading the clock again (the hot path's largest cost).
 */
function startOf(ctx: Context, from: number, budget: RetryBudget, clock: Clock): number | undefined {
  return budget.clock === clock ? ctx.meta.attemptLog[from]?.startedAt : undefined;
}

interface Delay {
  delayMs: number;
  source: DelaySource;
}

/**
 * Writes `delay` onto the first attempt record logged since index `from`.
 * @returns `undefined` once written, else `delay` (still to write)
 */
function annotate(ctx: Context, from: number, delay: Delay | undefined): Delay | undefined {
  if (!delay) return undefined;
  const record = ctx.meta.attemptLog[from] as RetryAttemptRecord | undefined;
  if (!record) return delay;
  record.delayMs = delay.delayMs;
  record.delaySource = delay.source;
  return undefined;
}
