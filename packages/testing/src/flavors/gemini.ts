/**
 * The Gemini Developer API wire format: `POST /v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent` (`?alt=sse` for SSE, else a streamed JSON array), `x-goog-api-key`
 * or `?key=` auth, `GenerateContentResponse` bodies with `usageMetadata`, and the Google error
 * envelope `{"error":{code,message,status,details}}` with `QuotaFailure` and `RetryInfo`.
 *
 * @module
 */
import { protoDuration } from '../durations.js';
import type { ResolvedReply } from '../reply.js';
import { countChars } from '../tokens.js';
import type { ErrorDetails, PresetName, StreamFaults } from '../types.js';
import {
  CONTENT,
  END,
  type Frame,
  type FlavorImpl,
  header,
  isObject,
  jsonError,
  type PresetResult,
  type RenderContext,
  type RouteMatch,
  type StreamRender,
  type WireResponse,
} from './flavor.js';
import { geminiEmbedRoute, geminiEmbeddings } from './gemini-embeddings.js';

const PATH = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const LIST = /^\/(v1beta|v1|v1alpha)\/models$/;

const STATUS: Record<number, [status: string, message: string]> = {
  400: ['INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  401: ['UNAUTHENTICATED', 'Request had invalid authentication credentials.'],
  403: ['PERMISSION_DENIED', 'The caller does not have permission'],
  409: ['ABORTED', 'The operation was aborted.'],
  429: ['RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'],
  499: ['CANCELLED', 'The operation was cancelled.'],
  500: [
    'INTERNAL',
    'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  ],
  501: ['UNIMPLEMENTED', 'Operation is not implemented, or supported, or enabled.'],
  503: ['UNAVAILABLE', 'The model is overloaded. Please try again later.'],
  504: ['DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'],
};

const DEFAULT_RETRY_MS = 45_800;
const SSE_TYPE = 'text/event-stream';
/** `streamGenerateContent` without `alt=sse` streams one JSON array. */
const ARRAY_TYPE = 'application/json; charset=UTF-8';
const QUOTA_HELP = 'https://ai.google.dev/gemini-api/docs/rate-limits';

type Quota = 'minute' | 'day';

function quotaMessage(model: string, quota: Quota, retryMs: number): string {
  const limit = quota === 'minute' ? 10 : 250;
  return `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: ${QUOTA_HELP}.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: ${limit}, model: ${model}\nPlease retry in ${protoDuration(retryMs)}.`;
}

function quotaDetails(model: string, quota: Quota, retryMs: number): unknown[] {
  const perMinute = quota === 'minute';
  return [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
          quotaId: perMinute
            ? 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier'
            : 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
          quotaDimensions: { location: 'global', model },
          quotaValue: perMinute ? '10' : '250',
        },
      ],
    },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [{ description: 'Learn more about Gemini API quotas', url: QUOTA_HELP }],
    },
    retryInfo(retryMs),
  ];
}

function retryInfo(ms: number) {
  return { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: protoDuration(ms) };
}

function googleError(code: number, message: string, status: string, details?: unknown[]) {
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

const KEY_INVALID = 'API key not valid. Please pass a valid API key.';

function finishReason(finish: string): string {
  switch (finish) {
    case 'stop':
    case 'tool_calls':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    default:
      return finish;
  }
}

function usageMetadata(reply: ResolvedReply) {
  const u = reply.usage;
  const candidates = Math.max(0, u.completion - u.reasoning);
  return {
    promptTokenCount: u.prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: u.prompt + candidates + u.reasoning,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.prompt }],
    ...(u.reasoning > 0 ? { thoughtsTokenCount: u.reasoning } : {}),
    ...(u.cached > 0 ? { cachedContentTokenCount: u.cached } : {}),
  };
}

function callPart(call: ResolvedReply['toolCalls'][number]) {
  return { functionCall: { ...(call.explicitId ? { id: call.id } : {}), name: call.name, args: call.args } };
}

