/**
 * Recording a stream as it passes, and replaying recorded chunks.
 * @module
 */
import { ResponseAssembler, responseToChunks, type ChatChunk, type ChatResponse } from '@lifeline/core';
import { type CacheEntry, deepFreeze } from './entry.js';

/** How a recorded stream ended. `parts` are the chunks' JSON, captured before each was yielded. */
export type RecordingEnd = { kind: 'complete'; parts: string[] } | { kind: 'error'; error: unknown } | { kind: 'stopped' };

/**
 * Wraps `source` so that every chunk is passed on at once (no buffering, no added latency)
 * while its JSON is captured; `onEnd` learns whether the iteration completed, failed, or was
 * stopped by the consumer. Capturing JSON (not references) keeps the recording intact even if
 * the consumer mutates the chunks it receives.
 */
export async function* recordStream(source: AsyncIterable<ChatChunk>, onEnd: (end: RecordingEnd) => void): AsyncGenerator<ChatChunk> {
  const parts: string[] = [];
  let end: RecordingEnd | undefined;
  try {
    for await (const chunk of source) {
      parts.push(JSON.stringify(chunk));
      yield chunk;
    }
    end = { kind: 'complete', parts };
  } catch (error) {
    end = { kind: 'error', error };
    throw error;
  } finally {
    onEnd(end ?? { kind: 'stopped' });
  }
}

/** Parses captured chunk JSON back into one frozen array. */
export function chunksFromParts(parts: readonly string[]): ChatChunk[] {
  return deepFreeze(JSON.parse(`[${parts.join(',')}]`) as ChatChunk[]);
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** An async iterable over `chunks` (replayable: each iteration starts over). */
export function replay(chunks: readonly ChatChunk[]): AsyncIterable<ChatChunk> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<ChatChunk> {
      let i = 0;
      return {
        next: () => Promise.resolve(i < chunks.length ? { value: chunks[i++]!, done: false } : DONE),
        return: () => {
          i = chunks.length;
          return Promise.resolve(DONE);
        },
      };
    },
  };
}

/** Memoised other form of each entry: the assembled response of a chunks entry, the chunks of a response entry. */
const derived = new WeakMap<CacheEntry, ChatResponse | ChatChunk[]>();

/** The entry as a complete response (assembled once per entry object for a recorded stream). */
export function entryResponse(entry: CacheEntry): ChatResponse {
  if (entry.kind === 'response') return entry.response;
  let response = derived.get(entry) as ChatResponse | undefined;
  if (response === undefined) {
    const asm = new ResponseAssembler();
    for (const chunk of entry.chunks) asm.push(chunk);
    response = deepFreeze(asm.finish());
    derived.set(entry, response);
  }
  return response;
}

/** The entry as chunks (through `responseToChunks`, once per entry object, for a JSON answer). */
export function entryChunks(entry: CacheEntry): readonly ChatChunk[] {
  if (entry.kind === 'chunks') return entry.chunks;
  let chunks = derived.get(entry) as ChatChunk[] | undefined;
  if (chunks === undefined) {
    chunks = deepFreeze(responseToChunks(entry.response));
    derived.set(entry, chunks);
  }
  return chunks;
}
