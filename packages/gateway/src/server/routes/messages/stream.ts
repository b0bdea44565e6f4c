/**
 * Writing a Lifeline stream as Anthropic's event stream: `message_start`, content block events as
 * chunks arrive, `ping` on silences, then `message_delta` (stop reason, exact usage), a
 * `: lifeline {…}` comment (the final cost and route; SDKs skip comments) and `message_stop`, with
 * the final `x-lifeline-*` values also sent as HTTP trailers. A stream that breaks ends with
 * `event: error` (Anthropic's error body) and no `message_stop`, which the SDKs raise as an error.
 * @module
 */
import type { ServerResponse } from 'node:http';
import { AbortError, systemClock, type ChatChunk, type Clock, type LifelineStream } from '@lifeline/core';
import { toErrorResponse } from '../../errors.js';
import { EventWriter } from '../../event-writer.js';
import { summarize } from '../../meta.js';
import { endBroken, releaseAfterHeadFailure, trailersOf, writeStreamHead, type StreamOutcome } from '../../sse.js';
import { anthropicErrorBody } from './errors.js';
import { MESSAGE_STOP, MessageEvents, PING } from './events.js';
import { Heartbeat } from './heartbeat.js';
import type { StreamEvent } from './types.js';
import { messageId } from './usage.js';

/** Silence after which a `ping` is sent, in ms. */
export const PING_INTERVAL_MS = 10_000;

/** Options of {@link writeMessageStream}. */
export interface MessageStreamOptions {
  /** Head headers (`x-lifeline-*` known at the first chunk, request ids). */
  headers: Record<string, string>;
  /** Exact secrets to scrub from an in-stream error. */
  secrets: readonly string[];
  /** The gateway's request id (`request_id` of an error). */
  requestId: string;
  /** The requested model, when the stream names none. */
  model: string;
  /** Estimated input tokens for `message_start`. */
  inputTokens: number;
  /** Silence before a `ping`. @defaultValue {@link PING_INTERVAL_MS} */
  pingMs?: number;
  /** Timers of the ping. @defaultValue `systemClock` */
  clock?: Clock;
}

/** The SSE text of events. */
export function serialize(events: readonly StreamEvent[]): string {
  let text = '';
  for (const e of events) text += `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
  return text;
}

/**
 * Writes `stream` (whose first chunk was already read) to `res` as Anthropic server-sent events,
 * honouring backpressure.
 *
 * @param res - the raw response (its head is written here)
 * @param opened - the stream, its iterator and first result
 * @param options - headers, secrets, ids, ping
 * @returns how the stream ended
 */
export async function writeMessageStream(
  res: ServerResponse,
  opened: { stream: LifelineStream; it: AsyncIterator<ChatChunk>; first: IteratorResult<ChatChunk> },
  options: MessageStreamOptions,
): Promise<StreamOutcome> {
  const { stream, it, first } = opened;
  const headFailure = writeStreamHead(res, options.headers);
  if (headFailure) return releaseAfterHeadFailure(it, stream, headFailure);
  const out = new EventWriter(res);
  const firstChunk = first.done ? undefined : first.value;
  const events = new MessageEvents({
    id: messageId(firstChunk?.id),
    model: stream.meta.model || firstChunk?.model || options.model,
    inputTokens: options.inputTokens,
  });
  const heartbeat = new Heartbeat(options.clock ?? systemClock, options.pingMs ?? PING_INTERVAL_MS, () => void out.write(serialize([PING])));
  const send = (list: StreamEvent[]): Promise<void> | undefined => {
    if (list.length === 0) return undefined;
    heartbeat.touch();
    return out.write(serialize(list));
  };
  try {
    await send([events.start()]);
    for (let r = first; !r.done; r = await it.next()) {
      const list = events.push(r.value);
      if (r.value.choices.some((c) => c.finish_reason)) out.finishing();
      const wait = send(list);
      if (wait) await wait;
    }
    const { response, meta } = await stream.result;
    const tail = `${serialize(events.close(response.usage ?? meta.usage))}: lifeline ${JSON.stringify(summarize(meta))}\n\n${serialize([MESSAGE_STOP])}`;
    if (res.destroyed || res.writableEnded) throw new AbortError('The client disconnected during the stream');
    out.end(tail, trailersOf(meta));
    return { ok: true, meta };
  } catch (error) {
    return endBroken(res, out, it, stream, error, () => `event: error\ndata: ${JSON.stringify(anthropicErrorBody(toErrorResponse(error, options.secrets), options.requestId))}\n\n`);
  } finally {
    heartbeat.stop();
  }
}
