/**
 * The OpenAI Chat Completions wire format: `POST /v1/chat/completions`, `GET /v1/models`,
 * Bearer auth, `chat.completion` bodies, `data:` SSE chunks ending in `data: [DONE]`, and the
 * `{"error":{message,type,param,code}}` envelope with `x-request-id`.
 *
 * @module
 */
import { goDuration } from '../durations.js';
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
  type RouteMatch,
  type StreamRender,
  type WireResponse,
} from './flavor.js';
import { openaiEmbeddings } from './openai-embeddings.js';

interface OpenAIError {
  message: string;
  type: string;
  param: string | null;
  code: string | number | null;
}

const STREAM_TYPE = 'text/event-stream; charset=utf-8';
const SERVER_ERROR = 'The server had an error while processing your request. Sorry about that!';

function defaultError(status: number, model: string): OpenAIError {
  switch (status) {
    case 400:
      return { message: 'Invalid request.', type: 'invalid_request_error', param: null, code: null };
    case 401:
      return incorrectKey('');
    case 403:
      return {
        message: `Project \`proj_mock\` does not have access to model \`${model}\``,
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      };
    case 404:
      return modelNotFound(model);
    case 429:
      return rateLimited(model, 'requests per min (RPM)', 500, '1s');
    case 500:
      return { message: SERVER_ERROR, type: 'server_error', param: null, code: null };
    case 503:
      return { message: 'The server is overloaded or not ready yet.', type: 'server_error', param: null, code: null };
    default:
      return {
        message: `Mock provider error (HTTP ${status}).`,
        type: status >= 500 ? 'server_error' : 'invalid_request_error',
        param: null,
        code: null,
      };
  }
}

function incorrectKey(key: string): OpenAIError {
  const shown = key.length >= 8 ? `${'*'.repeat(Math.min(key.length - 4, 20))}${key.slice(-4)}` : '***';
  return {
    message: `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  };
}

function modelNotFound(model: string): OpenAIError {
  return {
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
    type: 'invalid_request_error',
    param: null,
    code: 'model_not_found',
  };
}

function rateLimited(model: string, what: string, limit: number, retryIn: string): OpenAIError {
  return {
    message: `Rate limit reached for ${model} in organization org-mock on ${what}: Limit ${limit}, Used ${limit}, Requested 1. Please try again in ${retryIn}. Visit https://platform.openai.com/account/rate-limits to learn more.`,
    type: 'requests',
    param: null,
    code: 'rate_limit_exceeded',
  };
}

function badRequest(message: string, param: string | null = null, code: string | null = null): WireResponse {
  return jsonError(400, { error: { message, type: 'invalid_request_error', param, code } });
}

