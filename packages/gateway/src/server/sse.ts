/**
 * Writing a Lifeline stream as OpenAI-style server-sent events.
 *
 * Wire format: `data: <chunk>` events flushed as they arrive (the first at once, with the head;
 * then each as it arrives, those that arrive together in one write); then `: lifeline <json>` (a comment, skipped by
 * SDKs, carrying the final cost and route) and `data: [DONE]`; the same final `x-lifeline-*`
 * values are also sent as HTTP trailers. A stream that breaks ends with
 * `data: {"error":{…}}` and no `[DONE]`, which the official SDKs raise as an error.
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { ChatChunk, LifelineStream, Meta, Usage } from '@lifeline/core';
import { AbortError, chunkJsonOf, takeFrom } from '@lifeline/core';
import { toErrorResponse } from './errors.js';
import { EventWriter } from './event-writer.js';
import { putSafeHeader } from './header-value.js';
import { contributorsOf, formatUsd, summarize } from './meta.js';
import { writeStreamHead as writeHead } from './stream-head.js';

/** Options of {@link writeEventStream}. */
export interface EventStreamOptions {
  /** Pass usage chunks through (the caller's `stream_options.include_usage`). */
  includeUsage: boolean;
  /** Headers for the response head (`x-lifeline-*` as known at the first chunk, request id). */
  headers: Record<string, string>;
  /** Exact secrets to scrub from an in-band error. */
  secrets: readonly string[];
}

/** How a written stream ended. */
export type StreamOutcome = { ok: true; meta: Meta } | { ok: false; error: unknown; meta: Meta };

const TRAILERS = ['x-lifeline-cost-usd', 'x-lifeline-attempts', 'x-lifeline-provider', 'x-lifeline-providers'];

/** The head of every event stream the gateway answers with (its front doors add their own headers). */
export const SSE_HEAD: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  trailer: TRAILERS.join(', '),
};

/** The chunk as the caller asked for it: usage removed unless `include_usage`; `undefined` to drop it. */
export function shapeChunk(chunk: ChatChunk, includeUsage: boolean): ChatChunk | undefined {
  if (includeUsage || !('usage' in chunk)) return chunk;
  if (chunk.choices.length === 0) return undefined;
  const { usage: _usage, ...rest } = chunk;
  return rest as ChatChunk;
}

/**
 * The chunk's JSON: the provider's own text when its adapter kept it for this very object (a
 * chunk no one replaced; a reshaped or rewritten chunk is a new object), else serialised.
 */
function jsonOf(chunk: ChatChunk): string {
  return chunkJsonOf(chunk) ?? JSON.stringify(chunk);
}

/** What ends a chunk text whose last member is `"usage":null` (OpenAI's content chunks with `include_usage`). */
const NULL_USAGE = ',"usage":null}';

/**
 * The JSON of `chunk` without its `usage` member (what {@link shapeChunk} makes of a chunk with
 * choices when the caller did not ask for usage). When `usage` is `null` and is the provider
 * text's last member (its only `"usage"`), that text less the member says the same.
 */
export function withoutUsageJson(chunk: ChatChunk): string {
  const raw = chunkJsonOf(chunk);
  if (raw !== undefined && chunk.usage === null && raw.endsWith(NULL_USAGE) && raw.indexOf('"usage"') === raw.length - 13) return `${raw.slice(0, -14)}}`;
  const { usage: _usage, ...rest } = chunk;
  return JSON.stringify(rest);
}

/**
 * What {@link shapeChunk} makes of `chunk`, as JSON — the provider's text where it says the same
 * (no copy made to serialise); `undefined` to drop the chunk.
 */
function shapedJson(chunk: ChatChunk, includeUsage: boolean): string | undefined {
  if (includeUsage || !('usage' in chunk)) return jsonOf(chunk);
  return chunk.choices.length === 0 ? undefined : withoutUsageJson(chunk);
}

/** True when one of the chunk's choices carries a finish reason (its last content chunk). */
function finishes(chunk: ChatChunk): boolean {
  for (const c of chunk.choices) if (c.finish_reason) return true;
  return false;
}

function usageChunk(template: ChatChunk | undefined, usage: Usage, model: string): ChatChunk {
  return { id: template?.id ?? 'chatcmpl-lifeline', object: 'chat.completion.chunk', created: template?.created ?? Math.floor(Date.now() / 1000), model: template?.model ?? model, choices: [], usage };
}

/**
 * Writes `stream` (whose first chunk was already read, so pre-content failures could still become a
 * proper HTTP error) to `res` as SSE, honouring backpressure.
 *
 * @param res - the raw response (its head is written here)
 * @param stream - the Lifeline stream
 * @param it - its iterator
 * @param first - the first result read from `it`
 * @param options - usage, headers, secrets
 * @returns how the stream ended
 */
