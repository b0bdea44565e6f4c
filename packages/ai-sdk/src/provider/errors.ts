/**
 * Lifeline errors → the AI SDK's `APICallError`, never retryable: Lifeline has already retried
 * and failed over, so the AI SDK's own `maxRetries` must not multiply the requests.
 * @module
 */
import { APICallError } from '@ai-sdk/provider';
import { AbortError, LifelineError, errorMeta, type ChatRequest } from '@lifeline/core';
import { toProviderMetadata } from './metadata.js';

/**
 * The error an AI SDK caller sees for what `client.chat()` / `client.stream()` threw:
 *
 * - an {@link AbortError} (the caller's own signal) passes through unchanged: its `name` is
 *   `AbortError`, which the AI SDK recognises as an abort (`onAbort`, no retry);
 * - any other {@link LifelineError} becomes an `APICallError` with `isRetryable: false`, the
 *   upstream `statusCode`, the message, the Lifeline error as `cause`, and `data` holding the
 *   error's JSON form plus `lifeline` (the call's metadata: attempts, failovers, provider);
 * - anything else (a bug, an AI SDK error) passes through unchanged.
 *
 * @param error - what the client threw
 * @param request - the request that was sent, kept as `requestBodyValues`
 * @returns the error to throw or to put in an `error` stream part
 */
export function toAiSdkError(error: unknown, request: ChatRequest): unknown {
  if (!(error instanceof LifelineError) || error instanceof AbortError) return error;
  return new APICallError({
    message: error.message,
    url: `lifeline://${error.provider ?? 'pipeline'}`,
    requestBodyValues: request,
    statusCode: error.status,
    isRetryable: false,
    cause: error,
    data: { ...error.toJSON(), lifeline: toProviderMetadata(errorMeta(error)) },
  });
}
