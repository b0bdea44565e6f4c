/**
 * Reads a non-streamed OpenAI-compatible response: tolerant of blank lines before the JSON
 * (DeepSeek), strict about errors hidden in an HTTP 200 (OpenRouter, relays).
 * @module
 */
import { ServerError, setResponseJson, type ChatResponse } from '@lifeline/core';
import { classifyError, extractProviderError, readText, type ResponseBody, type TransportErrorContext } from '../http/index.js';
import { normalizeCompletion } from './normalize.js';

/** What {@link readCompletion} needs besides the body. */
export interface CompletionContext extends TransportErrorContext {
  status: number;
  maxBytes: number;
  /**
   * Attach the body's text to the completion (`setResponseJson`) when the completion is exactly
   * what parsing it gave (nothing normalised) and the text is compact (no line break).
   */
  responseJson?: boolean | undefined;
}

/**
 * Parses the body of a 2xx response to a chat completion.
 *
 * @throws the mapped error class when the body is an error envelope (OpenRouter's 200 with
 * `{"error":{"code":502,…}}`, a Gemini-compat error array)
 * @throws {@link ServerError} (retryable) when the body is not JSON or has no `choices`; not
 * retryable when it exceeds `maxBytes`
 */
export async function readCompletion(body: ResponseBody, ctx: CompletionContext): Promise<ChatResponse> {
  return parseCompletion(await readAnswerText(body, ctx), ctx);
}

/**
 * Reads the whole body of a 2xx answer, up to `maxBytes`.
 * @throws {@link ServerError} (not retryable) when it is larger
 */
export function readAnswerText(body: ResponseBody, ctx: CompletionContext): Promise<string> {
  const { provider, label, requestId, status } = ctx;
  return readText(body, {
    ...ctx,
    maxBytes: ctx.maxBytes,
    overflow: 'error',
    onTooLarge: (max) => new ServerError(`${label}: ${status} response larger than ${max} bytes (maxResponseBytes)`, { provider, status, requestId, retryable: false }),
  });
}

/**
 * The JSON of a 2xx answer (blank lines around it tolerated).
 * @throws {@link ServerError} (retryable) when it is empty or not JSON
 * @throws the mapped error class when it is an error envelope (OpenRouter's 200 with `{"error":…}`)
 */
export function parseAnswer(text: string, ctx: Omit<CompletionContext, 'maxBytes'>): unknown {
  const { provider, label, requestId, status } = ctx;
  let json: unknown;
  try {
    json = JSON.parse(text.trim());
  } catch (err) {
    const what = text.trim() === '' ? 'an empty body' : 'a body that is not valid JSON';
    throw new ServerError(`${label}: ${status} with ${what}`, { provider, status, requestId, retryable: true, cause: err });
  }
  const info = extractProviderError(json);
  if (info) throw classifyError({ provider, label, status, info, source: 'body', requestId, secrets: ctx.secrets });
  return json;
}

/** The synchronous half of {@link readCompletion}, for a body already read. */
export function parseCompletion(text: string, ctx: Omit<CompletionContext, 'maxBytes'>): ChatResponse {
  const { provider, label, requestId, status } = ctx;
  const trimmed = text.trim();
  const json = parseAnswer(trimmed, ctx);
  const response = typeof json === 'object' && json !== null && !Array.isArray(json) ? normalizeCompletion(json as Record<string, unknown>) : undefined;
  if (!response) {
    throw new ServerError(`${label}: ${status} with a body that is not a chat completion (no choices array)`, { provider, status, requestId, retryable: true });
  }
  if (endedWithError(response.choices)) {
    throw new ServerError(`${label}: the provider ended the completion with finish_reason "error"`, { provider, status, requestId, retryable: true });
  }
  if (ctx.responseJson && response === json && !trimmed.includes('\n')) setResponseJson(response, trimmed);
  return response;
}

function endedWithError(choices: ChatResponse['choices']): boolean {
  for (let i = 0; i < choices.length; i++) if (choices[i]!.finish_reason === 'error') return true;
  return false;
}
