/**
 * Reads Gemini stream payloads from a response body with {@link GeminiFrameSplitter}, with the
 * transport behaviour of the shared `SseReader`: abort-aware, a broken connection becomes a
 * retryable `StreamInterruptedError`, and the socket is released when the consumer stops early.
 * (The shared reader is built on a generic SSE parser, which drops Google's unframed errors.)
 * @module
 */
import { StreamInterruptedError, abortReason, type LifelineError } from '@lifeline/core';
import { release } from '../http/body.js';
import type { ResponseBody } from '../http/send.js';
import type { SseReaderOptions } from '../http/sse.js';
import { transportError } from '../http/transport-error.js';
import { FrameTooLargeError, GeminiFrameSplitter } from './frames.js';

function broken(err: unknown, options: SseReaderOptions): LifelineError {
  if (err instanceof FrameTooLargeError) {
    return new StreamInterruptedError(`${options.label}: ${err.message}`, {
      provider: options.provider, requestId: options.requestId, retryable: true, contentDelivered: options.contentDelivered?.() ?? false,
    });
  }
  const mapped = transportError(err, options);
  if (options.signal?.aborted || mapped.code === 'timeout' || mapped.code === 'abort') return mapped;
  return new StreamInterruptedError(`${options.label}: stream cut — ${mapped.message.replace(`${options.label}: `, '')}`, {
    provider: options.provider, requestId: options.requestId, retryable: true, contentDelivered: options.contentDelivered?.() ?? false, cause: mapped,
  });
}

/**
 * Yields each event's payload text until the body ends.
 *
 * @param body - the unread response body
 * @param options - error context, signal, `maxEventSize`
 * @throws {@link StreamInterruptedError} when the connection breaks or an event is too large;
 *   `TimeoutError` (`kind: 'idle'`) on a body timeout; the abort reason when the signal aborts
 * @example
 * ```ts
 * for await (const data of readGeminiEvents(res.body, { provider, label, signal })) handle(JSON.parse(data));
 * ```
 */
export async function* readGeminiEvents(body: ResponseBody, options: SseReaderOptions): AsyncGenerator<string, void, undefined> {
  const signal = options.signal;
  const frames = new GeminiFrameSplitter(options.maxEventSize);
  const decoder = new TextDecoder('utf-8');
  const iterator = body.iterator({ destroyOnReturn: false })[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let ended = false;
  const onAbort = () => release(body);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw abortReason(signal, options.provider);
      let step: IteratorResult<Buffer>;
      try {
        step = await iterator.next();
      } catch (err) {
        throw broken(err, options);
      }
      let payloads: string[];
      try {
        if (step.done) {
          ended = true;
          payloads = [...frames.feed(decoder.decode()), ...frames.flush()];
        } else {
          payloads = frames.feed(decoder.decode(step.value, { stream: true }));
        }
      } catch (err) {
        throw broken(err, options);
      }
      for (const payload of payloads) {
        yield payload;
        if (signal?.aborted) throw abortReason(signal, options.provider);
      }
      if (ended) return;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!ended) release(body);
  }
}
