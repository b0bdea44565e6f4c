/**
 * The front door's errors: what it refuses (OpenAI's 400 shape, naming the field), and how a
 * failure after the stream started is told in the Responses API's own terms.
 * @module
 */
import { describe } from '../../../config/check.js';
import { HttpError, toErrorResponse } from '../../errors.js';

/**
 * A 400 `invalid_request_error` naming `param`.
 * @example
 * ```ts
 * throw invalid('tools[0].type', 'built-in tool "web_search" is not supported …');
 * ```
 */
export function invalid(param: string, message: string, code: string | null = null): HttpError {
  return new HttpError(400, `Invalid request: ${param} ${message}`, 'invalid_request_error', param, code);
}

/** `"x"`, `an object`, `42`: a received value for a message. */
export { describe };

/** The Responses API's error codes for a failed response, by the status the gateway would answer with. */
function responseErrorCode(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 400 || status === 404 || status === 413 || status === 422) return 'invalid_prompt';
  return 'server_error';
}

/** A failure after the stream started, in the Responses API's terms. */
export interface StreamFailure {
  /** A Responses error code (`server_error`, `rate_limit_exceeded`, `invalid_prompt`): the failed response's `error.code`. */
  code: string;
  message: string;
  /** The gateway's OpenAI error, as every other endpoint gives it (`type`, `code` such as `stream_interrupted`). */
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * A failure after the stream started: the gateway's OpenAI error (message scrubbed of secrets)
 * plus the Responses error code for the failed response.
 *
 * @param error - what ended the stream
 * @param secrets - exact strings to scrub
 */
export function streamFailure(error: unknown, secrets: readonly string[]): StreamFailure {
  const { status, body } = toErrorResponse(error, secrets);
  return { code: responseErrorCode(status), message: body.error.message, error: body.error };
}
