/**
 * `fallbackResponse()`: tier 3b, an explicit degraded answer when everything else failed.
 * @module
 */
import type { Context } from './context.js';
import {
  AbortError,
  BudgetExceededError,
  CircuitOpenError,
  FailoverError,
  RateLimitExceededError,
  TimeoutError,
  isRetryable,
} from './errors.js';
import { publish } from './events.js';
import type { Middleware } from './middleware.js';
import { primeStream } from './prime.js';
import type { ChatResponse } from './types.js';

/** Options of {@link fallbackResponse}. */
export interface FallbackResponseOptions {
  /**
   * The degraded answer, or a function building it from the context and the error.
   * @defaultValue "I'm sorry — I can't answer right now because the AI service is unavailable. Please try again in a few moments."
   */
  content?: string | ((ctx: Context, error: unknown) => string);
  /**
   * Which errors degrade. The default degrades outages (retryable errors, failover exhaustion,
   * open circuits, timeouts, a full local queue) and lets through the caller's own mistakes
   * (bad request, authentication, content filter), aborts and budget refusals.
   */
  when?: (error: unknown, ctx: Context) => boolean;
}

/** The default answer of {@link fallbackResponse}. */
export const DEFAULT_FALLBACK_CONTENT =
  "I'm sorry — I can't answer right now because the AI service is unavailable. Please try again in a few moments.";

/** The default `when` of {@link fallbackResponse}. */
export function isOutage(error: unknown): boolean {
  if (error instanceof AbortError || error instanceof BudgetExceededError) return false;
  return (
    isRetryable(error) ||
    error instanceof FailoverError ||
    error instanceof CircuitOpenError ||
    error instanceof TimeoutError ||
    error instanceof RateLimitExceededError
  );
}

/**
 * Last resort: when the rest of the pipeline fails with an outage, answer with an assistant
 * message flagged `meta.degraded = true` (never passed off as a model's answer). Place it
 * outermost. A stream that fails before its first content token degrades too; one that breaks
 * after content keeps its error (a truncated answer cannot be repaired here). Embedding calls
 * pass through untouched: a made-up vector would be worse than the error.
 *
 * @param options - content and the errors that degrade
 * @example
 * ```ts
 * createClient({ use: [fallbackResponse({ content: 'Our assistant is busy, please retry.' }), failover([a, b])] });
 * ```
 */
export function fallbackResponse(options: FallbackResponseOptions = {}): Middleware {
  const content = options.content ?? DEFAULT_FALLBACK_CONTENT;
  const when = options.when ?? isOutage;
  return async function fallbackResponse(ctx, next) {
    if (ctx.operation !== 'chat') return next();
    try {
      await next();
      if (ctx.stream) ctx.stream = await primeStream(ctx.stream);
    } catch (error) {
      if (error instanceof AbortError || !when(error, ctx)) throw error;
      const text = typeof content === 'function' ? content(ctx, error) : content;
      ctx.stream = undefined;
      ctx.response = degradedResponse(ctx.request.model, text, ctx.clock.now());
      ctx.meta.degraded = true;
      ctx.meta.provider = 'fallback';
      ctx.meta.model = ctx.request.model;
      ctx.meta.costUsd = 0;
      publish('lifeline:fallback', () => ({ ctx, error }));
    }
  };
}

function degradedResponse(model: string, text: string, now: number): ChatResponse {
  return {
    id: `degraded-${now.toString(36)}`,
    object: 'chat.completion',
    created: Math.floor(now / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    lifeline: { degraded: true },
  };
}
