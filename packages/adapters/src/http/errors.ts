/**
 * Turns a provider's error (an HTTP error status, an HTTP 200 that carries an error, or an error
 * event inside a stream) into core's error classes, with `retryable`, `retryAfterMs`,
 * `requestId` and `providerCode` set, and no secret in the message.
 * @module
 */
import { STATUS_CODES } from 'node:http';
import {
  AuthenticationError,
  BadRequestError,
  ContentFilterError,
  ContextLengthError,
  RateLimitError,
  ServerError,
  redactSecrets,
  type LifelineError,
  type LifelineErrorOptions,
} from '@lifeline/core';
import { parseErrorText, type ProviderErrorInfo } from './provider-error.js';
import { parseRetryAfter } from './retry-after.js';
import { headerValue, requestIdFrom, type ResponseHeaders } from './send.js';

const MAX_MESSAGE = 1_000;
const CONTEXT_CODES = new Set(['context_length_exceeded', 'context_window_exceeded', 'model_context_window_exceeded']);
const CONTEXT_TEXT = /context[ _]length|context window|maximum context|prompt is too long|input is too long|exceeds the maximum number of tokens|reduce the length of the messages/i;
const FILTER_CODES = new Set(['content_policy_violation', 'content_filter', 'content_filtered', 'responsibleaipolicyviolation']);
/** Policy refusals whose code is generic (`invalid_prompt`), recognised by their message. */
const FILTER_TEXT = /usage polic|content (management )?polic|safety system|flagged as (potentially )?(violating|inappropriate)/i;
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active']);
/** Error types/codes that stand for a status when the status itself says nothing (200, in-band). */
const TYPE_STATUS: Record<string, number> = {
  invalid_request_error: 400, invalid_argument: 400, failed_precondition: 400, context_length_exceeded: 400,
  authentication_error: 401, invalid_api_key: 401, unauthenticated: 401,
  billing_error: 402, permission_error: 403, permission_denied: 403,
  not_found_error: 404, not_found: 404, model_not_found: 404, request_too_large: 413,
  rate_limit_error: 429, rate_limit_exceeded: 429, resource_exhausted: 429, insufficient_quota: 429,
  server_error: 500, api_error: 500, internal_error: 500, internal: 500,
  service_unavailable: 503, unavailable: 503, timeout_error: 504, deadline_exceeded: 504, overloaded_error: 529,
};

/** Where an error was found, for the message. */
export type ErrorSource = 'status' | 'body' | 'stream';

/** Inputs of {@link classifyError}. */
export interface ClassifyInput {
  /** Target name: the error's `provider`. */
  provider: string;
  /** Message prefix, e.g. `openai primary`. */
  label: string;
  /** The HTTP status (for in-band errors: the status the body stands for, if any). */
  status: number | undefined;
  /** What the body said. */
  info: ProviderErrorInfo;
  /** Response headers, for `retry-after*`, `x-should-retry` and the request id. */
  headers?: ResponseHeaders | undefined;
  /** The request id, when already known. */
  requestId?: string | undefined;
  /** Secrets to keep out of the message (pass the adapter's API key). */
  secrets?: readonly string[] | undefined;
  /** Where the error was found. @defaultValue 'status' */
  source?: ErrorSource;
  /** Current time (epoch ms) for HTTP-date and reset headers. @defaultValue Date.now() */
  now?: number;
}

const lower = (s: string | undefined) => (s ?? '').toLowerCase();

/** The status an error stands for: the HTTP status, else a numeric body code, else its type. */
function effectiveStatus(input: ClassifyInput): number | undefined {
  const { status, info } = input;
  const fromStatus = input.source === undefined || input.source === 'status';
  if (status !== undefined && (status >= 400 || fromStatus)) return status;
  if (info.status !== undefined) return info.status;
  return TYPE_STATUS[lower(info.code)] ?? TYPE_STATUS[lower(info.type)];
}

/** The retry hint: headers first (see `parseRetryAfter`), then Google `RetryInfo`, then "try again in 20s" in the message. */
function retryHint(input: ClassifyInput, status: number | undefined): number | undefined {
  const limited = status === 429 || status === 503 || status === 529;
  if (input.headers) {
    const fromHeaders = parseRetryAfter(input.headers, input.now ?? Date.now(), { resetHeaders: status === 429 });
    if (fromHeaders !== undefined) return fromHeaders;
  }
  if (input.info.retryDelayMs !== undefined) return input.info.retryDelayMs;
  if (!limited) return undefined;
  const m = /(?:try again|retry) in (\d+(?:\.\d+)?)\s*(ms|s|seconds?)\b/i.exec(input.info.message ?? '');
  if (!m) return undefined;
  return Math.ceil(Number(m[1]) * (m[2] === 'ms' ? 1 : 1000));
}

