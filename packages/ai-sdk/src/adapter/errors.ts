/**
 * AI SDK errors → Lifeline's taxonomy, so retry, breaker and failover treat an AI SDK provider
 * like any native adapter: an `APICallError`'s status, response headers and body go through the
 * same classification as Lifeline's own adapters (`RateLimitError` with `retryAfterMs`,
 * `AuthenticationError`, `ContextLengthError`, `ContentFilterError`, `ServerError`, …).
 * @module
 */
import { APICallError } from '@ai-sdk/provider';
import { AbortError, BadRequestError, ConfigurationError, LifelineError, ServerError, StreamInterruptedError, abortReason } from '@lifeline/core';
import { classifyError, extractProviderError, httpError, transportError } from '@lifeline/adapters';

/** Who failed, for the error's `provider` and message. */
export interface ErrorContext {
  /** Target name. */
  provider: string;
  /** Message prefix. */
  label: string;
  /** The attempt's signal: when aborted, its reason wins. */
  signal?: AbortSignal | undefined;
  /** Secrets to keep out of messages. */
  secrets?: readonly string[] | undefined;
}

const BAD_REQUEST = new Set(['AI_InvalidPromptError', 'AI_InvalidArgumentError', 'AI_UnsupportedFunctionalityError', 'AI_TooManyEmbeddingValuesForCallError']);
const BAD_RESPONSE = new Set(['AI_InvalidResponseDataError', 'AI_JSONParseError', 'AI_TypeValidationError', 'AI_EmptyResponseBodyError', 'AI_NoContentGeneratedError']);
const SETUP = new Set(['AI_LoadAPIKeyError', 'AI_LoadSettingError', 'AI_NoSuchModelError']);

function withCause<T extends LifelineError>(error: T, cause: unknown): T {
  if (error.cause === undefined) Object.defineProperty(error, 'cause', { value: cause, configurable: true, writable: true });
  return error;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message || error.name : String(error));

/**
 * The Lifeline error for what an AI SDK model's `doGenerate`/`doStream` threw.
 *
 * | thrown | Lifeline error |
 * |---|---|
 * | anything, once the attempt's signal aborted | the abort reason (`TimeoutError` from `timeout()`, else `AbortError`) |
 * | `APICallError` with an error status | classified from status, headers (`retry-after-ms`, `retry-after`, `x-should-retry`, vendor reset headers) and body |
 * | `APICallError` without one ("Cannot connect to API", or a 200 whose body broke) | its cause, mapped as a socket error: `ConnectionError` (retryable) |
 * | an `AbortError` | `AbortError` |
 * | invalid prompt / argument, unsupported functionality | `BadRequestError` |
 * | invalid or unparsable response data, empty body | `ServerError` (retryable) |
 * | missing API key or setting, unknown model | `ConfigurationError` |
 * | anything else (a socket error) | `ConnectionError` (retryable) |
 *
 * @param error - what the AI SDK threw
 * @param ctx - provider, label, signal
 * @returns the error to throw
 */
export function fromAiSdkError(error: unknown, ctx: ErrorContext): LifelineError {
  const { provider, label, signal, secrets } = ctx;
  if (signal?.aborted) return abortReason(signal, provider);
  if (error instanceof LifelineError) return error;
  if (APICallError.isInstance(error)) {
    if (error.statusCode !== undefined && error.statusCode >= 400) {
      const body = error.responseBody ?? JSON.stringify({ error: { message: error.message } });
      return withCause(httpError({ provider, label, status: error.statusCode, headers: error.responseHeaders ?? {}, body, secrets }), error);
    }
    return transportError(error.cause ?? error, { provider, label, signal, secrets });
  }
  const name = error instanceof Error ? error.name : '';
  if (name === 'AbortError' || name === 'ResponseAborted') return new AbortError(`${label}: the request was aborted`, { provider, cause: error });
  if (BAD_REQUEST.has(name)) return new BadRequestError(`${label}: ${messageOf(error)}`, { provider, cause: error });
  if (BAD_RESPONSE.has(name)) return new ServerError(`${label}: invalid response — ${messageOf(error)}`, { provider, retryable: true, cause: error });
  if (SETUP.has(name)) return new ConfigurationError(`${label}: ${messageOf(error)}`, { provider, cause: error });
  return transportError(error, { provider, label, signal, secrets });
}

/**
 * The Lifeline error for an `error` part inside an AI SDK stream: the provider's in-band error
 * object (`{ type: 'overloaded_error', message }`, `{ message, code }`) classified like a body, or
 * whatever the part carried, mapped by {@link fromAiSdkError}.
 */
export function fromStreamErrorPart(value: unknown, ctx: ErrorContext, contentDelivered: boolean): LifelineError {
  if (value instanceof Error || APICallError.isInstance(value)) return streamBroken(value, ctx, contentDelivered);
  const info = extractProviderError({ error: value }) ?? { message: typeof value === 'string' ? value : JSON.stringify(value) };
  return classifyError({ provider: ctx.provider, label: ctx.label, status: undefined, info, source: 'stream', secrets: ctx.secrets });
}

/**
 * The error for a stream that broke while being read: the abort reason, a timeout, or a
 * `StreamInterruptedError` (retryable) whose `cause` is the mapped socket error.
 */
export function streamBroken(error: unknown, ctx: ErrorContext, contentDelivered: boolean): LifelineError {
  const mapped = fromAiSdkError(error, ctx);
  if (ctx.signal?.aborted || mapped.code === 'abort' || mapped.code === 'timeout' || mapped.code === 'stream_interrupted') return mapped;
  if (mapped.code !== 'connection') return mapped;
  return new StreamInterruptedError(`${ctx.label}: stream cut — ${mapped.message.replace(`${ctx.label}: `, '')}`, {
    provider: ctx.provider,
    retryable: true,
    contentDelivered,
    cause: mapped,
  });
}
