/**
 * The Anthropic Messages wire format: `POST /v1/messages`, `GET /v1/models`, `x-api-key` (or
 * `Authorization: Bearer`, as SDK 1.x sends) plus a required `anthropic-version` header,
 * `message` bodies with content blocks, named SSE events from `message_start` to `message_stop`,
 * and the `{"type":"error","error":{type,message},"request_id"}` envelope with the `request-id`
 * header.
 *
 * @module
 */
import { rfc3339 } from '../durations.js';
import type { ResolvedReply } from '../reply.js';
import { countChars, splitInto } from '../tokens.js';
import type { ErrorDetails, PresetName, RateLimitSpec, StreamFaults } from '../types.js';
import {
  CONTENT,
  END,
  type Frame,
  type FlavorImpl,
  header,
  isObject,
  jsonError,
  META,
  type PresetResult,
  type RenderContext,
  type StreamRender,
  type WireResponse,
} from './flavor.js';

const TYPES: Record<number, [type: string, message: string]> = {
  400: ['invalid_request_error', 'Invalid request.'],
  401: ['authentication_error', 'invalid x-api-key'],
  402: [
    'billing_error',
    'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
  ],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not found'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: [
    'rate_limit_error',
    'This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.',
  ],
  500: ['api_error', 'Internal server error'],
  504: ['timeout_error', 'Request timed out'],
  529: ['overloaded_error', 'Overloaded'],
};

const STREAM_TYPE = 'text/event-stream; charset=utf-8';
const CREDIT_TOO_LOW =
  'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.';

function defaults(status: number, model: string): [string, string] {
  if (status === 404) return ['not_found_error', `model: ${model}`];
  const known = TYPES[status];
  if (known) return known;
  return status >= 500 ? ['api_error', 'Internal server error'] : ['invalid_request_error', 'Invalid request.'];
}

function envelope(type: string, message: string, requestId: string) {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

function fail(status: number, type: string, message: string, ctx: RenderContext): WireResponse {
  return jsonError(status, envelope(type, message, ctx.requestId), { 'request-id': ctx.requestId });
}

function stopReason(finish: string): string {
  switch (finish) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return finish;
  }
}

function inputTokens(reply: ResolvedReply): number {
  const u = reply.usage;
  return Math.max(0, u.prompt - u.cached - u.cacheWrite);
}

