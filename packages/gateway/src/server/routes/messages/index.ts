/**
 * The Anthropic Messages front door: `POST /v1/messages` (JSON and SSE) and
 * `POST /v1/messages/count_tokens` (an estimate). Requests are translated to the core
 * `ChatRequest` and run through the model's route like any chat call, so failover across vendors,
 * retries, breakers, cache, budgets, cost, tenants, metrics and `x-lifeline-*` headers apply
 * unchanged; answers and errors are translated back into Anthropic's shapes.
 * @module
 */
import { estimatePromptTokens } from '@lifeline/pricing';
import type { FastifyInstance } from 'fastify';
import { observe, openStream, routeFor, runChat } from '../../call.js';
import { requestState, type ServerContext } from '../../context.js';
import type { DialectRouteConfig } from '../../error-dialect.js';
import { summarize } from '../../meta.js';
import { anthropicError } from './errors.js';
import { toChatRequest } from './request.js';
import { toAnthropicMessage } from './response.js';
import { countTokensBody, messagesBody } from './schema.js';
import { writeMessageStream } from './stream.js';
import type { AnthropicMessage, MessagesBody } from './types.js';

const config: DialectRouteConfig = { errorDialect: anthropicError };

/** What `count_tokens` answers: Anthropic's `{ input_tokens }`, flagged as an estimate. */
export interface TokenCount {
  input_tokens: number;
  /** Always true: counted locally (about 4 characters per token), not by the upstream's tokenizer. */
  estimated: true;
}

/** Registers `POST /v1/messages` and `POST /v1/messages/count_tokens`. */
export function messagesRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/v1/messages', { schema: { body: messagesBody }, config }, async (req, reply) => {
    const body = req.body as MessagesBody;
    const request = toChatRequest(body);
    const requestId = String(req.id);
    void reply.header('request-id', requestId);
    if (body.stream === true) {
      const opened = await openStream(ctx, req, reply, 'messages', request);
      const outcome = await writeMessageStream(reply.raw, opened, {
        headers: { ...opened.headers, 'request-id': requestId },
        secrets: ctx.secrets(),
        requestId,
        model: request.model,
        inputTokens: estimatePromptTokens(request),
      });
      opened.done(outcome);
      return reply;
    }
    const { response, meta } = await runChat(ctx, req, reply, 'messages', request);
    const message: AnthropicMessage = toAnthropicMessage(response, meta.model ?? request.model);
    message.lifeline = { ...(typeof response.lifeline === 'object' ? response.lifeline : {}), ...summarize(meta) };
    return message;
  });

  app.post('/v1/messages/count_tokens', { schema: { body: countTokensBody }, config }, async (req, reply): Promise<TokenCount> => {
    const request = toChatRequest(req.body as MessagesBody);
    routeFor(ctx, request.model);
    void reply.header('request-id', String(req.id)).header('x-lifeline-token-count', 'estimated');
    observe(ctx, req, 'messages.count_tokens', 200, false, requestState(ctx, req).key?.tenant, undefined);
    return { input_tokens: estimatePromptTokens(request), estimated: true };
  });
}
