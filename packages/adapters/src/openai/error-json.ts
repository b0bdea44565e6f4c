/**
 * The reverse of error normalisation: a Lifeline error rendered as the HTTP error an OpenAI
 * endpoint would send (status, `{"error":{message,type,param,code}}`, `retry-after`), so the
 * official SDK raises the matching `APIError` subclass.
 * @module
 */
import { BadRequestError, LifelineError, redactSecrets, type LifelineErrorCode } from '@lifeline/core';

/** An OpenAI-shaped error response. */
export interface OpenAIErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: { message: string; type: string; param: string | null; code: string | null } };
}

/** Options of {@link toOpenAIError}. */
export interface ToOpenAIErrorOptions {
  /**
   * Value of `x-should-retry`: `false` tells the SDK not to retry what Lifeline already retried;
   * `'retryable'` sends the error's own `retryable`.
   * @defaultValue false
   */
  shouldRetry?: false | 'retryable';
}

const STATUS: Partial<Record<LifelineErrorCode, number>> = {
  rate_limit: 429,
  authentication: 401,
  bad_request: 400,
  context_length: 400,
  content_filter: 400,
  server: 502,
  timeout: 504,
  connection: 502,
  stream_interrupted: 502,
  circuit_open: 503,
  rate_limit_exceeded: 429,
  budget_exceeded: 402,
  configuration: 500,
  abort: 499,
};

const TYPE: Partial<Record<LifelineErrorCode, string>> = {
  rate_limit: 'rate_limit_error',
  authentication: 'authentication_error',
  bad_request: 'invalid_request_error',
  context_length: 'invalid_request_error',
  content_filter: 'invalid_request_error',
  server: 'server_error',
  connection: 'server_error',
  stream_interrupted: 'server_error',
  timeout: 'timeout_error',
  circuit_open: 'service_unavailable',
  rate_limit_exceeded: 'rate_limit_error',
  budget_exceeded: 'insufficient_quota',
  configuration: 'server_error',
  abort: 'request_aborted',
};

/**
 * The HTTP status that stands for `err`: its own upstream status when it has one, else one per
 * class (see {@link toOpenAIError}).
 * @example
 * ```ts
 * statusForError(new TimeoutError('slow')) // 504
 * ```
 */
export function statusForError(err: unknown): number {
  if (!(err instanceof LifelineError)) return 500;
  if (err.status !== undefined && err.status >= 400 && err.status <= 599) return err.status;
  if (err.code === 'failover' && err.cause !== undefined && err.cause !== err) return statusForError(err.cause);
  return STATUS[err.code] ?? 500;
}

/**
 * Renders `err` as an OpenAI error response.
 *
 * | error | status |
 * |---|---|
 * | with an upstream `status` | that status |
 * | `RateLimitError`, `RateLimitExceededError` | 429 |
 * | `AuthenticationError` | 401 |
 * | `BadRequestError`, `ContextLengthError`, `ContentFilterError` | 400 |
 * | `ServerError`, `ConnectionError`, `StreamInterruptedError` | 502 |
 * | `TimeoutError` | 504 |
 * | `CircuitOpenError` | 503 |
 * | `BudgetExceededError` | 402 |
 * | `FailoverError` | the status of its `cause` |
 * | anything else | 500 |
 *
 * `retryAfterMs` becomes `retry-after` (whole seconds, rounded up) and `retry-after-ms`;
 * `requestId` becomes `x-request-id`.
 *
 * @example
 * ```ts
 * const { status, headers, body } = toOpenAIError(err);
 * return new Response(JSON.stringify(body), { status, headers });
 * ```
 */
export function toOpenAIError(err: unknown, options: ToOpenAIErrorOptions = {}): OpenAIErrorResponse {
  const status = statusForError(err);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!(err instanceof LifelineError)) {
    const detail = err instanceof Error ? err.message : String(err);
    headers['x-should-retry'] = 'false';
    return { status, headers, body: { error: { message: redactSecrets(`Lifeline: internal error — ${detail}`), type: 'server_error', param: null, code: null } } };
  }
  const code = err.code === 'failover' && err.cause instanceof LifelineError ? err.cause.code : err.code;
  if (err.requestId) headers['x-request-id'] = err.requestId;
  if (err.retryAfterMs !== undefined) {
    headers['retry-after'] = String(Math.ceil(err.retryAfterMs / 1000));
    headers['retry-after-ms'] = String(err.retryAfterMs);
  }
  headers['x-should-retry'] = options.shouldRetry === 'retryable' ? String(err.retryable) : 'false';
  headers['x-lifeline-error'] = err.code;
  const param = err instanceof BadRequestError && err.field ? err.field : null;
  return {
    status,
    headers,
    body: { error: { message: err.message, type: TYPE[code] ?? 'server_error', param, code: err.providerCode ?? err.code } },
  };
}