function usage(reply: ResolvedReply) {
  const u = reply.usage;
  return {
    input_tokens: inputTokens(reply),
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cached,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWrite, ephemeral_1h_input_tokens: 0 },
    output_tokens: u.completion,
    ...(u.reasoning > 0 ? { output_tokens_details: { thinking_tokens: u.reasoning } } : {}),
    service_tier: 'standard',
  };
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The Anthropic flavour. */
export const anthropic: FlavorImpl = {
  name: 'anthropic',
  basePath: '',
  requestIdHeader: 'request-id',
  retryInBody: false,
  idPrefix: 'toolu_',

  route(method, path) {
    if (method === 'POST' && path === '/v1/messages') return { op: 'chat' };
    if (method === 'GET' && path === '/v1/models') return { op: 'models' };
    return undefined;
  },

  notFound(_method, _path, ctx) {
    return fail(404, 'not_found_error', 'Not Found', ctx);
  },

  authenticate(headers, _query, apiKeys, ctx) {
    if (apiKeys !== false) {
      // SDK <= 0.x sends x-api-key; SDK 1.x (API version 2026-10-21) sends Authorization: Bearer.
      const auth = header(headers, 'authorization');
      const key = header(headers, 'x-api-key') ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : auth);
      if (!key) return fail(401, 'authentication_error', 'x-api-key header is required', ctx);
      if (!apiKeys.includes(key)) return fail(401, 'authentication_error', 'invalid x-api-key', ctx);
    }
    if (!header(headers, 'anthropic-version')) {
      return fail(400, 'invalid_request_error', 'anthropic-version: header is required', ctx);
    }
    return undefined;
  },

  validate(body, _match, ctx) {
    if (!isObject(body)) return fail(400, 'invalid_request_error', 'Request body is not valid JSON.', ctx);
    for (const field of ['model', 'messages', 'max_tokens']) {
      if (body[field] === undefined) return fail(400, 'invalid_request_error', `${field}: Field required`, ctx);
    }
    return undefined;
  },

  modelOf(body) {
    return isObject(body) && typeof body.model === 'string' ? body.model : undefined;
  },

  isStream(body) {
    return isObject(body) && body.stream === true;
  },

  promptChars(body) {
    return isObject(body) ? countChars(body.messages) + countChars(body.system) : 0;
  },

  includeUsage() {
    return true;
  },

  streamContentType() {
    return STREAM_TYPE;
  },

  models(ids) {
    return JSON.stringify({
      data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
      has_more: false,
      first_id: ids[0] ?? null,
      last_id: ids[ids.length - 1] ?? null,
    });
  },

  json(reply, ctx) {
    const content: unknown[] = [];
    if (reply.text) content.push({ type: 'text', text: reply.text });
    for (const c of reply.toolCalls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: c.args });
    return JSON.stringify({
      id: `msg_mock${ctx.seq}`,
      type: 'message',
      role: 'assistant',
      model: reply.model,
      content,
      stop_reason: stopReason(reply.finish),
      stop_sequence: null,
      usage: usage(reply),
    });
  },

  stream(reply, ctx, faults: StreamFaults): StreamRender {
    const u = reply.usage;
    const frames: Frame[] = [
      {
        kind: META,
        data: event('message_start', {
          type: 'message_start',
          message: {
            id: `msg_mock${ctx.seq}`,
            type: 'message',
            role: 'assistant',
            model: reply.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { ...usage(reply), output_tokens: 1 },
          },
        }),
      },
    ];
    let index = 0;
    const start = (block: unknown) => {
      frames.push({ kind: META, data: event('content_block_start', { type: 'content_block_start', index, content_block: block }) });
      if (index === 0) frames.push({ kind: META, data: event('ping', { type: 'ping' }) });
    };
    const delta = (d: unknown) =>
      frames.push({ kind: CONTENT, data: event('content_block_delta', { type: 'content_block_delta', index, delta: d }) });
    const stop = () => {
      frames.push({ kind: META, data: event('content_block_stop', { type: 'content_block_stop', index }) });
      index++;
    };
    if (reply.text) {
      start({ type: 'text', text: '' });
      for (const piece of reply.pieces) delta({ type: 'text_delta', text: piece });
      stop();
    }
    for (const call of reply.toolCalls) {
      start({ type: 'tool_use', id: call.id, name: call.name, input: {} });
      const json = call.argsJson === '{}' ? '' : call.argsJson;
      for (const fragment of splitInto(json, Math.ceil(json.length / 8))) {
        delta({ type: 'input_json_delta', partial_json: fragment });
      }
      stop();
    }
    if (index === 0) frames.push({ kind: META, data: event('ping', { type: 'ping' }) });
    frames.push({
      kind: END,
      data: event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stopReason(reply.finish), stop_sequence: null },
        usage: {
          input_tokens: inputTokens(reply),
          cache_creation_input_tokens: u.cacheWrite,
          cache_read_input_tokens: u.cached,
          output_tokens: u.completion,
        },
      }),
    });
    if (!faults.noDone) frames.push({ kind: END, data: event('message_stop', { type: 'message_stop' }) });
    const e = faults.error;
    return {
      contentType: STREAM_TYPE,
      frames,
      garbage: `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_del\n\n`,
      error: event('error', envelope(e?.type ?? 'overloaded_error', e?.message ?? 'Overloaded', ctx.requestId)),
      comment: (text) => `: ${text}\n\n`,
    };
  },

  errorBody(status, details: ErrorDetails | undefined, ctx) {
    const [type, message] = defaults(status, ctx.model);
    return envelope(details?.type ?? type, details?.message ?? message, ctx.requestId);
  },

  preset(name: PresetName, ctx: RenderContext): PresetResult {
    switch (name) {
      case 'rate_limit':
        return {
          status: 429,
          error: {},
          retryAfter: 1,
          rateLimit: {
            limitRequests: 50,
            remainingRequests: 0,
            resetRequestsMs: 1000,
            limitTokens: 40_000,
            remainingTokens: 40_000,
            resetTokensMs: 1000,
          },
        };
      case 'insufficient_quota':
      case 'quota_per_day':
        return { status: 400, error: { type: 'invalid_request_error', message: CREDIT_TOO_LOW } };
      case 'context_length_exceeded':
        return {
          status: 400,
          error: {
            type: 'invalid_request_error',
            message: `prompt is too long: ${200_000 + ctx.promptTokens} tokens > 200000 maximum`,
          },
        };
      case 'content_policy':
        return { reply: { text: '', finishReason: 'content_filter' } };
      case 'overloaded':
        return { status: 529, error: {} };
      case 'server_error':
        return { status: 500, error: {} };
      case 'unavailable':
        return { status: 503, error: { type: 'api_error', message: 'Service unavailable' } };
      case 'timeout':
        return { status: 504, error: {} };
      case 'invalid_api_key':
        return { status: 401, error: {} };
      case 'model_not_found':
        return { status: 404, error: {} };
    }
  },

  errorBody200(details, ctx) {
    return JSON.stringify(envelope(details?.type ?? 'api_error', details?.message ?? 'Internal server error', ctx.requestId));
  },

  malformedJson(ctx) {
    return `{"id":"msg_mock${ctx.seq}","type":"message","role":"assistant","model":${JSON.stringify(ctx.model)},"content":[{"type":"text","text":"Hel`;
  },

  rateLimitHeaders(spec: RateLimitSpec, ctx) {
    const h: Record<string, string> = {};
    const put = (kind: string, limit?: number, remaining?: number, resetMs?: number) => {
      if (limit !== undefined) h[`anthropic-ratelimit-${kind}-limit`] = String(limit);
      if (remaining !== undefined) h[`anthropic-ratelimit-${kind}-remaining`] = String(remaining);
      if (resetMs !== undefined) h[`anthropic-ratelimit-${kind}-reset`] = rfc3339(ctx.now + resetMs);
    };
    put('requests', spec.limitRequests, spec.remainingRequests, spec.resetRequestsMs);
    put('tokens', spec.limitTokens, spec.remainingTokens, spec.resetTokensMs);
    put('input-tokens', spec.limitTokens, spec.remainingTokens, spec.resetTokensMs);
    return h;
  },
};
