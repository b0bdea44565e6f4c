/**
 * Running one request through its route: JSON or stream, with headers, metrics, stats and logs.
 * @module
 */
import type { ChatRequest, ChatResult, LifelineStream, Meta } from '@lifeline/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayRoute } from '../pipeline/types.js';
import { requestState, type ServerContext } from './context.js';
import { HttpError, toErrorResponse } from './errors.js';
import { metaHeaders } from './meta.js';
import { writeEventStream } from './sse.js';
import { traced, type Trace } from './trace.js';

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
  const tenant = state.key?.tenant;
  const cacheControl = cacheControlOf(req.headers['cache-control']);
  const { metadata, trace } = traced({
    requestId: req.id,
    ...(tenant !== undefined && { tenant }),
    ...(state.key && { keyName: state.key.name }),
    ...(cacheControl !== undefined && { cacheControl }),
  });
  const options: { signal: AbortSignal; timeoutMs?: number; metadata: Record<string, unknown> } = { signal: state.controller.signal, metadata };
  if (ctx.requestTimeoutMs !== undefined) options.timeoutMs = ctx.requestTimeoutMs;
  return { options, trace, tenant };
}

/** Records a finished call in stats, metrics and the log. */
export function observe(ctx: ServerContext, req: FastifyRequest, endpoint: string, status: number, stream: boolean, tenant: string | undefined, meta: Meta | undefined, error?: unknown): void {
  if (meta) ctx.stats.record(meta.attemptLog);
  ctx.metrics.observe({ endpoint, status, stream, tenant, meta });
  const fields = {
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
  if (error !== undefined && status >= 500) req.log.warn({ ...fields, error: toErrorResponse(error, ctx.secrets()).body.error.message }, 'request failed');
  else req.log.info(fields, 'request done');
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
    void reply.headers(metaHeaders(result.meta));
    observe(ctx, req, endpoint, 200, false, tenant, result.meta);
    return result;
  } catch (error) {
    const status = toErrorResponse(error).status;
    if (trace.meta) void reply.headers(metaHeaders(trace.meta));
    observe(ctx, req, endpoint, status, false, tenant, trace.meta, error);
    throw error;
  }
}

/**
 * Runs a streaming call. Failures before the first chunk throw (a proper HTTP error); after it,
 * the response is an event stream that ends with `[DONE]` or an in-band error.
 */
export async function runStream(ctx: ServerContext, req: FastifyRequest, reply: FastifyReply, request: ChatRequest, includeUsage: boolean): Promise<void> {
  const route = routeFor(ctx, request.model);
  const { options, trace, tenant } = callOptions(ctx, req);
  let stream: LifelineStream;
  let it: AsyncIterator<import('@lifeline/core').ChatChunk>;
  let first: IteratorResult<import('@lifeline/core').ChatChunk>;
  try {
    stream = route.client.stream(request, options);
    it = stream[Symbol.asyncIterator]();
    first = await it.next();
  } catch (error) {
    if (trace.meta) void reply.headers(metaHeaders(trace.meta));
    observe(ctx, req, 'chat.completions', toErrorResponse(error).status, true, tenant, trace.meta, error);
    throw error;
  }
  reply.hijack();
  const headers = { ...metaHeaders(stream.meta, false), 'x-request-id': String(req.id) };
  const outcome = await writeEventStream(reply.raw, stream, it, first, { includeUsage, headers, secrets: ctx.secrets() });
  observe(ctx, req, 'chat.completions', outcome.ok ? 200 : toErrorResponse(outcome.error).status, true, tenant, outcome.meta, outcome.ok ? undefined : outcome.error);
}
