/**
 * Observing a stream to its end without buffering it.
 * @module
 */
import type { ChatChunk } from '@lifeline/core';

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
