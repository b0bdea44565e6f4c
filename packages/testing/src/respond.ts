/**
 * Carries out one step on one response: delay, hang, TCP reset, the bytes of a `raw` step,
 * malformed JSON, HTTP-200 error body, an error status with the vendor's body and headers, or a
 * JSON or streamed reply.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { retryMs } from './durations.js';
import type { ErrorPreset, FlavorImpl, RenderContext, WireResponse } from './flavors/flavor.js';
import { resolveEmbeddings } from './embeddings.js';
import { rawResponse } from './raw.js';
import { resolveReply } from './reply.js';
import type { ConcreteStep } from './script.js';
import { writeStream } from './sse.js';
import type { Timers } from './timers.js';
import { resetNow } from './transport.js';
import type { ErrorStep, PresetStep, RateLimitSpec, ReplyStep } from './types.js';

/** Server-wide settings a response needs. */
export interface Runtime {
  /** The wire format. */
  flavor: FlavorImpl;
  /** The server's timers. */
  timers: Timers;
  /** Default reply text. */
  text: string;
  /** Words per stream chunk. */
  chunkSize: number | undefined;
  /** Exact number of stream chunks. */
  chunks: number | undefined;
  /** Rate-limit headers for every reply. */
  rateLimit: RateLimitSpec | undefined;
  /** Width of embedding vectors when the request sets none. */
  embeddingDimensions: number;
}

/**
 * Answers a script step that could not be sent (a status or a header Node refuses): 500 with a body
 * that names the problem, so the test sees why instead of an exception thrown inside the server;
 * a connection whose head already went out is closed.
 */
export function stepFailed(res: ServerResponse, error: unknown): void {
  if (res.destroyed) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const reason = error instanceof Error ? error.message : String(error);
  const message = `mock provider: the script step could not be sent: ${reason}`;
  res.writeHead(500, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type: 'mock_step_error', param: null, code: null } }));
}

/** Writes a complete answer. */
export function send(res: ServerResponse, wire: WireResponse): void {
  if (res.destroyed) return;
  res.writeHead(wire.status, wire.headers);
  res.end(wire.body);
}

function baseHeaders(rt: Runtime, ctx: RenderContext, contentType: string, rateLimit: RateLimitSpec | undefined) {
  const h: Record<string, string> = { 'content-type': contentType };
  if (rt.flavor.requestIdHeader) h[rt.flavor.requestIdHeader] = ctx.requestId;
  if (rateLimit) Object.assign(h, rt.flavor.rateLimitHeaders(rateLimit, ctx));
  return h;
}

function errorResponse(
  rt: Runtime,
  step: ErrorStep | PresetStep,
  ctx: RenderContext,
  rms: number | undefined,
  preset?: ErrorPreset,
): WireResponse {
  const status = step.status ?? preset?.status ?? 500;
  const details = preset ? { ...preset.error, ...step.error } : step.error;
  const retryAfter = step.retryAfter ?? preset?.retryAfter;
  const headers = baseHeaders(rt, ctx, 'application/json', step.rateLimit ?? preset?.rateLimit);
  if (!rt.flavor.retryInBody) {
    if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
    if (step.retryAfterMs !== undefined) headers['retry-after-ms'] = String(step.retryAfterMs);
  }
  if (step.shouldRetry !== undefined) headers['x-should-retry'] = String(step.shouldRetry);
  if (step.headers) Object.assign(headers, step.headers);
  let body: string;
  if (step.body !== undefined) body = typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
  else body = JSON.stringify(rt.flavor.errorBody(status, details, ctx, rt.flavor.retryInBody ? rms : undefined));
  return { status, headers, body };
}

function reply(rt: Runtime, res: ServerResponse, step: ReplyStep, ctx: RenderContext, stream: boolean): void {
  if (ctx.embedding && rt.flavor.embeddings) {
    const { call, match } = ctx.embedding;
    const resolved = resolveEmbeddings(call, step.reply, { model: ctx.model, defaultDimensions: rt.embeddingDimensions });
    const headers = baseHeaders(rt, ctx, 'application/json', step.rateLimit ?? rt.rateLimit);
    if (step.headers) Object.assign(headers, step.headers);
    const lead = step.leadingBlankLines ? '\n'.repeat(step.leadingBlankLines) : '';
    send(res, { status: 200, headers, body: lead + rt.flavor.embeddings.json(resolved, match, ctx) });
    return;
  }
  const resolved = resolveReply(step.reply, {
    defaultText: rt.text,
    model: ctx.model,
    promptTokens: ctx.promptTokens,
    seq: ctx.seq,
    idPrefix: rt.flavor.idPrefix,
    chunkSize: rt.chunkSize,
    chunks: rt.chunks,
    prefill: ctx.prefill,
  });
  const rateLimit = step.rateLimit ?? rt.rateLimit;
  if (stream) {
    const faults = step.stream ?? {};
    const render = rt.flavor.stream(resolved, ctx, faults);
    const headers = baseHeaders(rt, ctx, render.contentType, rateLimit);
    headers['cache-control'] = 'no-cache';
    if (step.headers) Object.assign(headers, step.headers);
    res.writeHead(200, headers);
    writeStream(res, render, faults, rt.timers);
    return;
  }
  const headers = baseHeaders(rt, ctx, 'application/json', rateLimit);
  if (step.headers) Object.assign(headers, step.headers);
  const lead = step.leadingBlankLines ? '\n'.repeat(step.leadingBlankLines) : '';
  send(res, { status: 200, headers, body: lead + rt.flavor.json(resolved, ctx) });
}

/** Carries out `step` now (the caller has applied the delays). */
export function execute(
  rt: Runtime,
  req: IncomingMessage,
  res: ServerResponse,
  step: ConcreteStep,
  ctx: RenderContext,
  stream: boolean,
): void {
  if (res.destroyed) return;
  if ('requestId' in step && step.requestId) ctx.requestId = step.requestId;
  if ('hang' in step) return;
  if ('reset' in step) {
    resetNow(res);
    return;
  }
  if ('raw' in step) {
    send(res, rawResponse(rt.flavor, step, ctx, stream));
    return;
  }
  const headers = (extra?: Record<string, string>) => ({
    ...baseHeaders(rt, ctx, 'application/json', step.rateLimit),
    ...extra,
  });
  if ('malformedJson' in step) {
    send(res, { status: 200, headers: headers(step.headers), body: rt.flavor.malformedJson(ctx) });
    return;
  }
  if ('errorBody200' in step) {
    const details = step.errorBody200 === true ? undefined : step.errorBody200;
    send(res, { status: 200, headers: headers(step.headers), body: rt.flavor.errorBody200(details, ctx) });
    return;
  }
  if ('preset' in step || 'status' in step) {
    const rms = retryMs(step.retryAfter, step.retryAfterMs, Date.now());
    if ('preset' in step) {
      const preset = rt.flavor.preset(step.preset, ctx, rms);
      if ('reply' in preset) {
        reply(rt, res, { reply: preset.reply, headers: step.headers, rateLimit: step.rateLimit }, ctx, stream);
        return;
      }
      const effective = rms ?? retryMs(preset.retryAfter, undefined, Date.now());
      send(res, errorResponse(rt, step, ctx, effective, preset));
      return;
    }
    send(res, errorResponse(rt, step, ctx, rms));
    return;
  }
  reply(rt, res, step, ctx, stream);
}
