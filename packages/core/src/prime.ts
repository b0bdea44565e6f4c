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
  return {
    [PRIMED]: true as const,
    head,
    [Symbol.asyncIterator]: () => replay(head, it, ended),
  };
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * The chunks read ahead, then the rest of `it` (a hand-written iterator: no generator per chunk;
 * chunks `it` already holds are taken without a promise, see {@link TakeableIterator}). Once the
 * head is handed out it names `it` as its `delegate` ({@link DelegatingIterator}): a stage above
 * reads `it` directly from then on.
 */
function replay(head: readonly ChatChunk[], it: AsyncIterator<ChatChunk>, ended: boolean): AsyncIterableIterator<ChatChunk> & TakeableIterator<ChatChunk> & DelegatingIterator<ChatChunk> {
  let i = 0;
  let started = false;
  let finished = ended;
  let closed = false;
  let reading = false;
  /** The last take() found `it` holding nothing: the next() that follows reads without trying again. */
  let dry = false;
  // Made once per stream, not per read.
  const onRead = (r: IteratorResult<ChatChunk>): IteratorResult<ChatChunk> => {
    reading = false;
    if (r.done) finished = closed = true;
    return r.done ? DONE : r;
  };
  const onFail = (err: unknown): never => {
    reading = false;
    finished = closed = true;
    throw err;
  };
  const self: AsyncIterableIterator<ChatChunk> & TakeableIterator<ChatChunk> & DelegatingIterator<ChatChunk> = {
    delegate: undefined,
    next(): Promise<IteratorResult<ChatChunk>> {
      if (dry) dry = false;
      else {
        const taken = self.take!();
        if (taken) return Promise.resolve(taken);
        dry = false;
      }
      started = true;
      if (closed) return Promise.resolve(DONE);
      if (finished) {
        closed = true;
        return Promise.resolve(DONE);
      }
      reading = true;
      it = innermost(it);
      return it.next().then(onRead, onFail);
    },
    take(): IteratorYieldResult<ChatChunk> | undefined {
      if (closed || reading) return undefined;
      if (i < head.length) {
        started = true;
        const value = head[i++]!;
        // The head handed out, the replay is a plain pass-through: readers may read `it` itself.
        if (i === head.length && !finished) (self as { delegate?: AsyncIterator<ChatChunk> }).delegate = it;
        return { value, done: false };
      }
      if (finished || !started) return undefined;
      it = innermost(it);
      const r = takeFrom(it);
      dry = r === undefined;
      return r;
    },
    async return(): Promise<IteratorReturnResult<undefined>> {
      if (closed) return DONE;
      closed = true;
      i = head.length;
      // As the generator this replaces: nothing to release before the first next().
      if (started && !finished) await it.return?.();
      return DONE;
    },
    [Symbol.asyncIterator]() {
      return self;
    },
  };
  return self;
}
