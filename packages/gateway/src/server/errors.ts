/**
 * Errors as HTTP responses in OpenAI's shape: `{"error":{"message","type","param","code"}}`.
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
  FailoverError,
  LifelineError,
  RateLimitError,
  RateLimitExceededError,
  TimeoutError,
  redactSecrets,
} from '@lifeline/core';
import { BudgetUnavailableError, RedisUnavailableError } from '@lifeline/redis';
import { scrubSecrets } from './scrub.js';

/** OpenAI's error body. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An error the gateway answers with on purpose: status, body fields and extra headers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A resolved error response. */
export interface ErrorResponse {
  status: number;
  body: OpenAIErrorBody;
  headers: Record<string, string>;
  /** True for errors that are the gateway's fault (logged at error level). */
  internal: boolean;
}

function response(status: number, message: string, type: string, param: string | null, code: string | null, headers: Record<string, string> = {}, internal = false): ErrorResponse {
  return { status, body: { error: { message, type, param, code } }, headers, internal };
}

/** Retry hint when a state store cannot reach Redis and its error carries none (its reconnect pace). */
const STORE_RETRY_MS = 1000;

function retryAfter(ms: number | undefined): Record<string, string> {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return {};
  return { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))), 'retry-after-ms': String(Math.round(ms)) };
}

function flatten(err: unknown): unknown[] {
  return err instanceof FailoverError ? err.errors.flatMap(flatten) : [err];
}

function minRetryAfter(errors: unknown[]): number | undefined {
  const values = errors.map((e) => (e instanceof LifelineError ? e.retryAfterMs : undefined)).filter((v): v is number => v !== undefined);
  return values.length > 0 ? Math.min(...values) : undefined;
}

const isRateLimited = (e: unknown) => e instanceof RateLimitError || e instanceof RateLimitExceededError;

/** True when every attempt behind `err` was rate-limited (upstream 429 or the local limiter). */
export function allRateLimited(err: unknown): boolean {
  const errors = flatten(err);
  return errors.length > 0 && errors.every(isRateLimited);
}

/**
 * Maps any error to the status, body and headers the gateway answers with.
 *
 * | error | status |
 * |---|---|
 * | `BadRequestError` (schema, upstream 400/404/413/422), `ContentFilterError` | its status or 400 |
 * | every target rate-limited, local queue full | 429 + `Retry-After` |
 * | `BudgetUnavailableError` (the budget store cannot reach Redis) | 503 `budget_store_unavailable` + `Retry-After` |
 * | `RedisUnavailableError` (a store set to fail closed cannot reach Redis) | 503 `store_unavailable` + `Retry-After` |
 * | `BudgetExceededError` | 429 `insufficient_quota`, `x-should-retry: false` |
 * | every target's breaker open | 503 + `Retry-After` |
 * | `TimeoutError` | 504 |
 * | upstream 5xx, connection, upstream auth, other failover | 502 |
 * | anything else | 500, with no internals in the message |
 *
 * Every string of the body (message, type, param, code) is scrubbed of `secrets` and of anything
 * shaped like a key, whatever the upstream echoed into it.
 *
 * @param err - what was thrown
 * @param secrets - exact strings to scrub from every field of the body
 * @example
 * ```ts
 * const { status, headers, body } = toErrorResponse(err, [upstreamKey]);
 * reply.code(status).headers(headers).send(body);
 * ```
 */
export function toErrorResponse(err: unknown, secrets: readonly string[] = []): ErrorResponse {
  const mapped = mapError(err, secrets);
  return { ...mapped, body: scrubSecrets(mapped.body, secrets) };
}

function mapError(err: unknown, secrets: readonly string[]): ErrorResponse {
  const clean = (m: string) => redactSecrets(m, secrets);
  if (err instanceof HttpError) return response(err.status, clean(err.message), err.type, err.param, err.code, err.headers);
  if (!(err instanceof LifelineError)) return response(500, 'Internal error in the Lifeline gateway; see its logs', 'server_error', null, 'internal_error', {}, true);
  const message = clean(err.message);
  const errors = flatten(err);
  if (errors.length > 0 && errors.every(isRateLimited)) {
    return response(429, message, 'rate_limit_error', null, 'rate_limit_exceeded', retryAfter(minRetryAfter(errors)));
  }
  const cause = err instanceof FailoverError ? ((err.cause as unknown) ?? errors.at(-1)) : err;
  if (err instanceof FailoverError && errors.every((e) => e instanceof CircuitOpenError || isRateLimited(e))) {
    return response(503, message, 'service_unavailable', null, 'circuit_open', retryAfter(minRetryAfter(errors)));
  }
  if (cause instanceof ContextLengthError) return response(400, message, 'invalid_request_error', cause.field ?? 'messages', 'context_length_exceeded');
  if (cause instanceof BadRequestError) {
    const status = cause.status !== undefined && [400, 404, 413, 422].includes(cause.status) ? cause.status : 400;
    return response(status, message, 'invalid_request_error', cause.field ?? null, status === 404 ? 'not_found' : null);
  }
  if (cause instanceof ContentFilterError) return response(400, message, 'invalid_request_error', null, 'content_filter');
  if (cause instanceof BudgetUnavailableError) return response(503, message, 'service_unavailable', null, 'budget_store_unavailable', retryAfter(cause.retryAfterMs ?? STORE_RETRY_MS));
  if (cause instanceof RedisUnavailableError) return response(503, message, 'service_unavailable', null, 'store_unavailable', retryAfter(cause.retryAfterMs ?? STORE_RETRY_MS));
  if (cause instanceof BudgetExceededError) return response(429, message, 'insufficient_quota', null, 'budget_exceeded', { 'x-should-retry': 'false' });
  if (cause instanceof CircuitOpenError) return response(503, message, 'service_unavailable', null, 'circuit_open', retryAfter(cause.retryAfterMs));
  if (cause instanceof TimeoutError) return response(504, message, 'timeout_error', null, 'timeout');
  if (cause instanceof AbortError) return response(499, message, 'request_aborted', null, 'aborted');
  if (cause instanceof AuthenticationError) return response(502, `${message} (the gateway's upstream credentials were rejected; check its provider keys)`, 'upstream_error', null, 'upstream_authentication');
  if (cause instanceof ConfigurationError) return response(500, message, 'server_error', null, 'configuration', {}, true);
  const code = cause instanceof LifelineError ? cause.code : err.code;
  return response(502, message, 'upstream_error', null, code);
}
