/**
 * The chunk stream a scripted step yields, with its faults (delays, stall, hold, cut).
 *
 * @module
 */
import type { ChatChunk } from '@lifeline/core';
import { isContentChunk } from './chat-fixtures.js';
import type { AdapterStepSpec } from './scripted-step.js';
import { type AbortErrorFn, type ScriptClock, untilAborted, wait } from './scripted-wait.js';

/** What {@link scriptedStream} needs besides the chunks. */
export interface StreamContext {
  signal: AbortSignal;
  clock: ScriptClock | undefined;
  abortError: AbortErrorFn;
  /** Called once when the iteration ends (completed, failed or abandoned). */
  onClose: () => void;
}

/**
 * Yields `chunks` as `spec` says. A fault "after k content chunks" strikes right after the k-th
 * content chunk (the finish and usage chunks after it are not sent); with k = 0 the leading
 * non-content chunks (the role chunk) go out first and it strikes before the first content chunk.
 * A cut (`error` + `afterChunks`) always ends the stream, at the latest after its last content chunk.
 * The signal is checked before every chunk.
 */
export async function* scriptedStream(chunks: readonly ChatChunk[], spec: AdapterStepSpec, context: StreamContext): AsyncGenerator<ChatChunk> {
  const { signal, clock, abortError } = context;
  // A cut past the last content chunk strikes right after it: the stream never ends cleanly.
  const content = chunks.filter(isContentChunk).length;
  const cut = spec.error !== undefined && spec.afterChunks !== undefined ? Math.min(spec.afterChunks, content) : undefined;
  let delivered = 0;
  try {
    for (const chunk of chunks) {
      const isContent = isContentChunk(chunk);
      const reached = (k: number | undefined): boolean => k !== undefined && (delivered > k || (delivered === k && (isContent || k > 0)));
      if (reached(cut)) throw spec.error;
      if (reached(spec.stallAfter)) await untilAborted(signal, abortError);
      if (spec.hold && reached(spec.hold.afterChunks)) await spec.hold.until();
      if (isContent) {
        const ms = delivered === 0 ? spec.firstTokenDelayMs : spec.chunkDelayMs;
        if (ms) await wait(ms, signal, clock, abortError);
      }
      if (signal.aborted) throw abortError(signal);
      if (isContent) delivered++;
      yield chunk;
    }
    if (cut !== undefined) throw spec.error;
  } finally {
    context.onClose();
  }
}
