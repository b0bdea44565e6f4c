/**
 * The innermost step: sends `ctx.request` to `ctx.target` (`chat`, `stream`, or `embed` on
 * embedding calls) and records the attempt.
 * @module
 */
import { abortReason } from './abort.js';
import { raceContext } from './race.js';
import type { Adapter, ResponseInfo } from './adapter.js';
import { PipelineCall } from './pipeline-call.js';
import { isContentChunk } from './assemble.js';
import type { Context } from './context.js';
import { ConfigurationError, LifelineError } from './errors.js';
import { type AttemptStartEvent, lifelineChannel, publish } from './events.js';
import type { AttemptRecord } from './meta.js';
import type { Next } from './middleware.js';
import { tapStream } from './tap.js';
import type { ChatChunk } from './types.js';
import { embedAttempt, noEmbeddingsApi } from './terminal-embed.js';

/** `lifeline:attempt:start`, looked up once. */
const starting = lifelineChannel('lifeline:attempt:start');

/** Builds the terminal `next` that calls `ctx.target ?? fallbackAdapter`. */
export function createTerminal(fallbackAdapter?: Adapter): Next {
  return async function terminal(ctx?: Context): Promise<void> {
    if (!ctx) throw new ConfigurationError('terminal: called without a context');
    const target = ctx.target ?? fallbackAdapter;
    if (!target) {
      throw new ConfigurationError(
        'No adapter to call: pass createClient({ adapter }) or add a middleware that sets ctx.target (did you forget failover([...])?)',
      );
    }
    if (ctx.aborted) throw abortReason(ctx, target.name);
    const embedding = ctx.operation === 'embed';
    if (embedding && typeof target.embed !== 'function') throw noEmbeddingsApi(target);
    const clock = ctx.clock;
    const startedAt = clock.now();
    const record: AttemptRecord = { target: target.name, model: ctx.request.model, startedAt, outcome: 'pending' };
    const log = ctx.meta.attemptLog;
    log.push(record);
    ctx.meta.attempts = log.length;
    const call = new PipelineCall(ctx, (info: ResponseInfo) => {
      if (info.key !== undefined) {
        // A key pool re-sent the attempt with another key: keep the one set aside.
        if (record.key !== undefined) (record.keysTried ??= []).push({ key: record.key, ...(record.status !== undefined && { status: record.status }) });
        record.key = info.key;
      }
      record.status = info.status;
      if (info.requestId !== undefined) record.requestId = info.requestId;
      if (info.rateLimit !== undefined) ctx.meta.rateLimit = info.rateLimit;
    });
    if (starting.hasSubscribers) {
      const headers: Record<string, string> = {};
      call.headers = headers;
      starting.publish({ ctx, attempt: record, headers } satisfies AttemptStartEvent);
    }
    try {
      if (ctx.streaming) {
        const stream = await raceContext(target.stream(ctx.request, call), ctx);
        ctx.stream = trackStream(stream, ctx, record);
        ctx.response = undefined;
      } else if (embedding) {
        await embedAttempt(ctx, target, call, record);
        publish('lifeline:attempt', () => ({ ctx, attempt: record }));
      } else {
        const response = await raceContext(target.chat(ctx.request, call), ctx);
        record.outcome = 'ok';
        record.latencyMs = clock.now() - startedAt;
        if (response.usage) record.usage = response.usage;
        ctx.response = response;
        ctx.stream = undefined;
        ctx.meta.model = response.model || ctx.request.model;
        publish('lifeline:attempt', () => ({ ctx, attempt: record }));
      }
      ctx.meta.provider = target.name;
      if (ctx.streaming) ctx.meta.model = ctx.request.model;
      if (record.requestId !== undefined) ctx.meta.requestId = record.requestId;
    } catch (err) {
      const error = ctx.aborted && !(err instanceof LifelineError) ? abortReason(ctx, target.name) : err;
      fail(record, error, clock.now());
      publish('lifeline:attempt', () => ({ ctx, attempt: record, error }));
      throw error;
    }
  };
}

function fail(record: AttemptRecord, error: unknown, now: number): void {
  record.outcome = 'error';
  record.latencyMs = now - record.startedAt;
  if (error instanceof LifelineError) {
    record.errorCode = error.code;
    if (error.status !== undefined) record.status = error.status;
  } else {
    record.errorCode = 'unknown';
  }
  record.errorMessage = error instanceof Error ? error.message : String(error);
}

/** Passes the attempt's chunks through, recording time to first token, usage, model and how it ended. */
function trackStream(stream: AsyncIterable<ChatChunk>, ctx: Context, record: AttemptRecord): AsyncIterable<ChatChunk> {
  const clock = ctx.clock;
  let sawContent = false;
  return tapStream(stream, {
    chunk(chunk) {
      if (!sawContent && isContentChunk(chunk)) {
        sawContent = true;
        record.timeToFirstTokenMs = clock.now() - record.startedAt;
      }
      if (chunk.usage) record.usage = chunk.usage;
      if (chunk.model && ctx.meta.model !== chunk.model) ctx.meta.model = chunk.model;
    },
    end() {
      record.outcome = 'ok';
      record.latencyMs = clock.now() - record.startedAt;
      publish('lifeline:attempt', () => ({ ctx, attempt: record }));
    },
    error(err) {
      const error = ctx.aborted && !(err instanceof LifelineError) ? abortReason(ctx, record.target) : err;
      fail(record, error, clock.now());
      publish('lifeline:attempt', () => ({ ctx, attempt: record, error }));
      return error;
    },
    finally() {
      if (record.outcome === 'pending') {
        // The consumer stopped early.
        record.outcome = 'error';
        record.errorCode = 'abort';
        record.latencyMs = clock.now() - record.startedAt;
      }
    },
  });
}
