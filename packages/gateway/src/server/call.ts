/**
 * Running one request through its route: JSON or stream, with headers, metrics, stats and logs.
 * @module
 */
import { CHUNK_JSON, RESPONSE_JSON, type ChatChunk, type ChatRequest, type ChatResult, type LifelineStream, type Meta } from '@lifeline/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayRoute } from '../pipeline/types.js';
import { requestState, type ServerContext } from './context.js';
import { HttpError, toErrorResponse } from './errors.js';
import { metaHeaders, putMetaHeaders } from './meta.js';
import type { RequestLine } from './request-log.js';
import { writeEventStream, type StreamOutcome } from './sse.js';
import { traceInto, type Trace } from './trace.js';
import { incomingTraceContext, TRACE_CONTEXT } from '../telemetry/incoming.js';

/** Finds the route of `model`, or throws the 404 `model_not_found`. */
export function routeFor(ctx: ServerContext, model: string): GatewayRoute {
  const route = ctx.pipeline.route(model);
  if (route) return route;
  throw new HttpError(404, `The model '${model}' is not served by this gateway: no route matches it. GET /v1/models lists the models it serves.`, 'invalid_request_error', 'model', 'model_not_found');
}

const CACHE_DIRECTIVE = /^(no-store|no-cache|max-age=\d+)$/i;

/** The request's `Cache-Control` directives the cache understands (`no-store`, `no-cache`, `max-age=N`); others are ignored. */
export function cacheControlOf(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text) return undefined;
  const kept = text.split(',').map((d) => d.trim()).filter((d) => CACHE_DIRECTIVE.test(d));
  return kept.length > 0 ? kept.join(', ') : undefined;
}

/** Per-call options of a request: its signal, the gateway deadline, and metadata (tenant, key, request id, cache directives) with a trace. */
export function callOptions(ctx: ServerContext, req: FastifyRequest): { options: { signal: AbortSignal; timeoutMs?: number; metadata: Record<string, unknown> }; trace: Trace; tenant: string | undefined } {
  const state = requestState(ctx, req);
  const key = state.key;
  const tenant = key?.tenant;
  const cacheControl = cacheControlOf(req.headers['cache-control']);
  // Built field by field (no spread objects per request), in the order the fields always had.
  const metadata: Record<string | symbol, unknown> = { requestId: req.id };
  if (tenant !== undefined) metadata.tenant = tenant;
  if (key) metadata.keyName = key.name;
  if (cacheControl !== undefined) metadata.cacheControl = cacheControl;
  const carrier = incomingTraceContext(req.headers);
  if (carrier) metadata[TRACE_CONTEXT] = carrier;
  // Asks the adapters for the provider's JSON texts (chunks and answers) when the pipeline vouches nothing changes them in place.
  if (ctx.pipeline.chunksUnchanged === true) {
    metadata[CHUNK_JSON] = true;
    metadata[RESPONSE_JSON] = true;
  }
  const trace = traceInto(metadata);
  const options: { signal: AbortSignal; timeoutMs?: number; metadata: Record<string, unknown> } = { signal: state.controller.signal, metadata: metadata as Record<string, unknown> };
  if (ctx.requestTimeoutMs !== undefined) options.timeoutMs = ctx.requestTimeoutMs;
  return { options, trace, tenant };
}

/** The `model` of the request body, when it has one. */
function requestedModel(req: FastifyRequest): string | undefined {
  const model = (req.body as { model?: unknown } | null | undefined)?.model;
  return typeof model === 'string' ? model : undefined;
}

