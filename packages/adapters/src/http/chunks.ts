/**
 * The iterator every adapter's stream reader is built on: the events of a body (an
 * {@link SseReader}) turned into `ChatChunk`s, hand-written rather than an async generator.
 * @module
 */
import type { ChatChunk, TakeableIterator } from '@lifeline/core';
import type { ResponseBody } from './send.js';
import { SseReader, type Framing, type SseEventIterator, type SseReaderOptions } from './sse.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * What a `for await` over the events with a `yield` per chunk would do, hand-written: events
 * already read are turned into chunks without a promise each (`take()`, see `TakeableIterator`):
 * one promise per chunk at most, the one `next()` returns.
 *
 * A subclass says what an event is ({@link ChunkIterator.convert}: chunks, none, or the protocol's
 * end with {@link ChunkIterator.finish}), what the body's end without that is
 * ({@link ChunkIterator.atEnd}), and whether a failure may end the stream normally
 * ({@link ChunkIterator.endsNormally}). The iterator does the rest: the body is drained after the
 * protocol's end (socket reused), destroyed when the consumer stops early or an event throws
 * (the error then raised after the body is released), and released by a `return()` before the
 * first `next()`.
 */
export abstract class ChunkIterator<E> implements AsyncIterableIterator<ChatChunk>, TakeableIterator<ChatChunk> {
  readonly #sse: SseReader<E>;
  #events: SseEventIterator<E> | undefined;
  /** Chunks of one event after its first, handed out before anything else. */
  #queued: ChatChunk[] | undefined;
  #queuedAt = 0;
  /** The protocol said the stream is over (set by {@link ChunkIterator.finish}). */
  #finishing = false;
  /** The iteration is over: every call resolves `done` (after the queued chunks). */
  #over = false;
  #pending: Promise<IteratorResult<ChatChunk>> | undefined;
  /** How the iteration ended, after `take()` met the end or an error: what the next `next()` returns. */
  #last: Promise<IteratorResult<ChatChunk>> | undefined;
  #closing: Promise<unknown> | undefined;

  /**
   * @param body - the unread response body
   * @param options - the SSE reader's options (its `contentDelivered` is {@link ChunkIterator.delivered})
   * @param framing - how the body splits into events (SSE by default)
   */
  constructor(body: ResponseBody, options: Omit<SseReaderOptions, 'contentDelivered'>, framing?: Framing<E>) {
    this.#sse = new SseReader<E>(body, { ...options, contentDelivered: () => this.delivered() }, framing);
  }

  /** Whether content already reached the caller (put on the errors of a broken connection). */
  protected abstract delivered(): boolean;

  /**
   * The chunks of `event`: one, several, or none (`undefined` or `[]`). Throwing ends the stream
   * with that error (the body released first). Call {@link ChunkIterator.finish} when the event
   * is the protocol's end: its chunks are still handed out, then the iteration ends.
   */
  protected abstract convert(event: E): ChatChunk | readonly ChatChunk[] | undefined;

  /** The body ended without {@link ChunkIterator.finish}: the last chunks, or a throw (a truncation). */
  protected abstract atEnd(): readonly ChatChunk[] | undefined;

  /** Whether `err` (a failure of the body or of an event) ends the stream normally. @defaultValue false */
  protected endsNormally(_err: unknown): boolean {
    return false;
  }

  /** The protocol said the stream is over: after this event's chunks, the iteration ends and the body is drained. */
  protected finish(): void {
    this.#finishing = true;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChatChunk>> {
    const queued = this.#queued;
    if (queued !== undefined) return Promise.resolve(this.#unqueue(queued));
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
    const queued = this.#queued;
    if (queued !== undefined) return this.#unqueue(queued);
    const events = this.#events;
    if (this.#over || this.#pending || !events) return undefined;
    for (let event = events.take(); event !== undefined; event = events.take()) {
      const r = this.#handle(event);
      if (r !== undefined || this.#over) return r;
    }
    return undefined;
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    this.#queued = undefined;
    if (this.#pending) await this.#pending.catch(() => {});
    this.#queued = undefined;
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

  /** As a generator's `throw()` when it waits at a `yield`: the stream is closed (the body released), then `err` raised. */
  async throw(err?: unknown): Promise<never> {
    await this.return();
    throw err;
  }

  #unqueue(queued: ChatChunk[]): IteratorYieldResult<ChatChunk> {
    const chunk = queued[this.#queuedAt++]!;
    if (this.#queuedAt === queued.length) {
      this.#queued = undefined;
      this.#queuedAt = 0;
    }
    return { value: chunk, done: false };
  }

  /** The first of `chunks` as a result (the others queued), or `undefined` when there is none. */
  #first(chunks: ChatChunk | readonly ChatChunk[] | undefined): IteratorYieldResult<ChatChunk> | undefined {
    if (chunks === undefined) return undefined;
    if (!Array.isArray(chunks)) return { value: chunks as ChatChunk, done: false };
    const list = chunks as readonly ChatChunk[];
    if (list.length === 0) return undefined;
    if (list.length > 1) {
      this.#queued = list as ChatChunk[];
      this.#queuedAt = 1;
    }
    return { value: list[0]!, done: false };
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

  readonly #onEvent = (r: IteratorResult<E>): IteratorResult<ChatChunk> | Promise<IteratorResult<ChatChunk>> => {
    this.#pending = undefined;
    if (r.done) {
      this.#over = true;
      return this.#first(this.atEnd()) ?? DONE;
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

  /**
   * `event` as a result: its (first) chunk; `undefined` for an event without chunks, or when the
   * iteration ended (`#over`; how it ended is then in `#last`).
   */
  #handle(event: E): IteratorYieldResult<ChatChunk> | undefined {
    let chunks: ChatChunk | readonly ChatChunk[] | undefined;
    try {
      chunks = this.convert(event);
    } catch (err) {
      // As when a `for await` body throws: the events are closed (the body released), then the error judged.
      this.#over = true;
      this.#settle(this.#closeThenEnd(err));
      return undefined;
    }
    if (this.#finishing) {
      this.#over = true;
      this.#sse.complete();
      this.#settle(this.#events!.return());
    }
    return this.#first(chunks);
  }

  /** Closes the events, then ends the iteration with `err` (a helper: a closure in `#handle` would cost a context per event). */
  #closeThenEnd(err: unknown): Promise<IteratorResult<ChatChunk>> {
    return this.#events!.return().then(() => this.#ended(err));
  }

  #settle(last: Promise<IteratorResult<ChatChunk>>): void {
    this.#closing = last.catch(() => {});
    this.#last = last;
  }

  /** The iteration ended with `err`: raised, unless the subclass says the stream is complete anyway. */
  #ended(err: unknown): IteratorReturnResult<undefined> {
    if (!this.endsNormally(err)) throw err;
    return DONE;
  }
}
