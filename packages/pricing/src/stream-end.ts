/**
 * Observing a stream to its end without buffering it.
 * @module
 */
import { type ChatChunk, type TakeableIterator, type Usage, innermost, takeFrom } from '@lifeline/core';
import { chunkChars } from './estimate.js';

/** How a watched stream ended. */
export interface StreamEnd {
  /** True when the stream ran to its end; false when it failed or the consumer stopped early. */
  completed: boolean;
  /** The error that ended it, if any. */
  error?: unknown;
}

/**
 * Wraps `stream`: `onChunk` sees each chunk as it passes, `onEnd` runs exactly once when the
 * iteration ends — completed, failed, or abandoned by the consumer (`break`, `return`). Errors
 * thrown by the hooks are swallowed: observing must never break the caller's stream.
 *
 * @param stream - the stream to watch
 * @param onChunk - called for each chunk
 * @param onEnd - called once at the end (may be async; awaited before the iteration finishes)
 * @returns the wrapped stream
 */
export async function* watchStream(
  stream: AsyncIterable<ChatChunk>,
  onChunk: (chunk: ChatChunk) => void,
  onEnd: (end: StreamEnd) => void | Promise<void>,
): AsyncGenerator<ChatChunk> {
  const end: StreamEnd = { completed: false };
  try {
    for await (const chunk of stream) {
      try {
        onChunk(chunk);
      } catch {
        // observers never break the stream
      }
      yield chunk;
    }
    end.completed = true;
  } catch (err) {
    end.error = err;
    throw err;
  } finally {
    try {
      await onEnd(end);
    } catch {
      // observers never break the stream
    }
  }
}

/**
 * Wraps `stream` for `meter()`: counts completion characters and keeps the last usage chunk as
 * they pass, and calls `onEnd` exactly once when the iteration ends — completed, failed, or
 * abandoned (`break`, `return`). Nothing is buffered, and the work per chunk is a few property
 * reads: a hand-written iterator passes each chunk through with one promise reaction, where an
 * async generator would add several. Errors thrown by the counting or by `onEnd` are swallowed:
 * metering must never break the caller's stream.
 *
 * @param stream - the stream to meter
 * @param onEnd - receives the completion characters seen and the usage reported, if any
 * @returns the wrapped stream
 * @example
 * ```ts
 * ctx.stream = meterStream(ctx.stream, (chars, usage) => settle(chars, usage));
 * ```
 */
export function meterStream(stream: AsyncIterable<ChatChunk>, onEnd: (chars: number, usage: Usage | undefined) => void): AsyncIterableIterator<ChatChunk> & TakeableIterator<ChatChunk> {
  return new MeteredStream(stream, onEnd);
}

class MeteredStream implements AsyncIterableIterator<ChatChunk>, TakeableIterator<ChatChunk> {
  readonly #source: AsyncIterable<ChatChunk>;
  readonly #onEnd: (chars: number, usage: Usage | undefined) => void;
  #iterator: AsyncIterator<ChatChunk> | undefined;
  #chars = 0;
  #usage: Usage | undefined;
  #ended = false;

  constructor(source: AsyncIterable<ChatChunk>, onEnd: (chars: number, usage: Usage | undefined) => void) {
    this.#source = source;
    this.#onEnd = onEnd;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChatChunk>> {
    let pending: Promise<IteratorResult<ChatChunk>>;
    try {
      const it = this.#iterator === undefined ? iteratorOf(this.#source) : innermost(this.#iterator);
      this.#iterator = it;
      pending = Promise.resolve(it.next());
    } catch (err) {
      pending = Promise.reject(err);
    }
    return pending.then(this.#step, this.#fail);
  }

  /** A chunk the source holds now, counted as `next()` would count it ({@link TakeableIterator}). */
  take(): IteratorYieldResult<ChatChunk> | undefined {
    if (this.#ended) return undefined;
    if (this.#iterator === undefined) {
      // The first read may be a take(): the source is opened as next() would open it.
      try {
        this.#iterator = iteratorOf(this.#source);
      } catch {
        return undefined; // next() meets the failure again
      }
    }
    this.#iterator = innermost(this.#iterator);
    const result = takeFrom(this.#iterator);
    if (result !== undefined) this.#step(result);
    return result;
  }

  async return(value?: unknown): Promise<IteratorResult<ChatChunk>> {
    try {
      const it = this.#iterator;
      return it?.return ? await it.return(value) : { done: true, value: value as undefined };
    } finally {
      this.#end();
    }
  }

  async throw(error?: unknown): Promise<IteratorResult<ChatChunk>> {
    try {
      const it = this.#iterator;
      if (it?.throw) return await it.throw(error);
      throw error;
    } finally {
      this.#end();
    }
  }

  readonly #step = (result: IteratorResult<ChatChunk>): IteratorResult<ChatChunk> => {
    if (result.done) {
      this.#end();
      return result;
    }
    try {
      const chunk = result.value;
      this.#chars += chunkChars(chunk);
      if (chunk.usage) this.#usage = chunk.usage;
    } catch {
      // observers never break the stream
    }
    return result;
  };

  readonly #fail = (error: unknown): never => {
    this.#end();
    throw error;
  };

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    try {
      this.#onEnd(this.#chars, this.#usage);
    } catch {
      // observers never break the stream
    }
  }
}

/** The async iterator of `source`; a sync iterable (allowed by `for await`) is adapted. */
function iteratorOf(source: AsyncIterable<ChatChunk>): AsyncIterator<ChatChunk> {
  if (typeof source[Symbol.asyncIterator] === 'function') return source[Symbol.asyncIterator]();
  return (async function* () {
    yield* source as unknown as Iterable<ChatChunk>;
  })();
}