/**
 * Builds the {@link LifelineError} for a provider error.
 *
 * | condition | class | `retryable` |
 * |---|---|---|
 * | `context_length_exceeded` or a context-window message (on 400/413/422) | `ContextLengthError` | no |
 * | `content_policy_violation`, `content_filter`, a usage-policy message (on 400), OpenRouter moderation | `ContentFilterError` | no |
 * | 401, 403 | `AuthenticationError` | no |
 * | 402 (billing) | `RateLimitError` | no |
 * | 429 | `RateLimitError` | yes, except `insufficient_quota` and Google per-day quota |
 * | 408, 409 | `ServerError` | yes |
 * | 400, 404, 413, 422, other 4xx | `BadRequestError` | no |
 * | 5xx, 529, in-band errors of unknown type | `ServerError` | yes |
 *
 * `x-should-retry: true|false` overrides `retryable` either way.
 *
 * @param input - status, body info, headers, provider
 * @returns the error to throw
 * @example
 * ```ts
 * throw classifyError({ provider: 'primary', label: 'openai primary', status: 429, info, headers, secrets: [apiKey] });
 * ```
 */
export function classifyError(input: ClassifyInput): LifelineError {
  const { provider, label, info } = input;
  const status = effectiveStatus(input);
  const code = lower(info.code);
  const type = lower(info.type);
  const retryAfterMs = retryHint(input, status);
  const requestId = input.requestId ?? (input.headers ? requestIdFrom(input.headers) : undefined) ?? info.requestId;
  const providerCode = info.code ?? info.type;
  const fromStatus = input.source === undefined || input.source === 'status';
  const opts: LifelineErrorOptions = { provider, status: fromStatus || (input.status ?? 0) >= 400 ? input.status : info.status, retryAfterMs, requestId, providerCode };
  const shouldRetry = input.headers ? lower(headerValue(input.headers, 'x-should-retry')) : '';
  if (shouldRetry === 'true') opts.retryable = true;
  else if (shouldRetry === 'false') opts.retryable = false;
  const message = formatMessage(input, status, retryAfterMs);
  const badRequest = status === 400 || status === 413 || status === 422;
  const either = (c: string) => code === c || type === c;

  if (CONTEXT_CODES.has(code) || CONTEXT_CODES.has(type) || (badRequest && CONTEXT_TEXT.test(info.message ?? ''))) {
    return new ContextLengthError(message, { field: info.param, ...opts });
  }
  if (FILTER_CODES.has(code) || FILTER_CODES.has(type) || (status === 403 && info.moderation) || (badRequest && FILTER_TEXT.test(info.message ?? ''))) {
    return new ContentFilterError(message, opts);
  }
  if (status === 401 || status === 403) return new AuthenticationError(message, opts);
  if (status === 402) return new RateLimitError(message, { retryable: false, ...opts });
  if (status === 429) {
    const quota = [...QUOTA_CODES].some(either) || info.dailyQuota === true;
    return new RateLimitError(message, { retryable: !quota, ...opts });
  }
  if (status === 408 || status === 409) return new ServerError(message, { retryable: true, ...opts });
  if (status !== undefined && status >= 400 && status < 500) return new BadRequestError(message, { field: info.param, ...opts });
  // A redirect or informational status: undici follows no redirects, and retrying will not help.
  if (status !== undefined && status < 400 && fromStatus) return new ServerError(message, { retryable: false, ...opts });
  return new ServerError(message, opts);
}

function formatMessage(input: ClassifyInput, status: number | undefined, retryAfterMs: number | undefined): string {
  const { info, label } = input;
  const where = input.source === 'stream' ? 'error in stream' : input.source === 'body' ? `${input.status ?? 200} with an error body` : String(input.status ?? status ?? '');
  const code = info.code ?? info.type;
  const text = info.message ?? (input.status !== undefined ? STATUS_CODES[input.status] : undefined) ?? 'no details';
  let message = `${label}: ${where}${code ? ` ${code}` : ''} — ${text}`;
  if (info.param) message += ` (param: ${info.param})`;
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE - 1)}…`;
  if (retryAfterMs !== undefined) message += ` (retry after ${retryAfterMs} ms)`;
  return redactSecrets(message, input.secrets ?? []);
}

/** Inputs of {@link httpError}. */
export interface HttpErrorInput extends Omit<ClassifyInput, 'info' | 'status' | 'source'> {
  /** The HTTP status (≥ 400). */
  status: number;
  /** The raw body text (read with `readText`, bounded). */
  body: string;
}

/**
 * The error for a response whose status is an error: parses the body (any envelope, or plain
 * text/HTML) and classifies it with {@link classifyError}.
 *
 * @example
 * ```ts
 * if (res.status >= 400) {
 *   const body = await readText(res.body, { provider, label, signal, maxBytes: 65_536 });
 *   throw httpError({ provider, label, status: res.status, headers: res.headers, body, secrets: [apiKey] });
 * }
 * ```
 */
export function httpError(input: HttpErrorInput): LifelineError {
  return classifyError({ ...input, info: parseErrorText(input.body), source: 'status' });
}