/** Records a finished call in stats, metrics, the status page and the log. */
export function observe(ctx: ServerContext, req: FastifyRequest, endpoint: string, status: number, stream: boolean, tenant: string | undefined, meta: Meta | undefined, error?: unknown): void {
  if (meta) ctx.stats.record(meta.attemptLog);
  ctx.metrics.observe({ endpoint, status, stream, tenant, meta });
  if (meta) ctx.status?.record(meta, status, requestedModel(req));
  const line: RequestLine = {
    endpoint,
    status,
    stream,
    model: meta?.model,
    provider: meta?.provider,
    attempts: meta?.attemptLog.length,
    cache: meta?.cache,
    costUsd: meta?.costUsd,
    degraded: meta?.degraded,
    latencyMs: meta?.latencyMs,
    tenant,
  };
  if (error !== undefined && status >= 500) line.error = toErrorResponse(error, ctx.secrets()).body.error.message;
  ctx.requestLog(req, line);
}

/**
 * Runs a JSON call and sets the `x-lifeline-*` headers.
 *
 * @throws whatever the pipeline throws (the error handler turns it into an OpenAI error)
 */
export async function runChat(ctx: ServerContext, req: FastifyRequest, reply: FastifyReply, endpoint: string, request: ChatRequest): Promise<ChatResult> {
  const route = routeFor(ctx, request.model);
  const { options, trace, tenant } = callOptions(ctx, req);
  try {
    const result = await route.client.chat(request, options);
    putMetaHeaders(reply, result.meta);
    observe(ctx, req, endpoint, 200, false, tenant, result.meta);
    return result;
  } catch (error) {
    const status = toErrorResponse(error).status;
    if (trace.meta) void reply.headers(metaHeaders(trace.meta));
    observe(ctx, req, endpoint, status, false, tenant, trace.meta, error);
    throw error;
  }
}

/** A streaming call whose first chunk has been read: the reply is hijacked, the head not yet written. */
export interface OpenedStream {
  readonly stream: LifelineStream;
  readonly it: AsyncIterator<ChatChunk>;
  readonly first: IteratorResult<ChatChunk>;
  /** Head headers: the `x-lifeline-*` values known at the first chunk, and the request id. */
  readonly headers: Record<string, string>;
  /** Records how the stream ended (stats, metrics, log). */
  done(outcome: StreamOutcome): void;
}

/**
 * Starts a streaming call and reads its first chunk, so that a failure before any content
 * (every target down, rate-limited, a bad request) throws here and becomes a proper HTTP error.
 * Every front door streams through it; each writes its own event format.
 *
 * @param endpoint - the metrics label (`chat.completions`, `responses`)
 * @throws whatever the pipeline throws before the first chunk
 */
export async function openStream(ctx: ServerContext, req: FastifyRequest, reply: FastifyReply, endpoint: string, request: ChatRequest): Promise<OpenedStream> {
  const route = routeFor(ctx, request.model);
  const { options, trace, tenant } = callOptions(ctx, req);
  let stream: LifelineStream;
  let it: AsyncIterator<ChatChunk>;
  let first: IteratorResult<ChatChunk>;
  try {
    stream = route.client.stream(request, options);
    it = stream[Symbol.asyncIterator]();
    first = await it.next();
  } catch (error) {
    if (trace.meta) void reply.headers(metaHeaders(trace.meta));
    observe(ctx, req, endpoint, toErrorResponse(error).status, true, tenant, trace.meta, error);
    throw error;
  }
  reply.hijack();
  const headers = metaHeaders(stream.meta, false);
  headers['x-request-id'] = String(req.id);
  const done = (outcome: StreamOutcome) =>
    observe(ctx, req, endpoint, outcome.ok ? 200 : toErrorResponse(outcome.error).status, true, tenant, outcome.meta, outcome.ok ? undefined : outcome.error);
  return { stream, it, first, headers, done };
}

/**
 * Runs a Chat Completions streaming call. Failures before the first chunk throw (a proper HTTP
 * error); after it, the response is an event stream that ends with `[DONE]` or an in-band error.
 */
export async function runStream(ctx: ServerContext, req: FastifyRequest, reply: FastifyReply, request: ChatRequest, includeUsage: boolean): Promise<void> {
  const s = await openStream(ctx, req, reply, 'chat.completions', request);
  s.done(await writeEventStream(reply.raw, s.stream, s.it, s.first, { includeUsage, headers: s.headers, secrets: ctx.secrets() }));
}
