/**
 * Reads an OpenAI-style SSE stream into {@link ChatChunk}s, and refuses to pass a broken one off
 * as complete: a cut, a malformed chunk or an in-band error raises instead of ending quietly.
 * @module
 */
import { ConnectionError, StreamInterruptedError, isContentChunk, type ChatChunk } from '@lifeline/core';
import { SseReader, classifyError, extractProviderError, type ResponseBody, type SseReaderOptions } from '../http/index.js';
import { ToolIndexer, normalizeChunk } from './normalize.js';

/** What {@link readChunks} needs besides the body. */
export interface ChunkStreamContext extends Omit<SseReaderOptions, 'contentDelivered'> {
  requestId?: string | undefined;
}

const snippet = (text: string) => (text.length > 120 ? `${text.slice(0, 119)}…` : text);

/**
 * Yields the chunks of an OpenAI-compatible stream.
 *
 * - `data: [DONE]` ends it; events after it are ignored and the rest of the body is drained so
 *   the socket is reused.
 * - A body that ends without `[DONE]` completes normally when every choice got a
 *   `finish_reason`; otherwise it raises `StreamInterruptedError` (a truncation).
 * - `data: {"error":…}`, `event: error`, or an error array raise the class the error maps to
 *   (`server_error` → retryable `ServerError`); OpenRouter's `finish_reason: "error"` raises
 *   `StreamInterruptedError`.
 * - An unparsable chunk raises `StreamInterruptedError` (`retryable: true`).
 * - An aborted signal raises its reason promptly and closes the socket.
 *
 * `contentDelivered` on the errors says whether content had been yielded before the break.
 *
 * @param body - the unread SSE body of a 2xx response
 * @param ctx - provider, label, signal, request id, secrets
 */
export async function* readChunks(body: ResponseBody, ctx: ChunkStreamContext): AsyncGenerator<ChatChunk, void, undefined> {
  const { provider, label, requestId, secrets } = ctx;
  let delivered = false;
  const sse = new SseReader(body, { ...ctx, contentDelivered: () => delivered });
  const tools = new ToolIndexer();
  const seen = new Set<number>();
  const finished = new Set<number>();
  const complete = () => finished.size > 0 && finished.size === seen.size;
  let done = false;
  const interrupted = (message: string, cause?: unknown) =>
    new StreamInterruptedError(`${label}: ${message}`, { provider, requestId, retryable: true, contentDelivered: delivered, cause });

  try {
    for await (const event of sse) {
      const data = event.data.trim();
      if (data === '') continue;
      if (data === '[DONE]') {
        done = true;
        sse.complete();
        break;
      }
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch (err) {
        throw interrupted(`malformed chunk in stream — ${snippet(data)}`, err);
      }
      const info = extractProviderError(json) ?? (event.event === 'error' ? { message: snippet(data) } : undefined);
      if (info) throw classifyError({ provider, label, status: undefined, info, source: 'stream', requestId, secrets });
      const chunk = typeof json === 'object' && json !== null && !Array.isArray(json) ? normalizeChunk(json as Record<string, unknown>, tools) : undefined;
      if (!chunk) throw interrupted(`unexpected event in stream — ${snippet(data)}`);
      for (const choice of chunk.choices) {
        if (choice.finish_reason === 'error') {
          const nativeReason = (choice as { native_finish_reason?: unknown }).native_finish_reason;
          const native = typeof nativeReason === 'string' ? ` (${nativeReason})` : '';
          throw interrupted(`the provider ended the stream with finish_reason "error"${native}`);
        }
        seen.add(choice.index);
        if (choice.finish_reason) finished.add(choice.index);
      }
      if (isContentChunk(chunk)) delivered = true;
      yield chunk;
    }
  } catch (err) {
    // The connection dropped after every choice had finished: the answer is complete (only the
    // usage chunk may be missing), so end normally rather than fail a whole answer.
    const cut = err instanceof StreamInterruptedError && err.cause instanceof ConnectionError;
    if (!(cut && complete())) throw err;
    return;
  }
  if (!done && !complete()) {
    throw interrupted('stream ended before [DONE] without a finish_reason (truncated)');
  }
}