export async function writeEventStream(
  res: ServerResponse,
  stream: LifelineStream,
  it: AsyncIterator<ChatChunk>,
  first: IteratorResult<ChatChunk>,
  options: EventStreamOptions,
): Promise<StreamOutcome> {
  const headFailure = writeStreamHead(res, options.headers);
  if (headFailure) return releaseAfterHeadFailure(it, stream, headFailure);
  // No flushHeaders(): the head goes out with the first event, in one write.
  const out = new EventWriter(res);
  let last: ChatChunk | undefined;
  let sawUsage = false;
  let heldUsage: ChatChunk | undefined;
  try {
    // Chunks that already arrived (taken without a promise) go out together in one write; when
    // none is ready, what is queued is written at once, then the next chunk is awaited.
    for (let r = first; !r.done; ) {
      const chunk = r.value;
      last = chunk;
      const usage = options.includeUsage && chunk.usage;
      if (usage) sawUsage = true;
      if (usage && chunk.choices.length === 0) {
        heldUsage = chunk; // sent with the tail: a continued stream's usage covers every attempt
      } else {
        const json = shapedJson(chunk, options.includeUsage);
        if (json !== undefined) {
          if (finishes(chunk)) out.finishing();
          const wait = out.queue(`data: ${json}\n\n`);
          if (wait) await wait;
        }
      }
      const taken = takeFrom(it);
      if (taken) {
        r = taken;
        continue;
      }
      const wait = out.send();
      if (wait) await wait;
      r = await it.next();
    }
    const { response, meta } = await stream.result;
    let tail = '';
    if (heldUsage) tail += `data: ${jsonOf(contributorsOf(meta).length > 1 && meta.usage ? { ...heldUsage, usage: meta.usage } : heldUsage)}\n\n`;
    if (options.includeUsage && !sawUsage) {
      const usage = response.usage ?? meta.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
      tail += `data: ${JSON.stringify(usageChunk(last, usage, response.model))}\n\n`;
    }
    tail += `: lifeline ${JSON.stringify(summarize(meta))}\n\ndata: [DONE]\n\n`;
    if (res.destroyed || res.writableEnded) throw new AbortError('The client disconnected during the stream');
    out.end(tail, trailersOf(meta));
    return { ok: true, meta };
  } catch (error) {
    return endBroken(res, out, it, stream, error, () => `data: ${JSON.stringify(toErrorResponse(error, options.secrets).body)}\n\n`);
  }
}

/**
 * Writes the head of an event stream: status 200, SSE headers, the trailers it will end with, and
 * `headers`. When Node refuses a header, the client gets a 500 (or a closed connection) instead of
 * a hang, and the error is returned.
 */
export function writeStreamHead(res: ServerResponse, headers: Record<string, string>): Error | undefined {
  return writeHead(res, { ...SSE_HEAD, ...headers });
}

/**
 * After {@link writeStreamHead} failed (the client already got a 500 or a closed connection):
 * releases the upstream and reports the stream as failed.
 */
export function releaseAfterHeadFailure(it: AsyncIterator<ChatChunk>, stream: LifelineStream, error: Error): StreamOutcome {
  void Promise.resolve(it.return?.()).catch(() => {});
  return { ok: false, error, meta: stream.meta };
}

/**
 * Ends a stream that broke: releases the upstream and, when the client is still there, writes
 * the `: lifeline` summary, then the dialect's error event (`errorEvent()`), then the trailers.
 */
export function endBroken(res: ServerResponse, out: EventWriter, it: AsyncIterator<ChatChunk>, stream: LifelineStream, error: unknown, errorEvent: () => string): StreamOutcome {
  void Promise.resolve(it.return?.()).catch(() => {});
  const meta = stream.meta;
  if (!res.destroyed && !res.writableEnded) out.end(`: lifeline ${JSON.stringify(summarize(meta))}\n\n${errorEvent()}`, trailersOf(meta));
  return { ok: false, error, meta };
}

/** The final `x-lifeline-*` values, sent as HTTP trailers at the end of a stream. */
export function trailersOf(meta: Meta): Record<string, string> {
  // Each value made safe as it is set (what `safeHeaders` does, without a second object).
  const trailers: Record<string, string> = { 'x-lifeline-attempts': String(meta.attemptLog.length) };
  putSafeHeader(trailers, 'x-lifeline-provider', meta.provider ?? 'none');
  putSafeHeader(trailers, 'x-lifeline-providers', contributorsOf(meta).join(', ') || 'none');
  if (meta.costUsd !== undefined) trailers['x-lifeline-cost-usd'] = formatUsd(meta.costUsd);
  return trailers;
}
