/**
 * The OpenAI Responses API front door: `POST /v1/responses` (JSON and SSE),
 * `GET /v1/responses/{id}` and `DELETE /v1/responses/{id}`. Requests become core chat requests and
 * run through the model's route like `/v1/chat/completions` (failover, retry, breakers, cache,
 * budgets, cost, auth, tenants, metrics, `x-lifeline-*` headers), so any upstream vendor serves them.
 * @module
 */
import type { ChatMessage } from '@lifeline/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { openStream, runChat } from '../../call.js';
import type { ServerContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { summarize } from '../../meta.js';
import { isResponseId, newResponseIds } from './ids.js';
import { toMessages } from './input.js';
import { toChatRequest } from './request.js';
import { responseObject, statusOf, toOutput, toUsage, type ResponseEnvelope } from './response.js';
import { responsesBody } from './schema.js';
import { keep, previousContext, readKept, resolveReferences, scopeOf } from './state.js';
import { ResponseStreamEvents } from './stream-events.js';
import type { ResponsesBody } from './types.js';
import { writeResponseStream } from './write.js';

interface Prepared {
  envelope: ResponseEnvelope;
  /** The conversation without the instructions: what a continuation starts from. */
  context: ChatMessage[];
  request: ReturnType<typeof toChatRequest>;
}

async function prepare(ctx: ServerContext, scope: string, body: ResponsesBody): Promise<Prepared> {
  const previous = typeof body.previous_response_id === 'string' ? await previousContext(ctx.responses, scope, body.previous_response_id) : [];
  const input = await resolveReferences(ctx.responses, scope, body.input);
  const context = [...previous, ...toMessages(input)];
  const instructions: ChatMessage[] = typeof body.instructions === 'string' && body.instructions !== '' ? [{ role: 'system', content: body.instructions }] : [];
  const request = toChatRequest(body, [...instructions, ...context]);
  const envelope: ResponseEnvelope = { ids: newResponseIds(), createdAt: Math.floor(Date.now() / 1000), body, store: body.store !== false && ctx.responses !== undefined };
  return { envelope, context, request };
}

function notFound(id: string): HttpError {
  return new HttpError(404, `Response with id '${id}' not found.`, 'invalid_request_error', 'response_id', 'not_found');
}

/** Registers the Responses API endpoints. */
export function responsesRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/v1/responses', { schema: { body: responsesBody } }, async (req, reply) => {
    const body = req.body as ResponsesBody;
    const scope = scopeOf(ctx, req);
    const { envelope, context, request } = await prepare(ctx, scope, body);
    const store = envelope.store ? ctx.responses : undefined;
    if (body.stream === true) {
      const opened = await openStream(ctx, req, reply, 'responses', request);
      const events = new ResponseStreamEvents(envelope, request.model);
      const beforeEnd = (final: Parameters<typeof keep>[2]) => keep(store, scope, final, context);
      opened.done(await writeResponseStream(reply.raw, opened, events, { secrets: ctx.secrets(), beforeEnd }));
      return reply;
    }
    const { response, meta } = await runChat(ctx, req, reply, 'responses', request);
    const { status, incomplete } = statusOf(response.choices[0]?.finish_reason);
    const output = toOutput(response, envelope.ids, status === 'completed' ? 'completed' : 'incomplete');
    const object = responseObject(envelope, { status, incomplete, model: response.model || request.model, output, usage: toUsage(response.usage ?? meta.usage) });
    await keep(store, scope, object, context);
    return { ...object, lifeline: summarize(meta) };
  });

  const byId = (req: FastifyRequest) => {
    const id = (req.params as { id: string }).id;
    if (!isResponseId(id)) throw notFound(id);
    return id;
  };

  app.get('/v1/responses/:id', async (req) => {
    const id = byId(req);
    if ((req.query as { stream?: string }).stream === 'true') {
      throw new HttpError(400, 'Invalid request: stream is not supported when retrieving a stored response: retrieve it as JSON', 'invalid_request_error', 'stream', 'unsupported_parameter');
    }
    const kept = await readKept(ctx.responses, scopeOf(ctx, req), id);
    if (!kept) throw notFound(id);
    return kept.response;
  });

  app.delete('/v1/responses/:id', async (req) => {
    const id = byId(req);
    const scope = scopeOf(ctx, req);
    if (!(await readKept(ctx.responses, scope, id))) throw notFound(id);
    await ctx.responses?.delete(scope, id);
    return { id, object: 'response.deleted', deleted: true };
  });
}
