/** @module */
import { isContentChunk } from './assemble.js';
import { innermost, type DelegatingIterator } from './delegate.js';
import { takeFrom, type TakeableIterator } from './tap.js';
import type { ChatChunk } from './types.js';

const PRIMED = Symbol.for('lifeline.primedStream');

/** A stream whose opening (everything up to the first content chunk) has already been read. */
export interface PrimedStream extends AsyncIterable<ChatChunk> {
  readonly [PRIMED]: true;
  /** Chunks read before (and including) the first content chunk. */
  readonly head: readonly ChatChunk[];
}

/** True when `stream` was returned by {@link primeStream}. */
export function isPrimed(stream: AsyncIterable<ChatChunk>): stream is PrimedStream {
  return (stream as Partial<PrimedStream>)[PRIMED] === true;
}

/**
 * Reads `stream` up to its first content chunk (or its end) and returns a stream that replays
 * what was read and then continues. A failure before any content therefore surfaces here — inside
 * the calling middleware, which can still retry or fail over — instead of after the caller has
 * started reading. Costs no latency: nothing reaches the caller before the first content anyway.
 * Priming a primed stream returns it as is.
 *
 * @param stream - a stream from `ctx.stream`
 * @returns the primed stream
 * @throws whatever the stream throws before its first content chunk
 */
export function primeStream(stream: AsyncIterable<ChatChunk>): Promise<PrimedStream> {
  if (isPrimed(stream)) return Promise.resolve(stream);
  const it = stream[Symbol.asyncIterator]();
  const head: ChatChunk[] = [];
  // Chunks the stream already holds (a stream primed below this layer holds its opening) are
  // taken without a promise; the opening complete that way, no async function runs at all.
  try {
    for (let r = takeFrom(it); r !== undefined; r = takeFrom(it)) {
      head.push(r.value);
      if (isContentChunk(r.value)) return Promise.resolve(primed(head, it, false));
    }
  } catch (err) {
    void Promise.resolve(it.return?.()).catch(() => {});
    return Promise.reject(err);
  }
  return primeRest(it, head);
}

/**
 * Reads the rest of the opening (see {@link primeStream}) after the chunks `head` already holds;
 * `it` holds nothing now (its `take()` just said so), so the first read is a `next()`.
 */
async function primeRest(it: AsyncIterator<ChatChunk>, head: ChatChunk[]): Promise<PrimedStream> {
  let ended = false;
  try {
    for (let r = await it.next(); ; r = takeFrom(it) ?? (await it.next())) {
      if (r.done) {
        ended = true;
        break;
      }
      head.push(r.value);
      if (isContentChunk(r.value)) break;
    }
  } catch (err) {
    void Promise.resolve(it.return?.()).catch(() => {});
    throw err;
  }
  return primed(head, it, ended);
}

function primed(head: ChatChunk[], it: AsyncIterator<ChatChunk>, ended: boolean): PrimedStream {
  return new Primed(head, it, ended);
}

/** A primed stream: its head, and a replay of it when iterated. */
class Primed implements PrimedStream {
  readonly [PRIMED] = true as const;
  readonly head: readonly ChatChunk[];
  readonly #it: AsyncIterator<ChatChunk>;
  readonly #ended: boolean;

  constructor(head: readonly ChatChunk[], it: AsyncIterator<ChatChunk>, ended: boolean) {
    this.head = head;
    this.#it = it;
    this.#ended = ended;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ChatChunk> & TakeableIterator<ChatChunk> & DelegatingIterator<ChatChunk> {
    return new Replay(this.head, this.#it, this.#ended);
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * The chunks read ahead, then the rest of `it` (a hand-written iterator: no generator per chunk;
 * chunks `it` already holds are taken without a promise, see {@link TakeableIterator}). Once the
 * head is handed out it names `it` as its `delegate` ({@link DelegatingIterator}): a stage above
 * reads `it` directly from then on. A class rather than closures: one object per replay instead of
 * a context and a function per method (every layer that primes makes one per stream).
 */
class Replay implements AsyncIterableIterator<ChatChunk>, TakeableIterator<ChatChunk>, DelegatingIterator<ChatChunk> {
  delegate: AsyncIterator<ChatChunk> | undefined = undefined;
  readonly #head: readonly ChatChunk[];
  #it: AsyncIterator<ChatChunk>;
  #i = 0;
  #started = false;
  #finished: boolean;
  #closed = false;
  #reading = false;
  /** The last take() found `it` holding nothing: the next() that follows reads without trying again. */
  #dry = false;

  constructor(head: readonly ChatChunk[], it: AsyncIterator<ChatChunk>, ended: boolean) {
    this.#head = head;
    this.#it = it;
    this.#finished = ended;
  }

  next(): Promise<IteratorResult<ChatChunk>> {
    if (this.#dry) this.#dry = false;
    else {
      const taken = this.take();
      if (taken) return Promise.resolve(taken);
      this.#dry = false;
    }
    this.#started = true;
    if (this.#closed) return Promise.resolve(DONE);
    if (this.#finished) {
      this.#closed = true;
      return Promise.resolve(DONE);
    }
    this.#reading = true;
    const it = (this.#it = innermost(this.#it));
    return it.next().then(this.#onRead, this.#onFail);
  }

  take(): IteratorYieldResult<ChatChunk> | undefined {
    if (this.#closed || this.#reading) return undefined;
    const head = this.#head;
    if (this.#i < head.length) {
      this.#started = true;
      const value = head[this.#i++]!;
      // The head handed out, the replay is a plain pass-through: readers may read `it` itself.
      if (this.#i === head.length && !this.#finished) this.delegate = this.#it;
      return { value, done: false };
    }
    if (this.#finished || !this.#started) return undefined;
    const it = (this.#it = innermost(this.#it));
    const r = takeFrom(it);
    this.#dry = r === undefined;
    return r;
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    if (this.#closed) return DONE;
    this.#closed = true;
    this.#i = this.#head.length;
    // As the generator this replaces: nothing to release before the first next().
    if (this.#started && !this.#finished) await this.#it.return?.();
    return DONE;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  // Made once per replay, not per read.
  readonly #onRead = (r: IteratorResult<ChatChunk>): IteratorResult<ChatChunk> => {
    this.#reading = false;
    if (r.done) this.#finished = this.#closed = true;
    return r.done ? DONE : r;
  };

  readonly #onFail = (err: unknown): never => {
    this.#reading = false;
    this.#finished = this.#closed = true;
    throw err;
  };
}
