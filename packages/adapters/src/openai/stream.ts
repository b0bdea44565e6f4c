/**
 * Reads an OpenAI-style SSE stream into {@link ChatChunk}s, and refuses to pass a broken one off
 * as complete: a cut, a malformed chunk or an in-band error raises instead of ending quietly.
 * @module
 */
import { ConnectionError, StreamInterruptedError, isContentChunk, setChunkJson, type ChatChunk, type TakeableIterator } from '@lifeline/core';
import { SseReader, classifyError, extractProviderError, type EventSourceMessage, type ResponseBody, type SseEventIterator, type SseReaderOptions } from '../http/index.js';
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
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

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

/** What one event is: a chunk, nothing (a blank event), or the end (`[DONE]`). */
const SKIP = 0;
const END = 1;

/**
 * The iterator behind {@link readChunks}: what a `for await` over the events with a `yield` per
 * chunk would do, hand-written. Events already read are turned into chunks without a promise each
 * (`take()`, see `TakeableIterator`): one promise per chunk at most, the one `next()` returns.
 */
class ChunkReader implements AsyncIterableIterator<ChatChunk>, TakeableIterator<ChatChunk> {
  readonly #ctx: ChunkStreamContext;
  readonly #sse: SseReader;
  readonly #tools = new ToolIndexer();
  readonly #seen = new Set<number>();
  readonly #finished = new Set<number>();
  #events: SseEventIterator | undefined;
  #delivered = false;
  #done = false;
  /** The iteration is over: every call resolves `done`. */
  #over = false;
  #pending: Promise<IteratorResult<ChatChunk>> | undefined;
  /** How the iteration ended, after `take()` met the end or an error: what the next `next()` returns. */
  #last: Promise<IteratorResult<ChatChunk>> | undefined;

  constructor(body: ResponseBody, ctx: ChunkStreamContext) {
    this.#ctx = ctx;
    this.#sse = new SseReader(body, { ...ctx, contentDelivered: () => this.#delivered });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChatChunk>> {
    const last = this.#last;
    if (last) {
      this.#last = undefined;
      return last;
    }
    if (this.#over) return this.#pending ? this.#pending.then(() => DONE, () => DONE) : Promise.resolve(DONE);
    if (this.#pending) return this.#after(this.#pending);
    this.#events ??= this.#sse[Symbol.asyncIterator]();
    return this.#read();
  }

  /** The next result once `pending` settled (a closure here rather than in `next()`, which would pay a context on every call). */
  #after(pending: Promise<unknown>): Promise<IteratorResult<ChatChunk>> {
    return pending.then(() => this.next(), () => this.next());
  }

  take(): IteratorYieldResult<ChatChunk> | undefined {
    const events = this.#events;
    if (this.#over || this.#pending || !events) return undefined;
    for (let event = events.take(); event !== undefined; event = events.take()) {
      const r = this.#handle(event);
      if (r !== undefined || this.#over) return r;
    }
    return undefined;
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    if (this.#pending) await this.#pending.catch(() => {});
    if (this.#last) {
      // The end or error met by take() is dropped, as a generator's would be on return().
      this.#last.catch(() => {});
      this.#last = undefined;
      await this.#closing;
    }
    if (this.#over) return DONE;
    this.#over = true;
    if (this.#events) await this.#events.return();
    else this.#sse.destroy();
    return DONE;
  }

  /** The next chunk: from the events already read, else from the next one to arrive. */
  #read(): Promise<IteratorResult<ChatChunk>> {
    const taken = this.take();
    if (taken) return Promise.resolve(taken);
    if (this.#over) return this.next();
    const pending = this.#events!.next().then(this.#onEvent, this.#onError);
    this.#pending = pending;
    return pending;
  }

  readonly #onEvent = (r: IteratorResult<EventSourceMessage>): IteratorResult<ChatChunk> | Promise<IteratorResult<ChatChunk>> => {
    this.#pending = undefined;
    if (r.done) {
      this.#over = true;
      if (!this.#done && !this.#complete()) throw this.#interrupted('stream ended before [DONE] without a finish_reason (truncated)');
      return DONE;
    }
    const chunk = this.#handle(r.value);
    if (chunk) return chunk;
    return this.#over ? this.next() : this.#read();
  };

  readonly #onError = (err: unknown): IteratorResult<ChatChunk> => {
    this.#pending = undefined;
    this.#over = true;
    return this.#ended(err);
  };

  #closing: Promise<unknown> | undefined;

  /**
   * `event` as a result: its chunk; `undefined` for a blank event, or when the iteration ended
   * (`#over`; how it ended is then in `#last`).
   */
  #handle(event: EventSourceMessage): IteratorYieldResult<ChatChunk> | undefined {
    let chunk: ChatChunk | typeof SKIP | typeof END;
    try {
      chunk = this.#chunkOf(event);
    } catch (err) {
      // As when a `for await` body throws: the events are closed (the body released), then the error judged.
      this.#over = true;
      this.#settle(this.#closeThenEnd(err));
      return undefined;
    }
    if (chunk === SKIP) return undefined;
    if (chunk === END) {
      this.#over = true;
      this.#done = true;
      this.#sse.complete();
      this.#settle(this.#events!.return());
      return undefined;
    }
    return { value: chunk, done: false };
  }

  /** Closes the events, then ends the iteration with `err` (a helper: a closure in `#handle` would cost a context per event). */
  #closeThenEnd(err: unknown): Promise<IteratorResult<ChatChunk>> {
    return this.#events!.return().then(() => this.#ended(err));
  }

  #settle(last: Promise<IteratorResult<ChatChunk>>): void {
    this.#closing = last.catch(() => {});
    this.#last = last;
  }

  /** The chunk of `event` (validated, normalised, counted), or `SKIP` / `END`. */
  #chunkOf(event: EventSourceMessage): ChatChunk | typeof SKIP | typeof END {
    const { provider, label, requestId, secrets } = this.#ctx;
    const data = event.data.trim();
    if (data === '') return SKIP;
    if (data === '[DONE]') return END;
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
      this.#seen.add(choice.index);
      if (choice.finish_reason) this.#finished.add(choice.index);
    }
    if (!this.#delivered && isContentChunk(chunk)) this.#delivered = true;
    // The upstream's own text stands for the chunk only when the chunk is that JSON as parsed, on one line.
    if (this.#ctx.chunkJson && chunk === json && !data.includes('\n')) setChunkJson(chunk, data);
    return chunk;
  }

  /**
   * The iteration ended with `err`: a connection that dropped after every choice had finished is
   * a complete answer (only the usage chunk may be missing), so it ends normally; else `err` is raised.
   */
  #ended(err: unknown): IteratorReturnResult<undefined> {
    const cut = err instanceof StreamInterruptedError && err.cause instanceof ConnectionError;
    if (!(cut && this.#complete())) throw err;
    return DONE;
  }

  #complete(): boolean {
    return this.#finished.size > 0 && this.#finished.size === this.#seen.size;
  }

  #interrupted(message: string, cause?: unknown): StreamInterruptedError {
    const { provider, label, requestId } = this.#ctx;
    return new StreamInterruptedError(`${label}: ${message}`, { provider, requestId, retryable: true, contentDelivered: this.#delivered, cause });
  }
}
