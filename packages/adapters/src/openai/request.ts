/**
 * The request body the OpenAI-compatible adapter sends: `stream` and `stream_options` set for
 * the kind of call, serialised once per request object so that retries resend the same bytes.
 * @module
 */
import type { ChatRequest } from '@lifeline/core';
import { jsonBody } from '../http/index.js';

interface Cached {
  /** What the bytes were built from: a request mutated in place since is serialised again. */
  model: string;
  messages: ChatRequest['messages'];
  length: number;
  chat?: Uint8Array;
  stream?: Uint8Array;
  /** Whether `stream` was built with include_usage. */
  usage?: boolean;
}

const cache = new WeakMap<ChatRequest, Cached>();

/**
 * The wire body of `request`.
 *
 * - non-streamed: `stream` and `stream_options` removed (OpenAI rejects `stream_options` there);
 * - streamed: `stream: true`, and with `includeUsage` `stream_options.include_usage: true`
 *   (other `stream_options` fields kept).
 *
 * Every other field passes through untouched (vendor extras such as `reasoning_effort`).
 * The bytes are cached per request object: a retry of the same request costs no serialisation.
 *
 * @param request - the request
 * @param streaming - whether this is a stream call
 * @param includeUsage - whether to ask for the usage chunk
 * @example
 * ```ts
 * const body = buildBody({ model: 'gpt-4.1', messages }, true, true);
 * // {"model":"gpt-4.1","messages":[…],"stream":true,"stream_options":{"include_usage":true}}
 * ```
 */
export function buildBody(request: ChatRequest, streaming: boolean, includeUsage: boolean): Uint8Array {
  let entry = cache.get(request);
  if (!entry || entry.model !== request.model || entry.messages !== request.messages || entry.length !== request.messages.length) {
    entry = { model: request.model, messages: request.messages, length: request.messages.length };
    cache.set(request, entry);
  }
  if (!streaming) return (entry.chat ??= jsonBody(wireRequest(request, false, includeUsage)));
  if (entry.stream === undefined || entry.usage !== includeUsage) {
    entry.stream = jsonBody(wireRequest(request, true, includeUsage));
    entry.usage = includeUsage;
  }
  return entry.stream;
}

/** The request object as sent (before serialisation). */
export function wireRequest(request: ChatRequest, streaming: boolean, includeUsage: boolean): Record<string, unknown> {
  // Nothing to strip (the common case): serialised as is, without a copy.
  if (!streaming && request.stream === undefined && request.stream_options === undefined) return request as unknown as Record<string, unknown>;
  const { stream: _stream, stream_options: streamOptions, ...rest } = request;
  if (!streaming) return rest;
  const out: Record<string, unknown> = { ...rest, stream: true };
  if (includeUsage) out.stream_options = { ...(streamOptions ?? {}), include_usage: true };
  else if (streamOptions) out.stream_options = streamOptions;
  return out;
}
