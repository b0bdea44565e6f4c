/**
 * Reads an OpenAI-style SSE stream into {@link ChatChunk}s, and refuses to pass a broken one off
 * as complete: a cut, a malformed chunk or an in-band error raises instead of ending quietly.
 * @module
 */
import { ConnectionError, StreamInterruptedError, isContentChunk, setChunkJson, type ChatChunk } from '@lifeline/core';
import { classifyError, extractProviderError, type EventSourceMessage, type ResponseBody, type SseReaderOptions } from '../http/index.js';
import { ChunkIterator } from '../http/chunks.js';
import { ToolIndexer, normalizeChunk } from './normalize.js';

/** What {@link readChunks} needs besides the body. */
export interface ChunkStreamContext extends Omit<SseReaderOptions, 'contentDelivered'> {
  requestId?: string | undefined;
  /**
   * Attach each chunk's JSON text as received to the chunk (`setChunkJson`) when the chunk is that
   * JSON unchanged, so that a consumer can pass those bytes on instead of serialising the chunk again.
   * @defaultValue false
   */
  chunkJson?: boolean | undefined;
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
 * - Stopped before its first `next()`, it releases the body.
 *
 * `contentDelivered` on the errors says whether content had been yielded before the break.
 *
 * @param body - the unread SSE body of a 2xx response
 * @param ctx - provider, label, signal, request id, secrets
 */
export function readChunks(body: ResponseBody, ctx: ChunkStreamContext): AsyncIterableIterator<ChatChunk> {
  return new ChunkReader(body, ctx);
}

/**
 * The iterator behind {@link readChunks} (see `ChunkIterator`): `[DONE]` finishes it; a cut after
 * every choice finished ends it normally.
 */
class ChunkReader extends ChunkIterator<EventSourceMessage> {
  readonly #ctx: ChunkStreamContext;
  readonly #tools = new ToolIndexer();
  /** The first choice index seen (-1 before any), and whether it finished: most streams have one choice. */
  #first = -1;
  #firstFinished = false;
  /** The other choices seen, and whether each finished (made at the first of them). */
  #others: Map<number, boolean> | undefined;
  #delivered = false;

  constructor(body: ResponseBody, ctx: ChunkStreamContext) {
    super(body, ctx);
    this.#ctx = ctx;
  }

  protected override delivered(): boolean {
    return this.#delivered;
  }

  protected override atEnd(): undefined {
    if (!this.#complete()) throw this.#interrupted('stream ended before [DONE] without a finish_reason (truncated)');
    return undefined;
  }

  /** A connection that dropped after every choice had finished is a complete answer (only the usage chunk may be missing). */
  protected override endsNormally(err: unknown): boolean {
    return err instanceof StreamInterruptedError && err.cause instanceof ConnectionError && this.#complete();
  }

  /** The chunk of `event` (validated, normalised, counted); none for a blank event or `[DONE]` (which finishes the stream). */
  protected override convert(event: EventSourceMessage): ChatChunk | undefined {
    const { provider, label, requestId, secrets } = this.#ctx;
    const data = event.data.trim();
    if (data === '') return undefined;
    if (data === '[DONE]') {
      this.finish();
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch (err) {
      throw this.#interrupted(`malformed chunk in stream — ${snippet(data)}`, err);
    }
    const info = extractProviderError(json) ?? (event.event === 'error' ? { message: snippet(data) } : undefined);
    if (info) throw classifyError({ provider, label, status: undefined, info, source: 'stream', requestId, secrets });
    const chunk = typeof json === 'object' && json !== null && !Array.isArray(json) ? normalizeChunk(json as Record<string, unknown>, this.#tools) : undefined;
    if (!chunk) throw this.#interrupted(`unexpected event in stream — ${snippet(data)}`);
    for (const choice of chunk.choices) {
      if (choice.finish_reason === 'error') {
        const nativeReason = (choice as { native_finish_reason?: unknown }).native_finish_reason;
        const native = typeof nativeReason === 'string' ? ` (${nativeReason})` : '';
        throw this.#interrupted(`the provider ended the stream with finish_reason "error"${native}`);
      }
      this.#count(choice.index, !!choice.finish_reason);
    }
    if (!this.#delivered && isContentChunk(chunk)) this.#delivered = true;
    // The upstream's own text stands for the chunk only when the chunk is that JSON as parsed, on one line.
    if (this.#ctx.chunkJson && chunk === json && !data.includes('\n')) setChunkJson(chunk, data);
    return chunk;
  }

  /** Records that choice `index` was seen, and whether it has finished (a finish is kept). */
  #count(index: number, finished: boolean): void {
    if (this.#first === -1) this.#first = index;
    if (index === this.#first) {
      if (finished) this.#firstFinished = true;
      return;
    }
    const others = (this.#others ??= new Map());
    if (finished || !others.has(index)) others.set(index, finished || others.get(index) === true);
  }

  /** Every choice seen has finished (and there was one). */
  #complete(): boolean {
    if (!this.#firstFinished) return false;
    if (this.#others !== undefined) for (const finished of this.#others.values()) if (!finished) return false;
    return true;
  }

  #interrupted(message: string, cause?: unknown): StreamInterruptedError {
    const { provider, label, requestId } = this.#ctx;
    return new StreamInterruptedError(`${label}: ${message}`, { provider, requestId, retryable: true, contentDelivered: this.#delivered, cause });
  }
}
