/**
 * Errors in Anthropic's shape, `{"type":"error","error":{"type","message"},"request_id"}`, with
 * the statuses the Anthropic SDKs map to their typed errors.
 * @module
 */
import type { WireError } from '../../error-dialect.js';
import type { ErrorResponse } from '../../errors.js';
import type { AnthropicErrorBody, ErrorType } from './types.js';

const TYPE_BY_STATUS: Record<number, ErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** Status and error type of the Anthropic answer for the gateway's answer `mapped`. */
function translate(mapped: ErrorResponse): { status: number; type: ErrorType } {
  const { status } = mapped;
  const code = mapped.body.error.code;
  // Upstreams failed or are behind open breakers: Anthropic's "overloaded, retry later" (529).
  if (status === 502 && code !== 'upstream_authentication') return { status: 529, type: 'overloaded_error' };
  if (status === 503 && code === 'circuit_open') return { status: 529, type: 'overloaded_error' };
  const type = TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { status, type };
}

/**
 * The Anthropic error body of an in-stream `event: error`, or of an HTTP error answer.
 *
 * @param mapped - the gateway's answer (see `toErrorResponse`)
 * @param requestId - the gateway's request id
 */
export function anthropicErrorBody(mapped: ErrorResponse, requestId: string | null): AnthropicErrorBody {
  return { type: 'error', error: { type: translate(mapped).type, message: mapped.body.error.message }, request_id: requestId };
}

/**
 * The `POST /v1/messages` error dialect. Statuses, as the Anthropic SDKs type them:
 *
 * | gateway situation | status | `error.type` |
 * |---|---|---|
 * | invalid body, upstream 400 | 400 | `invalid_request_error` |
 * | missing or wrong gateway key | 401 | `authentication_error` |
 * | model matches no route, upstream 404 | 404 | `not_found_error` |
 * | body over the limit | 413 | `request_too_large` |
 * | every target rate-limited, tenant rpm, budget spent | 429 (+ `retry-after`) | `rate_limit_error` |
 * | upstreams failed (5xx, connection), every breaker open | 529 (+ `retry-after` when known) | `overloaded_error` |
 * | the gateway's upstream credentials rejected | 502 | `api_error` |
 * | timeout | 504 | `timeout_error` |
 *
 * Headers (`retry-after`, `retry-after-ms`, `x-should-retry`) are kept; `request-id` is added.
 */
export function anthropicError(mapped: ErrorResponse, requestId: string): WireError {
  return {
    status: translate(mapped).status,
    body: anthropicErrorBody(mapped, requestId),
    headers: { ...mapped.headers, 'request-id': requestId },
  };
}
