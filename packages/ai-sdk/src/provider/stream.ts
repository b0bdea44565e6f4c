/**
 * A `LifelineStream` as the AI SDK's `ReadableStream` of stream parts. The first chunk is awaited
 * before the stream is handed over, so a call that fails before any content (every target down)
 * rejects `doStream` like an HTTP error would; a failure after content becomes an `error` part
 * and a `finish` part with reason `error`.
 * @module
 */
import type { LanguageModelV4StreamPart, SharedV4Warning } from '@ai-sdk/provider';
import { AbortError, LifelineError, type ChatChunk, type ChatRequest, type LifelineStream } from '@lifeline/core';
import { toAiSdkError } from './errors.js';
import { StreamTranslator } from './stream-translator.js';

type Part = LanguageModelV4StreamPart;

/**
 * Opens the AI SDK stream of a Lifeline stream.
 *
 * @param stream - what `client.stream()` returned
 * @param request - the request sent (for `APICallError.requestBodyValues`)
 * @param warnings - sent in the `stream-start` part
 * @param includeRaw - also emit every chunk as a `raw` part
 * @returns the stream of parts
 * @throws `APICallError` (not retryable) when the call fails before its first chunk; the caller's
 *   `AbortError` unchanged
 */
export async function openStream(stream: LifelineStream, request: ChatRequest, warnings: SharedV4Warning[], includeRaw: boolean): Promise<ReadableStream<Part>> {
  const iterator = stream[Symbol.asyncIterator]();
  let first: IteratorResult<ChatChunk>;
  try {
    first = await iterator.next();
  } catch (error) {
    throw toAiSdkError(error, request);
  }
  const translator = new StreamTranslator(includeRaw);
  let pending: IteratorResult<ChatChunk> | undefined = first;
  let closed = false;

  return new ReadableStream<Part>({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings });
    },
    async pull(controller) {
      // Loop until something was enqueued: a chunk may translate to no part (a role-only delta).
      for (;;) {
        let step: IteratorResult<ChatChunk>;
        try {
          step = pending ?? (await iterator.next());
          pending = undefined;
        } catch (error) {
          if (closed) return;
          closed = true;
          if (error instanceof AbortError) {
            controller.error(error);
            return;
          }
          for (const part of translator.fail(toAiSdkError(error, request), stream.meta, error instanceof LifelineError ? error.code : 'error')) controller.enqueue(part);
          controller.close();
          return;
        }
        if (closed) return;
        if (step.done) {
          closed = true;
          for (const part of translator.end(stream.meta, stream.meta.usage)) controller.enqueue(part);
          controller.close();
          return;
        }
        const parts = translator.push(step.value);
        for (const part of parts) controller.enqueue(part);
        if (parts.length > 0) return;
      }
    },
    async cancel(reason) {
      closed = true;
      stream.abort(reason instanceof LifelineError ? reason : new AbortError('The AI SDK consumer cancelled the stream', { cause: reason }));
      await iterator.return?.().catch(() => undefined);
    },
  });
}
