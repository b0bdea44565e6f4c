/**
 * Writing a Lifeline stream as OpenAI-style server-sent events.
 *
 * Wire format: `data: <chunk>` events flushed as they arrive; then `: lifeline <json>` (a comment,
 * skipped by SDKs, carrying the final cost and route) and `data: [DONE]`; the same final
 * `x-lifeline-*` values are also sent as HTTP trailers. A stream that breaks ends with
 * `data: {"error":{…}}` and no `[DONE]`, which the official SDKs raise as an error.
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { ChatChunk, LifelineStream, Meta, Usage } from '@lifeline/core';
import { AbortError } from '@lifeline/core';
import { toErrorResponse } from './errors.js';
import { formatUsd, summarize } from './meta.js';

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

const TRAILERS = ['x-lifeline-cost-usd', 'x-lifeline-attempts', 'x-lifeline-provider'];

function write(res: ServerResponse, data: string): Promise<void> | undefined {
  if (res.destroyed || res.writableEnded) throw new AbortError('The client disconnected during the stream');
  if (res.write(data)) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** The chunk as the caller asked for it: usage removed unless `include_usage`; `undefined` to drop it. */
export function shapeChunk(chunk: ChatChunk, includeUsage: boolean): ChatChunk | undefined {
  if (includeUsage || !('usage' in chunk)) return chunk;
  if (chunk.choices.length === 0) return undefined;
  const { usage: _usage, ...rest } = chunk;
  return rest as ChatChunk;
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
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    trailer: TRAILERS.join(', '),
    ...options.headers,
  });
  res.flushHeaders();
  let last: ChatChunk | undefined;
  let sawUsage = false;
  try {
    for (let r = first; !r.done; r = await it.next()) {
      last = r.value;
      const shaped = shapeChunk(r.value, options.includeUsage);
      if (!shaped) continue;
      if (shaped.usage) sawUsage = true;
      await write(res, `data: ${JSON.stringify(shaped)}\n\n`);
    }
    const { response, meta } = await stream.result;
    if (options.includeUsage && !sawUsage) {
      const usage = response.usage ?? meta.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
      await write(res, `data: ${JSON.stringify(usageChunk(last, usage, response.model))}\n\n`);
    }
    await write(res, `: lifeline ${JSON.stringify(summarize(meta))}\n\n`);
    await write(res, 'data: [DONE]\n\n');
    finish(res, meta);
    return { ok: true, meta };
  } catch (error) {
    void Promise.resolve(it.return?.()).catch(() => {});
    const meta = stream.meta;
    if (!res.destroyed && !res.writableEnded) {
      const { body } = toErrorResponse(error, options.secrets);
      res.write(`: lifeline ${JSON.stringify(summarize(meta))}\n\n`);
      res.write(`data: ${JSON.stringify(body)}\n\n`);
      finish(res, meta);
    }
    return { ok: false, error, meta };
  }
}

function finish(res: ServerResponse, meta: Meta): void {
  const trailers: Record<string, string> = { 'x-lifeline-attempts': String(meta.attemptLog.length), 'x-lifeline-provider': meta.provider ?? 'none' };
  if (meta.costUsd !== undefined) trailers['x-lifeline-cost-usd'] = formatUsd(meta.costUsd);
  res.addTrailers(trailers);
  res.end();
}
