/**
 * Running one embedding request through its route, with the shared routing, call options,
 * headers, metrics, stats and logs.
 * @module
 */
import type { EmbeddingRequest, EmbeddingResult } from '@lifeline/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { callOptions, observe, routeFor } from '../../call.js';
import type { ServerContext } from '../../context.js';
import { HttpError, toErrorResponse } from '../../errors.js';
import { metaHeaders } from '../../meta.js';
import { embeddingError, embeddingHeaders } from './translate.js';

/** The endpoint label of embedding requests in metrics and logs. */
export const EMBEDDINGS_ENDPOINT = 'embeddings';

/**
 * Runs an embedding call and sets the `x-lifeline-*` headers.
 *
 * @throws whatever the pipeline throws (the error handler turns it into an OpenAI error)
 */
export async function runEmbed(ctx: ServerContext, req: FastifyRequest, reply: FastifyReply, request: EmbeddingRequest): Promise<EmbeddingResult> {
  const route = routeFor(ctx, request.model);
  if (typeof route.client.embed !== 'function') {
    throw new HttpError(400, `The model '${request.model}' has no embeddings on this gateway: its route's client has no embed()`, 'invalid_request_error', 'model', 'model_not_supported');
  }
  const { options, trace, tenant } = callOptions(ctx, req);
  try {
    const result = await route.client.embed(request, options);
    void reply.headers({ ...metaHeaders(result.meta), ...embeddingHeaders(result.meta) });
    observe(ctx, req, EMBEDDINGS_ENDPOINT, 200, false, tenant, result.meta);
    return result;
  } catch (caught) {
    const error = embeddingError(caught, request.model);
    if (trace.meta) void reply.headers({ ...metaHeaders(trace.meta), ...embeddingHeaders(trace.meta) });
    observe(ctx, req, EMBEDDINGS_ENDPOINT, toErrorResponse(error).status, false, tenant, trace.meta, error);
    throw error;
  }
}
