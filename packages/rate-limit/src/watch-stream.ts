/**
 * Running a callback once when a stream ends, without buffering it.
 * @module
 */
import { tapStream, type ChatChunk } from '@lifeline/core';

/**
 * Wraps `stream` so that `onEnd` runs exactly once when the iteration ends — completed, failed,
 * or abandoned by the consumer. Errors from `onEnd` are swallowed.
 *
 * @param stream - the stream
 * @param onEnd - called at the end (awaited before the iteration finishes)
 * @returns the wrapped stream
 */
export function watchStream(stream: AsyncIterable<ChatChunk>, onEnd: () => unknown): AsyncIterable<ChatChunk> {
  return tapStream(stream, {
    async finally() {
      try {
        await onEnd();
      } catch {
        // observers never break the stream
      }
    },
  });
}
