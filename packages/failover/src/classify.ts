/**
 * Which errors move a call on to the next target.
 * @module
 */
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  BudgetExceededError,
  CircuitOpenError,
  ConfigurationError,
  ContentFilterError,
  ContextLengthError,
  LifelineError,
  RateLimitError,
  RateLimitExceededError,
  ServerError,
  StreamInterruptedError,
  TimeoutError,
  ConnectionError,
  type Context,
} from '@lifeline/core';

/**
 * The default `failoverOn`: fails over on what one provider's trouble explains, and not on what
 * the caller got wrong.
 *
 * Fails over on: server errors (5xx, 529), connection errors and timeouts (even
 * when the provider said `x-should-retry: false`), rate limits (429), open circuits, quota
 * exhaustion (`RateLimitError` with `retryable: false`), `AuthenticationError` (a bad key at one
 * provider must not take the app down), 404 (the model does not exist at that target), a
 * `ContextLengthError` (routed to a bigger model only), errors that are not Lifeline errors (an
 * adapter that failed in an unforeseen way), and a local `RateLimitExceededError` below failover.
 *
 * Does not fail over on: `AbortError` (the caller gave up), 400 / 413 / 422 and other
 * `BadRequestError`s (the request is wrong everywhere), `ContentFilterError` (the provider's reason
 * is propagated), `BudgetExceededError` and `ConfigurationError`.
 *
 * @param error - what the attempt threw
 * @param _ctx - the call's context (unused by the default; custom predicates may read it)
 * @returns `true` to try the next target
 * @example
 * ```ts
 * // also fail over when a provider refuses the content
 * failover([a, b], { failoverOn: (err, ctx) => err instanceof ContentFilterError || shouldFailover(err, ctx) });
 * ```
 */
export function shouldFailover(error: unknown, _ctx?: Context): boolean {
  if (!(error instanceof LifelineError)) return true;
  if (error instanceof AbortError || error instanceof ContentFilterError) return false;
  if (error instanceof BudgetExceededError || error instanceof ConfigurationError) return false;
  if (error instanceof ContextLengthError) return true;
  if (error instanceof BadRequestError) return error.status === 404;
  if (error instanceof AuthenticationError || error instanceof RateLimitError || error instanceof CircuitOpenError) return true;
  // A provider's `x-should-retry: false` says "do not resend here", not "nobody can answer".
  if (error instanceof ServerError || error instanceof TimeoutError || error instanceof ConnectionError) return true;
  return error.retryable || error instanceof RateLimitExceededError || error instanceof StreamInterruptedError;
}
