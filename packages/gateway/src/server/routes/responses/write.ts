/**
 * Writing a streamed Responses call as server-sent events: `event: <type>` + `data: <json>` per
 * event, written as chunks arrive (batched per event-loop turn), then the `: lifeline` summary
 * comment, with the final `x-lifeline-*` values as HTTP trailers. A break ends the stream with
 * `error` and `response.failed`; a finished response is kept before `response.completed` goes out,
 * so a client that continues it at once finds it.
 * @module
 */
import type { ServerResponse } from 'node:http';
import { AbortError } from '@lifeline/core';
import type { OpenedStream } from '../../call.js';
import { EventWriter } from '../../event-writer.js';
import { summarize } from '../../meta.js';
import { releaseAfterHeadFailure, trailersOf, writeStreamHead, type StreamOutcome } from '../../sse.js';
import { streamFailure } from './errors.js';
import type { ResponseStreamEvents } from './stream-events.js';
import type { ResponseEvent, ResponseObject } from './types.js';

/** Options of {@link writeResponseStream}. */
export interface ResponseStreamOptions {
  /** Exact secrets to scrub from an in-band error. */
  secrets: readonly string[];
  /** Called with the final response before its last event is written (keeps it). */
  beforeEnd(response: ResponseObject): Promise<void>;
}

function frames(events: readonly ResponseEvent[]): string {
  let text = '';
  for (const e of events) text += `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
  return text;
}

/**
 * Streams `opened` to `res` as the Responses API's events, honouring backpressure.
 *
 * @param res - the raw response (its head is written here)
 * @param opened - the call, its first chunk read
 * @param events - the event sequence of this response
 * @param options - secrets, and what to do before the end
 * @returns how the stream ended
 */
export async function writeResponseStream(res: ServerResponse, opened: OpenedStream, events: ResponseStreamEvents, options: ResponseStreamOptions): Promise<StreamOutcome> {
  const { stream, it } = opened;
  const headFailure = writeStreamHead(res, opened.headers);
  if (headFailure) return releaseAfterHeadFailure(it, stream, headFailure);
  const out = new EventWriter(res);
  try {
    await out.write(frames(events.start()));
    for (let r = opened.first; !r.done; r = await it.next()) {
      if (r.value.choices.some((c) => c.finish_reason)) out.finishing();
      const data = frames(events.push(r.value));
      if (data === '') continue;
      const wait = out.write(data);
      if (wait) await wait;
    }
    const { response, meta } = await stream.result;
    const tail = frames(events.finish(response));
    await options.beforeEnd(events.response);
    if (res.destroyed || res.writableEnded) throw new AbortError('The client disconnected during the stream');
    out.end(`${tail}: lifeline ${JSON.stringify(summarize(meta))}\n\n`, trailersOf(meta));
    return { ok: true, meta };
  } catch (error) {
    void Promise.resolve(it.return?.()).catch(() => {});
    const meta = stream.meta;
    if (!res.destroyed && !res.writableEnded) {
      out.end(`${frames(events.fail(streamFailure(error, options.secrets)))}: lifeline ${JSON.stringify(summarize(meta))}\n\n`, trailersOf(meta));
    }
    return { ok: false, error, meta };
  }
}
