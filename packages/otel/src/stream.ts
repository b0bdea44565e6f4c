/**
 * Watching a streamed answer on its way to the caller: chunk timings, the answer's id, model,
 * finish reasons and usage, and the end of the call when the stream ends.
 * @module
 */
import { type ChatChunk, ResponseAssembler } from '@lifeline/core';
import type { CallTrace } from './call-trace.js';
import { LIFELINE } from './names.js';
import { safely } from './safe.js';

/**
 * Passes `stream` through untouched and ends `trace` when it ends: with its error, without one
 * when it completed, and without one (`lifeline.stream.stopped`) when the consumer stopped
 * reading. Nothing is buffered; with `captureContent` the text is assembled for the span.
 */
export async function* observeStream(stream: AsyncIterable<ChatChunk>, trace: CallTrace, capture: boolean): AsyncGenerator<ChatChunk> {
  let id: string | undefined;
  let model: string | undefined;
  let usage: ChatChunk['usage'];
  const reasons: string[] = [];
  const assembler = capture ? new ResponseAssembler() : undefined;
  let error: unknown;
  let completed = false;
  try {
    for await (const chunk of stream) {
      safely(() => trace.chunk(chunk));
      if (chunk.id) id = chunk.id;
      if (chunk.model) model = chunk.model;
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices ?? []) if (choice.finish_reason) reasons[choice.index ?? 0] = choice.finish_reason;
      if (assembler) safely(() => assembler.push(chunk));
      yield chunk;
    }
    completed = true;
  } catch (err) {
    error = err;
    throw err;
  } finally {
    safely(() => {
      if (!completed && error === undefined && !trace.ended) trace.span.setAttribute(LIFELINE.STREAM_STOPPED, true);
      trace.finish(error, { id, model, usage, finishReasons: reasons.filter((r) => r !== undefined) }, assembler?.finish());
    });
  }
}
