/**
 * Recording a stream as it passes, and replaying recorded chunks.
 * @module
 */
import { ResponseAssembler, chunkJsonOf, responseToChunks, tapStream, type ChatChunk, type ChatResponse, type FinishReason } from '@lifeline/core';
import { type ChatCacheEntry, deepFreeze } from './entry.js';

/**
 * A stream as it was recorded: each chunk's JSON captured before the consumer saw it (or, when
 * made to assemble, the answer the chunks add up to), plus what the miss path needs to judge and
 * label the answer (finish reason per choice, first model), read from the same untouched chunks.
 * No chunk is parsed back or frozen: the recording becomes one entry JSON when it is stored.
 */
export class Recording {
  /** Each chunk's JSON, in order (empty when the answer is assembled instead). */
  readonly parts: string[] = [];
  /** The first chunk's `model`. */
  model: string | undefined;
  readonly #finishes = new Map<number, FinishReason | null>();
  /** The answer assembled as it passes, instead of the chunks (`recordStreams: 'answer'`). */
  readonly #assembler: ResponseAssembler | undefined;
  #chunks = 0;

  /** @param assemble - keep the assembled answer instead of each chunk's JSON */
  constructor(assemble = false) {
    this.#assembler = assemble ? new ResponseAssembler() : undefined;
  }

  /** Captures `chunk` (call it before passing the chunk on). */
  push(chunk: ChatChunk): void {
    if (this.#chunks++ === 0) this.model = chunk.model;
    if (this.#assembler) this.#assembler.push(chunk);
    // The provider's own text when the adapter kept it for this chunk object (not replaced since).
    else this.parts.push(chunkJsonOf(chunk) ?? JSON.stringify(chunk));
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices) {
      const index = choice.index ?? 0;
      if (choice.finish_reason) this.#finishes.set(index, choice.finish_reason);
      else if (!this.#finishes.has(index)) this.#finishes.set(index, null);
    }
  }

  /** The finish reason of each choice seen (`null` for a choice that never finished). */
  finishes(): Array<FinishReason | null> {
    return [...this.#finishes.values()];
  }

  /** The chunks as one JSON array. */
  json(): string {
    return `[${this.parts.join(',')}]`;
  }

  /** The assembled answer when the recording assembles one (a fresh object each call), else `undefined`. */
  answer(): ChatResponse | undefined {
    return this.#assembler?.finish();
  }
}

/** How a recorded stream ended. */
export type RecordingEnd = { kind: 'complete'; recording: Recording } | { kind: 'error'; error: unknown } | { kind: 'stopped' };

/**
 * Wraps `source` so that every chunk is passed on at once (no buffering, no added latency)
 * while its JSON (with `assemble`, its part of the answer) is captured; `onEnd` learns whether
 * the iteration completed, failed, or was stopped by the consumer. Capturing JSON (not
 * references) keeps the recording intact even if the consumer mutates the chunks it receives.
 */
export function recordStream(source: AsyncIterable<ChatChunk>, onEnd: (end: RecordingEnd) => void, assemble = false): AsyncIterable<ChatChunk> {
  const recording = new Recording(assemble);
  return tapStream(source, {
    chunk(chunk) {
      recording.push(chunk);
    },
    finally(how, error) {
      onEnd(how === 'done' ? { kind: 'complete', recording } : how === 'error' ? { kind: 'error', error } : { kind: 'stopped' });
    },
  });
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
const derived = new WeakMap<ChatCacheEntry, ChatResponse | ChatChunk[]>();

/** The entry as a complete response (assembled once per entry object for a recorded stream). */
export function entryResponse(entry: ChatCacheEntry): ChatResponse {
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
export function entryChunks(entry: ChatCacheEntry): readonly ChatChunk[] {
  if (entry.kind === 'chunks') return entry.chunks;
  let chunks = derived.get(entry) as ChatChunk[] | undefined;
  if (chunks === undefined) {
    chunks = deepFreeze(responseToChunks(entry.response));
    derived.set(entry, chunks);
  }
  return chunks;
}
