/**
 * `POST /v1/embeddings`: the OpenAI embeddings front door. The official SDK's
 * `embeddings.create` (float, and its default base64) works unchanged; routing, auth, tenants,
 * the middleware stack, metrics and `x-lifeline-*` headers are the gateway's shared ones.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.js';
import { runEmbed } from './run.js';
import { embeddingsBody } from './schema.js';
import { toEmbeddingBody, toEmbeddingRequest } from './translate.js';

/** Registers `POST /v1/embeddings`. */
export function embeddingsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/v1/embeddings', { schema: { body: embeddingsBody } }, async (req, reply) => {
    const { response, meta } = await runEmbed(ctx, req, reply, toEmbeddingRequest(req.body as Record<string, unknown>));
    return toEmbeddingBody(response, meta);
  });
}
