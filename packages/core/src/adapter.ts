/** @module */
import type { ChatChunk, ChatRequest, ChatResponse } from './types.js';
import type { EmbeddingRequest, EmbeddingResponse } from './embedding-types.js';
import type { RateLimitInfo } from './meta.js';

/** What an adapter learnt from the HTTP response head, reported through {@link AdapterCall.onResponse}. */
export interface ResponseInfo {
  status: number;
  requestId?: string;
  rateLimit?: RateLimitInfo;
  /** Fingerprint of the API key the request was sent with (adapters with a key pool; never the key). */
  key?: string;
}

/**
 * The call's abort state without an `AbortSignal` listener: what {@link AdapterCall.cancellation}
 * offers (a `Context` is one).
 */
export interface Cancellation {
  /** True once the call is aborted. */
  readonly aborted: boolean;
  /** Why it was aborted (`undefined` while it is not). */
  readonly reason: unknown;
  /** The signal the same aborts reach. */
  readonly signal: AbortSignal;
  /**
   * Runs `listener` once when the call aborts (at once if it already has).
   * @returns a disposer that unregisters it
   */
  onAbort(listener: (reason: unknown) => void): () => void;
}

/** Per-call inputs an adapter receives from the pipeline. */
export interface AdapterCall {
  /**
   * Aborts the upstream request (caller abort, timeout, lost hedge). On the pipeline's calls it is
   * made when first read (an `AbortController` per call otherwise); copying the call
   * (`{ ...call }`) reads and copies it as it would a plain field.
   */
  signal: AbortSignal;
  /**
   * The same aborts as `signal`, followed without an event listener (cheaper per request). Set by
   * the pipeline; an adapter may follow it instead of `signal` when `cancellation.signal` is
   * `signal` (a call copied with another signal must follow that signal). `callCancellation(call)`
   * tells, without making the pipeline's signal.
   */
  cancellation?: Cancellation | undefined;
  /** Epoch ms after which the call is pointless. */
  deadline?: number | undefined;
  /** Caller-supplied metadata (tenant, trace ids). */
  metadata: Readonly<Record<string, unknown>>;
  /** Reports the response head as soon as it arrives. */
  onResponse?: ((info: ResponseInfo) => void) | undefined;
  /**
   * Extra request headers for this attempt, e.g. `traceparent` added by an observer of
   * `lifeline:attempt:start` (such as `@lifeline/otel`). Adapters send them alongside their own
   * headers; their own (authorization, content type, configured headers) win on a clash.
   */
  headers?: Record<string, string> | undefined;
}

/** What an adapter can do beyond the basics. */
export interface AdapterCapabilities {
  /** Accepts a final assistant message as a prefill to continue from. */
  prefill?: boolean;
}

/**
 * A provider: the terminal step of the pipeline. `chat` resolves with a complete response;
 * `stream` resolves once the response head arrived (so HTTP errors reject it) with the chunks.
 * Errors are {@link LifelineError}s with `provider` set to `name`.
 */
export interface Adapter {
  /** Target name: `meta.provider`, error `provider`, breaker key. */
  readonly name: string;
  /** Vendor kind (`openai`, `anthropic`, `gemini`, or your own). */
  readonly kind: string;
  readonly capabilities?: AdapterCapabilities;
  /** The endpoint it calls (no credentials), for telemetry (`server.address`, `server.port`). */
  readonly baseURL?: string;
  chat(request: ChatRequest, call: AdapterCall): Promise<ChatResponse>;
  stream(request: ChatRequest, call: AdapterCall): Promise<AsyncIterable<ChatChunk>>;
  /**
   * Embeds `request.input` (one vector per item, in order, in `request.encoding_format`). Absent
   * when the provider has no embeddings API (Anthropic): an `embed` call to it fails with a
   * `ConfigurationError`, and failover skips it for embedding calls.
   */
  embed?(request: EmbeddingRequest, call: AdapterCall): Promise<EmbeddingResponse>;
  /** Releases pooled connections. */
  close?(): Promise<void>;
}