function usage(reply: ResolvedReply) {
  const u = reply.usage;
  return {
    prompt_tokens: u.prompt,
    completion_tokens: u.completion,
    total_tokens: u.prompt + u.completion,
    prompt_tokens_details: { cached_tokens: u.cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function sse(json: string): string {
  return `data: ${json}\n\n`;
}

/** The OpenAI flavour. */
export const openai: FlavorImpl = {
  name: 'openai',
  basePath: '/v1',
  requestIdHeader: 'x-request-id',
  retryInBody: false,
  idPrefix: 'call_',
  embeddings: openaiEmbeddings,

  route(method: string, path: string): RouteMatch | undefined {
    if (method === 'POST' && path === '/v1/chat/completions') return { op: 'chat' };
    if (method === 'POST' && path === '/v1/embeddings') return { op: 'embed' };
    if (method === 'GET' && path === '/v1/models') return { op: 'models' };
    return undefined;
  },

  notFound(method, path) {
    return jsonError(404, {
      error: { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: null, code: null },
    });
  },

  authenticate(headers, _query, apiKeys) {
    if (apiKeys === false) return undefined;
    const auth = header(headers, 'authorization');
    if (!auth) {
      return jsonError(401, {
        error: {
          message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
    }
    const key = auth.startsWith('Bearer ') ? auth.slice(7) : auth;
    return apiKeys.includes(key) ? undefined : jsonError(401, { error: incorrectKey(key) });
  },

  validate(body) {
    if (!isObject(body)) {
      return badRequest(
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
      );
    }
    if (typeof body.model !== 'string' || body.model === '') return badRequest('you must provide a model parameter');
    if (body.messages === undefined) {
      return badRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
    }
    if (Array.isArray(body.messages) && body.messages.length === 0) {
      return badRequest(
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        'messages',
        'empty_array',
      );
    }
    if (body.stream_options != null && body.stream !== true) {
      return badRequest(
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        'stream_options',
      );
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
    return isObject(body) ? countChars(body.messages) : 0;
  },

  includeUsage(body) {
    return isObject(body) && isObject(body.stream_options) && body.stream_options.include_usage === true;
  },

  streamContentType() {
    return STREAM_TYPE;
  },

  models(ids) {
    return JSON.stringify({
      object: 'list',
      data: ids.map((id) => ({ id, object: 'model', created: 1_686_935_002, owned_by: 'mock' })),
    });
  },

  json(reply, ctx) {
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: reply.text ?? null,
      refusal: null,
      annotations: [],
    };
    if (reply.toolCalls.length > 0) {
      message.tool_calls = reply.toolCalls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.name, arguments: c.argsJson },
      }));
    }
    return JSON.stringify({
      id: `chatcmpl-mock${ctx.seq}`,
      object: 'chat.completion',
      created: ctx.created,
      model: reply.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finish }],
      usage: usage(reply),
      service_tier: 'default',
      system_fingerprint: 'fp_mock',
    });
  },

  stream(reply, ctx, faults: StreamFaults): StreamRender {
    const head = `{"id":"chatcmpl-mock${ctx.seq}","object":"chat.completion.chunk","created":${ctx.created},"model":${JSON.stringify(reply.model)},"service_tier":"default","system_fingerprint":"fp_mock","choices":`;
    const tail = ctx.includeUsage ? ',"usage":null}' : '}';
    const chunk = (delta: unknown, finish: string | null = null) =>
      sse(`${head}[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${JSON.stringify(finish)}}]${tail}`);
    const frames: Frame[] = [
      { kind: META, data: chunk({ role: 'assistant', content: reply.text === undefined ? null : '', refusal: null }) },
    ];
    for (const piece of reply.pieces) frames.push({ kind: CONTENT, data: chunk({ content: piece }) });
    reply.toolCalls.forEach((call, index) => {
      frames.push({
        kind: CONTENT,
        data: chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }),
      });
      for (const fragment of splitInto(call.argsJson, Math.ceil(call.argsJson.length / 8))) {
        if (fragment !== '') {
          frames.push({ kind: CONTENT, data: chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }) });
        }
      }
    });
    frames.push({ kind: END, data: chunk({}, reply.finish) });
    if (ctx.includeUsage) frames.push({ kind: END, data: sse(`${head}[],"usage":${JSON.stringify(usage(reply))}}`) });
    if (!faults.noDone) frames.push({ kind: END, data: 'data: [DONE]\n\n' });
    const e = faults.error;
    return {
      contentType: STREAM_TYPE,
      frames,
      garbage: `data: ${head}[{"index":0,"delta":{"content":"tru\n\n`,
      error: sse(
        JSON.stringify({
          error: {
            message: e?.message ?? SERVER_ERROR,
            type: e?.type ?? 'server_error',
            param: e?.param ?? null,
            code: e?.code ?? null,
          },
        }),
      ),
      comment: (text) => `: ${text}\n\n`,
    };
  },

  errorBody(status, details: ErrorDetails | undefined, ctx) {
    const d = defaultError(status, ctx.model);
    return {
      error: {
        message: details?.message ?? d.message,
        type: details?.type ?? d.type,
        param: details?.param !== undefined ? details.param : d.param,
        code: details?.code !== undefined ? details.code : d.code,
      },
    };
  },

  preset(name: PresetName, ctx: RenderContext): PresetResult {
    const m = ctx.model;
    switch (name) {
      case 'rate_limit':
        return {
          status: 429,
          error: rateLimited(m, 'requests per min (RPM)', 500, '1s'),
          rateLimit: {
            limitRequests: 500,
            remainingRequests: 0,
            resetRequestsMs: 1000,
            limitTokens: 30_000,
            remainingTokens: 29_000,
            resetTokensMs: 2000,
          },
        };
      case 'quota_per_day':
        return {
          status: 429,
          error: rateLimited(m, 'requests per day (RPD)', 10_000, '8h36m0s'),
          rateLimit: { limitRequests: 10_000, remainingRequests: 0, resetRequestsMs: 30_960_000 },
        };
      case 'insufficient_quota':
        return {
          status: 429,
          error: {
            message:
              'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
            type: 'insufficient_quota',
            param: null,
            code: 'insufficient_quota',
          },
        };
      case 'context_length_exceeded':
        return {
          status: 400,
          error: {
            message: `This model's maximum context length is 128000 tokens. However, your messages resulted in ${128_000 + ctx.promptTokens} tokens. Please reduce the length of the messages.`,
            type: 'invalid_request_error',
            param: 'messages',
            code: 'context_length_exceeded',
          },
        };
      case 'content_policy':
        return {
          status: 400,
          error: {
            message:
              'Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt: https://platform.openai.com/docs/guides/reasoning#advice-on-prompting',
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_prompt',
          },
        };
      case 'overloaded':
        return {
          status: 503,
          error: { message: 'The engine is currently overloaded, please try again later', type: 'server_error', param: null, code: null },
        };
      case 'server_error':
        return { status: 500, error: defaultError(500, m) };
      case 'unavailable':
        return { status: 503, error: defaultError(503, m) };
      case 'timeout':
        return { status: 504, error: { message: 'Gateway timeout.', type: 'server_error', param: null, code: null } };
      case 'invalid_api_key':
        return { status: 401, error: incorrectKey('') };
      case 'model_not_found':
        return { status: 404, error: modelNotFound(m) };
    }
  },

  errorBody200(details) {
    return JSON.stringify({
      error: {
        code: typeof details?.code === 'number' ? details.code : 502,
        message: details?.message ?? 'Provider returned error',
        metadata: { provider_name: 'mock', raw: details?.type ?? 'upstream_error' },
      },
    });
  },

  malformedJson(ctx) {
    return `{"id":"chatcmpl-mock${ctx.seq}","object":"chat.completion","created":${ctx.created},"model":${JSON.stringify(ctx.model)},"choices":[{"index":0,"message":{"role":"assistant","content":"Hel`;
  },

  rateLimitHeaders(spec: RateLimitSpec) {
    const h: Record<string, string> = {};
    if (spec.limitRequests !== undefined) h['x-ratelimit-limit-requests'] = String(spec.limitRequests);
    if (spec.limitTokens !== undefined) h['x-ratelimit-limit-tokens'] = String(spec.limitTokens);
    if (spec.remainingRequests !== undefined) h['x-ratelimit-remaining-requests'] = String(spec.remainingRequests);
    if (spec.remainingTokens !== undefined) h['x-ratelimit-remaining-tokens'] = String(spec.remainingTokens);
    if (spec.resetRequestsMs !== undefined) h['x-ratelimit-reset-requests'] = goDuration(spec.resetRequestsMs);
    if (spec.resetTokensMs !== undefined) h['x-ratelimit-reset-tokens'] = goDuration(spec.resetTokensMs);
    return h;
  },
};
