/** @module */
import { isContentChunk } from './assemble.js';
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
export async function primeStream(stream: AsyncIterable<ChatChunk>): Promise<PrimedStream> {
  if (isPrimed(stream)) return stream;
  const it = stream[Symbol.asyncIterator]();
  const head: ChatChunk[] = [];
  let ended = false;
  try {
    for (;;) {
      const r = await it.next();
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
  const primed = {
    [PRIMED]: true as const,
    head,
    [Symbol.asyncIterator]: () => replay(head, it, ended),
  };
  return primed;
}

async function* replay(head: readonly ChatChunk[], it: AsyncIterator<ChatChunk>, ended: boolean): AsyncGenerator<ChatChunk> {
  let finished = ended;
  try {
    for (const chunk of head) yield chunk;
    while (!finished) {
      const r = await it.next();
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!finished) await it.return?.();
  }
}