/** The Gemini flavour. */
export const gemini: FlavorImpl = {
  name: 'gemini',
  basePath: '',
  requestIdHeader: undefined,
  retryInBody: true,
  idPrefix: 'call_',
  embeddings: geminiEmbeddings,

  route(method, path): RouteMatch | undefined {
    const embed = geminiEmbedRoute(method, path);
    if (embed) return embed;
    if (method === 'POST') {
      const m = PATH.exec(path);
      if (m) return { op: 'chat', model: decodeURIComponent(m[2]!), stream: m[3] === 'streamGenerateContent' };
    } else if (method === 'GET' && LIST.test(path)) {
      return { op: 'models' };
    }
    return undefined;
  },

  notFound(method, path) {
    return jsonError(404, googleError(404, `Method not found: ${method} ${path}`, 'NOT_FOUND'));
  },

  authenticate(headers, query, apiKeys) {
    if (apiKeys === false) return undefined;
    const key = header(headers, 'x-goog-api-key') ?? query?.get('key') ?? undefined;
    if (!key) {
      return jsonError(
        403,
        googleError(
          403,
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
          'PERMISSION_DENIED',
        ),
      );
    }
    if (apiKeys.includes(key)) return undefined;
    return jsonError(
      400,
      googleError(400, KEY_INVALID, 'INVALID_ARGUMENT', [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
        { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: KEY_INVALID },
      ]),
    );
  },

  validate(body): WireResponse | undefined {
    if (!isObject(body)) {
      return jsonError(400, googleError(400, 'Invalid JSON payload received. Unexpected token.', 'INVALID_ARGUMENT'));
    }
    if (body.contents === undefined) {
      return jsonError(
        400,
        googleError(400, '* GenerateContentRequest.contents: contents is not specified\n', 'INVALID_ARGUMENT'),
      );
    }
    return undefined;
  },

  modelOf(_body, match) {
    return match.model;
  },

  isStream(_body, match) {
    return match.stream === true;
  },

  promptChars(body) {
    return isObject(body) ? countChars(body.contents) + countChars(body.systemInstruction) : 0;
  },

  includeUsage() {
    return true;
  },

  streamContentType(ctx) {
    return ctx.sse ? SSE_TYPE : ARRAY_TYPE;
  },

  models(ids) {
    return JSON.stringify({
      models: ids.map((id) => ({
        name: `models/${id}`,
        displayName: id,
        supportedGenerationMethods: ['generateContent', 'countTokens'],
      })),
    });
  },

  json(reply, ctx) {
    if (reply.blockReason) {
      return JSON.stringify({
        promptFeedback: { blockReason: reply.blockReason },
        usageMetadata: { promptTokenCount: reply.usage.prompt, totalTokenCount: reply.usage.prompt },
        modelVersion: reply.model,
        responseId: `mockresp${ctx.seq}`,
      });
    }
    const parts: unknown[] = [];
    if (reply.text !== undefined) parts.push({ text: reply.text });
    for (const call of reply.toolCalls) parts.push(callPart(call));
    return JSON.stringify({
      candidates: [{ content: { parts, role: 'model' }, finishReason: finishReason(reply.finish), index: 0 }],
      usageMetadata: usageMetadata(reply),
      modelVersion: reply.model,
      responseId: `mockresp${ctx.seq}`,
    });
  },

  stream(reply, ctx, faults: StreamFaults): StreamRender {
    const tail = `,"modelVersion":${JSON.stringify(reply.model)},"responseId":"mockresp${ctx.seq}"}`;
    const partial = `{"promptTokenCount":${reply.usage.prompt},"totalTokenCount":${reply.usage.prompt}}`;
    const parts: unknown[] = reply.pieces.map((text) => ({ text }));
    for (const call of reply.toolCalls) parts.push(callPart(call));
    if (parts.length === 0 && !reply.blockReason) parts.push({ text: '' });
    const bodies: string[] = [];
    if (reply.blockReason) {
      bodies.push(`{"promptFeedback":{"blockReason":${JSON.stringify(reply.blockReason)}},"usageMetadata":${partial}${tail}`);
    }
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const finish = last ? `,"finishReason":${JSON.stringify(finishReason(reply.finish))}` : '';
      const usage = last ? JSON.stringify(usageMetadata(reply)) : partial;
      bodies.push(`{"candidates":[{"content":{"parts":[${JSON.stringify(part)}],"role":"model"}${finish},"index":0}],"usageMetadata":${usage}${tail}`);
    });
    const e = faults.error;
    const errorJson = JSON.stringify(
      googleError(
        typeof e?.code === 'number' ? e.code : 503,
        e?.message ?? STATUS[503]![1],
        e?.status ?? 'UNAVAILABLE',
      ),
    );
    const garbageJson = '{"candidates":[{"content":{"parts":[{"text":"tru';
    if (ctx.sse) {
      return {
        contentType: SSE_TYPE,
        frames: bodies.map((b) => ({ kind: CONTENT, data: `data: ${b}\r\n\r\n` })),
        garbage: `data: ${garbageJson}\r\n\r\n`,
        error: `data: ${errorJson}\r\n\r\n`,
        comment: (text) => `: ${text}\r\n\r\n`,
      };
    }
    // Without alt=sse the method streams one JSON array.
    const frames: Frame[] = bodies.map((b, i) => ({ kind: CONTENT, data: `${i === 0 ? '[' : ',\r\n'}${b}` }));
    frames.push({ kind: END, data: ']' });
    return {
      contentType: ARRAY_TYPE,
      frames,
      garbage: `,\r\n${garbageJson}`,
      error: `,\r\n${errorJson}]`,
      comment: () => '',
    };
  },

  errorBody(status, details: ErrorDetails | undefined, ctx, retryMs) {
    const [s, m] = STATUS[status] ?? [status >= 500 ? 'UNKNOWN' : 'FAILED_PRECONDITION', `Mock provider error (HTTP ${status}).`];
    let message = details?.message ?? m;
    let extra = details?.details;
    if (status === 429 && extra === undefined) {
      const ms = retryMs ?? DEFAULT_RETRY_MS;
      if (details?.message === undefined) message = quotaMessage(ctx.model, 'minute', ms);
      extra = quotaDetails(ctx.model, 'minute', ms);
    } else if (status === 404 && details?.message === undefined) {
      message = `models/${ctx.model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`;
    } else if (retryMs !== undefined) {
      extra = [...(extra ?? []), retryInfo(retryMs)];
    }
    return googleError(status, message, details?.status ?? s, extra);
  },

  preset(name: PresetName, ctx: RenderContext, retryMs: number | undefined): PresetResult {
    const m = ctx.model;
    const delay = retryMs ?? DEFAULT_RETRY_MS;
    switch (name) {
      case 'rate_limit':
        return { status: 429, error: {} };
      case 'insufficient_quota':
      case 'quota_per_day':
        return {
          status: 429,
          error: {
            message: quotaMessage(m, 'day', delay),
            details: quotaDetails(m, 'day', delay),
          },
        };
      case 'context_length_exceeded':
        return {
          status: 400,
          error: {
            message: `The input token count (${1_048_576 + ctx.promptTokens}) exceeds the maximum number of tokens allowed (1048576).`,
          },
        };
      case 'content_policy':
        return { reply: { blockReason: 'SAFETY' } };
      case 'overloaded':
        return { status: 503, error: {} };
      case 'server_error':
        return { status: 500, error: {} };
      case 'unavailable':
        return { status: 503, error: { message: 'The service is currently unavailable.' } };
      case 'timeout':
        return { status: 504, error: {} };
      case 'invalid_api_key':
        return {
          status: 400,
          error: {
            message: KEY_INVALID,
            details: [
              {
                '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
                reason: 'API_KEY_INVALID',
                domain: 'googleapis.com',
                metadata: { service: 'generativelanguage.googleapis.com' },
              },
            ],
          },
        };
      case 'model_not_found':
        return { status: 404, error: {} };
    }
  },

  errorBody200(details) {
    const code = typeof details?.code === 'number' ? details.code : 500;
    const [s, m] = STATUS[code] ?? ['INTERNAL', STATUS[500]![1]];
    return JSON.stringify(googleError(code, details?.message ?? m, details?.status ?? s));
  },

  malformedJson() {
    return '{"candidates":[{"content":{"parts":[{"text":"Hel';
  },

  rateLimitHeaders() {
    return {};
  },
};
