/**
 * Google's error envelope (`{"error":{"code","message","status","details"}}`) → core errors, via
 * the shared {@link classifyError}: `RESOURCE_EXHAUSTED` → `RateLimitError` with `retryAfterMs`
 * from `RetryInfo.retryDelay` (not retryable when a `QuotaFailure` is per day),
 * `UNAVAILABLE`/`INTERNAL`/`DEADLINE_EXCEEDED` → `ServerError`, `PERMISSION_DENIED` →
 * `AuthenticationError`. Gemini-specific: an invalid API key comes back as a 400
 * `INVALID_ARGUMENT`, which is an {@link AuthenticationError} here, not a bad request.
 * @module
 */
import { AuthenticationError, BadRequestError, type LifelineError } from '@lifeline/core';
import { classifyError, type ErrorSource } from '../http/errors.js';
import { extractProviderError, parseErrorText } from '../http/provider-error.js';
import type { ResponseHeaders } from '../http/send.js';

/** Inputs of {@link geminiError}. */
export interface GeminiErrorInput {
  provider: string;
  /** Message prefix. */
  label: string;
  /** HTTP status; `undefined` for an error inside a stream. */
  status: number | undefined;
  /** The raw body text, or an already parsed body / stream event. */
  body: unknown;
  headers?: ResponseHeaders | undefined;
  requestId?: string | undefined;
  /** Exact strings to scrub from the message (the API key). */
  secrets?: readonly string[] | undefined;
  source?: ErrorSource;
}

const KEY_INVALID = /API_KEY_INVALID|API key not valid|API key expired|API_KEY_EXPIRED/i;

/**
 * Builds the core error for a Gemini failure.
 *
 * @example
 * ```ts
 * geminiError({ provider: 'gemini', label: 'gemini', status: 429, body: text, secrets: [apiKey] })
 * // RateLimitError, retryAfterMs from RetryInfo.retryDelay
 * ```
 */
export function geminiError(input: GeminiErrorInput): LifelineError {
  const raw = input.body;
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw ?? null);
  const info = (typeof raw === 'string' ? parseErrorText(raw) : extractProviderError(raw)) ?? {};
  const err = classifyError({
    provider: input.provider,
    label: input.label,
    status: input.status,
    info,
    headers: input.headers,
    requestId: input.requestId,
    secrets: input.secrets,
    source: input.source ?? 'status',
  });
  if (err instanceof BadRequestError && KEY_INVALID.test(text)) {
    return new AuthenticationError(err.message, {
      provider: err.provider,
      status: err.status,
      requestId: err.requestId,
      providerCode: err.providerCode,
      retryable: false,
    });
  }
  return err;
}
