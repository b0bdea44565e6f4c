/**
 * Reads a Gemini stream body into `ChatChunk`s: the shared reader's transport behaviour (the
 * `ChunkIterator` over an `SseReader`: abort-aware, a broken connection becomes a retryable
 * `StreamInterruptedError`, the socket released when the consumer stops early), with the body
 * split by {@link GeminiFrameSplitter} — a generic SSE parser drops Google's unframed errors.
 * @module
 */
import type { ChatChunk } from '@lifeline/core';
import { ChunkIterator } from '../http/chunks.js';
import type { ResponseBody } from '../http/send.js';
import type { Framer, SseReaderOptions } from '../http/sse.js';
import { FrameTooLargeError, GeminiFrameSplitter } from './frames.js';
import type { GeminiStreamTranslator } from './stream.js';

/** Each event's payload text, pushed to `queue`; an event past the bound is an overflow. */
class GeminiFramer implements Framer {
  readonly #queue: string[];
  readonly #frames: GeminiFrameSplitter;

  constructor(queue: string[], maxEventSize: number) {
    this.#queue = queue;
    this.#frames = new GeminiFrameSplitter(maxEventSize);
  }

  feed(text: string): boolean {
    let payloads: string[];
    try {
      payloads = this.#frames.feed(text);
    } catch (err) {
      if (err instanceof FrameTooLargeError) return false;
      throw err;
    }
    for (const payload of payloads) this.#queue.push(payload);
    return true;
  }

  end(text: string): boolean {
    if (!this.feed(text)) return false;
    for (const payload of this.#frames.flush()) this.#queue.push(payload);
    return true;
  }
}

const geminiFraming = (queue: string[], maxEventSize: number): Framer => new GeminiFramer(queue, maxEventSize);

/**
 * The chunks of a Gemini stream body, through `translator`: each event's payload is pushed to it;
 * at the body's end, its `end()` gives the usage chunk (or raises when no `finishReason` came).
 *
 * @param body - the unread response body
 * @param options - error context, signal, `maxEventSize`
 * @param translator - the stream's translator
 * @example
 * ```ts
 * for await (const chunk of readGeminiChunks(res.body, { provider, label, signal }, translator)) emit(chunk);
 * ```
 */
export function readGeminiChunks(body: ResponseBody, options: Omit<SseReaderOptions, 'contentDelivered'>, translator: GeminiStreamTranslator): AsyncIterableIterator<ChatChunk> {
  return new GeminiChunks(body, options, translator);
}

class GeminiChunks extends ChunkIterator<string> {
  readonly #translator: GeminiStreamTranslator;

  constructor(body: ResponseBody, options: Omit<SseReaderOptions, 'contentDelivered'>, translator: GeminiStreamTranslator) {
    super(body, options, geminiFraming);
    this.#translator = translator;
  }

  protected override delivered(): boolean {
    return this.#translator.contentDelivered;
  }

  protected override convert(payload: string): readonly ChatChunk[] {
    return this.#translator.push(payload);
  }

  protected override atEnd(): readonly ChatChunk[] {
    return this.#translator.end();
  }
}
