/**
 * `POST /v1/chat/completions` (OpenAI-compatible) and `POST /api/chat` (the seed's simplified endpoint).
 * @module
 */
import { responseJsonOf, type ChatRequest, type ChatResponse, type Meta } from '@lifeline/core';
import type { FastifyInstance } from 'fastify';
import { runChat, runStream } from '../call.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { summarize } from '../meta.js';
import { apiChatBody, chatCompletionBody } from '../schemas.js';

/** The seed's `POST /api/chat` response. */
export interface ApiChatResponse {
  content: string;
  provider: string | null;
  latencyMs: number | null;
  tokensUsed: number;
  costUsd: number | null;
  model: string | null;
  degraded: boolean;
  cache: string;
}

/** The content type Fastify gives a JSON answer. */
const JSON_TYPE = 'application/json; charset=utf-8';
const EMPTY_OBJECT = /^\{\s*\}$/;

/**
 * The JSON answer as the provider's own text with the `lifeline` summary added as its last member
 * (what `{ ...response, lifeline: summarize(meta) }` serialises to, without serialising the answer
 * again), when the adapter kept that text for this very object (pipelines that vouch nothing
 * changes answers in place) and the answer has no `lifeline` of its own; else `undefined`.
 */
export function withSummaryJson(response: ChatResponse, meta: Meta): string | undefined {
  const text = responseJsonOf(response);
  if (text === undefined || 'lifeline' in response || text.charCodeAt(text.length - 1) !== 0x7d /* } */) return undefined;
  // `{}` (no member yet) takes no comma.
  const comma = text.length < 16 && EMPTY_OBJECT.test(text) ? '' : ',';
  return `${text.slice(0, -1)}${comma}"lifeline":${JSON.stringify(summarize(meta))}}`;
}

/** Registers the chat endpoints. */
export function chatRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/v1/chat/completions', { schema: { body: chatCompletionBody } }, async (req, reply) => {
    const { stream, stream_options, ...request } = req.body as ChatRequest;
    if (stream === true) {
      await runStream(ctx, req, reply, request as ChatRequest, stream_options?.include_usage === true);
      return reply;
    }
    const { response, meta } = await runChat(ctx, req, reply, 'chat.completions', request as ChatRequest);
    const spliced = withSummaryJson(response, meta);
    if (spliced !== undefined) return reply.type(JSON_TYPE).send(spliced);
    // The answer's own `lifeline` object (if any) merged with the summary; copied only then.
    const own = response.lifeline;
    return { ...response, lifeline: typeof own === 'object' && own !== null ? { ...own, ...summarize(meta) } : summarize(meta) };
  });

  app.post('/api/chat', { schema: { body: apiChatBody } }, async (req, reply): Promise<ApiChatResponse> => {
    const body = req.body as { messages: ChatRequest['messages']; model?: string; temperature?: number; maxTokens?: number };
    const model = body.model ?? ctx.defaultModel;
    if (model === undefined) throw new HttpError(400, 'model is required (this gateway has no server.defaultModel)', 'invalid_request_error', 'model', null);
    const request: ChatRequest = { model, messages: body.messages };
    if (body.temperature !== undefined) request.temperature = body.temperature;
    if (body.maxTokens !== undefined) request.max_tokens = body.maxTokens;
    const { response, meta } = await runChat(ctx, req, reply, 'api.chat', request);
    const content = response.choices[0]?.message.content;
    const usage = meta.usage ?? response.usage ?? undefined;
    return {
      content: typeof content === 'string' ? content : '',
      provider: meta.provider ?? null,
      latencyMs: meta.latencyMs ?? null,
      tokensUsed: usage ? usage.total_tokens : 0,
      costUsd: meta.costUsd ?? null,
      model: meta.model ?? null,
      degraded: meta.degraded === true,
      cache: meta.cache ?? 'none',
    };
  });
}
