/**
 * The contract each wire format (OpenAI, Anthropic, Gemini) implements, and the shared shapes
 * they render into.
 *
 * @module
 */
import type { EmbeddingCall, ResolvedEmbeddings } from '../embeddings.js';
import type { ResolvedReply } from '../reply.js';
import type { ErrorDetails, Flavor, PresetName, RateLimitSpec, ReplySpec, StreamFaults } from '../types.js';

/** Which operation a request path names. */
export interface RouteMatch {
  /** `chat` for a completion request, `models` for a model listing, `embed` for an embeddings request. */
  op: 'chat' | 'models' | 'embed';
  /** Model named in the path (Gemini). */
  model?: string;
  /** The path itself asks for a stream (Gemini `streamGenerateContent`). */
  stream?: boolean;
  /** The path is a batch of embeddings (Gemini `batchEmbedContents`). */
  batch?: boolean;
}

/** A flavour's embeddings endpoint. */
export interface EmbeddingsFlavor {
  /**
   * Reads an embeddings request: what to embed, or (with `validate`) the vendor's 400 for a
   * request the real API rejects.
   */
  parse(body: unknown, match: RouteMatch, ctx: RenderContext, validate: boolean): EmbeddingCall | WireResponse;
  /** The JSON reply body. */
  json(reply: ResolvedEmbeddings, match: RouteMatch, ctx: RenderContext): string;
}

/** A complete non-streaming HTTP answer. */
export interface WireResponse {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Record<string, string>;
  /** Serialized body (bytes only from a `raw` step). */
  body: string | Uint8Array;
}

/** Kinds of stream frames: `0` structure (role chunk, `message_start`, block start/stop, ping; not counted), `1` a content chunk (text or tool-call delta; counted by `cutAfter` & co.), `2` finish, usage and terminator frames. */
export type FrameKind = 0 | 1 | 2;

/** A structure frame. */
export const META: FrameKind = 0;
/** A counted content frame. */
export const CONTENT: FrameKind = 1;
/** A closing frame. */
export const END: FrameKind = 2;

/** One serialized stream event (including its SSE framing). */
export interface Frame {
  /** The bytes to write. */
  data: string;
  /** What the frame is. */
  kind: FrameKind;
}

/** Everything the stream writer needs from a flavour for one streamed reply. */
export interface StreamRender {
  /** Response content type. */
  contentType: string;
  /** The frames of the complete stream. */
  frames: Frame[];
  /** An unparsable event. */
  garbage: string;
  /** The in-band error event. */
  error: string;
  /** An SSE comment line with `text`. */
  comment(text: string): string;
}

/** Per-request values available while rendering. */
export interface RenderContext {
  /** The requested model. */
  model: string;
  /** Request id to send. */
  requestId: string;
  /** Per-server sequence number (for ids). */
  seq: number;
  /** Unix seconds, for `created`. */
  created: number;
  /** Clock time in ms, for reset timestamps. */
  now: number;
  /** Estimated prompt tokens of the request. */
  promptTokens: number;
  /** OpenAI: the request set `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Gemini: the request asked for SSE (`alt=sse`) rather than a JSON array stream. */
  sse: boolean;
  /** Anthropic: the text of the request's final assistant turn, which the reply continues. */
  prefill?: string | undefined;
  /** Embeddings requests: what to embed, and the route matched. */
  embedding?: { call: EmbeddingCall; match: RouteMatch };
}

/** A preset that answers with an error status. */
export interface ErrorPreset {
  /** HTTP status. */
  status: number;
  /** Error body fields. */
  error: ErrorDetails;
  /** Default rate-limit headers. */
  rateLimit?: RateLimitSpec;
  /** Default retry hint (seconds or HTTP-date). */
  retryAfter?: number | string;
}

/** A preset that answers with the (HTTP 200) reply the provider really sends, e.g. a refusal. */
export interface ReplyPreset {
  /** The reply. */
  reply: ReplySpec;
}

/** A preset, as a flavour defines it. */
export type PresetResult = ErrorPreset | ReplyPreset;

/** One wire format. */
export interface FlavorImpl {
  /** Flavour name. */
  readonly name: Flavor;
  /** Path appended to the origin to form the SDK base URL (`/v1` for OpenAI, `''` otherwise). */
  readonly basePath: string;
  /** Header carrying the request id (`x-request-id`, `request-id`), if the vendor sends one. */
  readonly requestIdHeader: string | undefined;
  /** Retry hints go in the body (Gemini `RetryInfo`) rather than in `retry-after` headers. */
  readonly retryInBody: boolean;
  /** Tool-call id prefix. */
  readonly idPrefix: string;
  /** The embeddings endpoint, for vendors that have one (OpenAI, Gemini). */
  readonly embeddings?: EmbeddingsFlavor;
  /** Matches a method and path (no query). */
  route(method: string, path: string): RouteMatch | undefined;
  /** The answer to an unknown path. */
  notFound(method: string, path: string, ctx: RenderContext): WireResponse;
  /** Checks credentials against the accepted keys (`false` skips the key check); returns the vendor's auth error, or `undefined` when they are fine. */
  authenticate(
    headers: Record<string, string | string[] | undefined>,
    query: URLSearchParams | undefined,
    apiKeys: readonly string[] | false,
    ctx: RenderContext,
  ): WireResponse | undefined;
  /** Returns the vendor's 400 for a request the real API rejects, else `undefined`. */
  validate(body: unknown, match: RouteMatch, ctx: RenderContext): WireResponse | undefined;
  /** The model a request asks for. */
  modelOf(body: unknown, match: RouteMatch): string | undefined;
  /** Whether the request asks for a stream. */
  isStream(body: unknown, match: RouteMatch): boolean;
  /** Characters of prompt text in the request (for the token estimate). */
  promptChars(body: unknown): number;
  /** OpenAI: whether `stream_options.include_usage` is set. */
  includeUsage(body: unknown): boolean;
  /** The content type of a streamed reply to this request. */
  streamContentType(ctx: RenderContext): string;
  /** The model listing body. */
  models(ids: string[], ctx: RenderContext): string;
  /** The JSON reply body. */
  json(reply: ResolvedReply, ctx: RenderContext): string;
  /** The streamed reply. */
  stream(reply: ResolvedReply, ctx: RenderContext, faults: StreamFaults): StreamRender;
  /** The error body for `status`, `details` filling in over the vendor's defaults. */
  errorBody(status: number, details: ErrorDetails | undefined, ctx: RenderContext, retryMs: number | undefined): unknown;
  /** A preset's definition (`retryMs`: the step's retry hint, for vendors that put it in the body). */
  preset(name: PresetName, ctx: RenderContext, retryMs: number | undefined): PresetResult;
  /** An HTTP-200 body that carries an error. */
  errorBody200(details: (ErrorDetails & { code?: number }) | undefined, ctx: RenderContext): string;
  /** A truncated, unparsable JSON reply. */
  malformedJson(ctx: RenderContext): string;
  /** Vendor rate-limit headers. */
  rateLimitHeaders(spec: RateLimitSpec, ctx: RenderContext): Record<string, string>;
}

/** A JSON error answer. */
export function jsonError(status: number, body: unknown, headers: Record<string, string> = {}): WireResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** First value of a header. */
export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Whether `v` is a plain object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
