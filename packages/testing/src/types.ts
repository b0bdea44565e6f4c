/**
 * Public types of `@lifeline/testing`: options, script steps, recorded requests and the
 * handle returned by `startMockProvider()`.
 *
 * @module
 */

/** The wire format a mock server speaks. */
export type Flavor = 'openai' | 'anthropic' | 'gemini';

/** A source of time in milliseconds. Inject a fake one to drive time windows from a test. */
export interface Clock {
  /** The current time in milliseconds (any epoch; only differences matter for windows). */
  now(): number;
}

/**
 * A finish reason in normalised form. The mock translates it to each vendor's value
 * (`stop` → `end_turn`/`STOP`, `length` → `max_tokens`/`MAX_TOKENS`, `tool_calls` → `tool_use`/`STOP`,
 * `content_filter` → `refusal`/`SAFETY`). Any other string is sent verbatim.
 */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | (string & {});

/** One tool (function) call the mock replies with. */
export interface ToolCallSpec {
  /** Function name. */
  name: string;
  /**
   * Arguments: an object, or a JSON string. OpenAI receives a JSON string, Anthropic an object
   * (`input`), Gemini an object (`args`). Defaults to `{}`.
   */
  arguments?: Record<string, unknown> | string;
  /** Call id. Defaults to a deterministic `call_…` / `toolu_…` id (Gemini sends no id unless given). */
  id?: string;
}

/**
 * Token counts to report, in normalised terms. Each flavour maps them to its own accounting:
 * OpenAI `cached_tokens ⊂ prompt_tokens`, `reasoning_tokens ⊂ completion_tokens`;
 * Anthropic `input_tokens` excludes cache reads and writes; Gemini `candidatesTokenCount`
 * excludes `thoughtsTokenCount`.
 */
export interface UsageSpec {
  /** All input tokens, including cached and cache-write tokens. Default: ceil(chars/4) of the request. */
  promptTokens?: number;
  /** All output tokens, including reasoning tokens. Default: words in the reply (+ tool-call JSON / 4). */
  completionTokens?: number;
  /** Input tokens read from the prompt cache (OpenAI `cached_tokens`, Anthropic `cache_read_input_tokens`, Gemini `cachedContentTokenCount`). */
  cachedTokens?: number;
  /** Input tokens written to the prompt cache (Anthropic `cache_creation_input_tokens`). */
  cacheWriteTokens?: number;
  /** Reasoning tokens (OpenAI `reasoning_tokens`, Gemini `thoughtsTokenCount`, Anthropic `output_tokens_details.thinking_tokens`). */
  reasoningTokens?: number;
}

/** What a successful reply contains. Every field is optional. */
export interface ReplySpec {
  /** Reply text. Defaults to the server's `text` option; with `toolCalls` and no text, there is no text part. */
  text?: string;
  /** Tool calls to make. */
  toolCalls?: ToolCallSpec[];
  /** Finish reason; defaults to `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: FinishReason;
  /** Token counts to report instead of the deterministic estimates. */
  usage?: UsageSpec;
  /** Model name reported in the reply. Defaults to the requested model. */
  model?: string;
  /**
   * Embeddings: the width of the vectors sent, whatever the request asked (a model that ignores
   * `dimensions`, or a backup whose vectors are another size).
   */
  dimensions?: number;
  /**
   * Gemini only: answer as a blocked prompt — no `candidates`, `promptFeedback.blockReason` set
   * (e.g. `'SAFETY'`). Ignored by the other flavours.
   */
  blockReason?: string;
}

/** Faults injected into a streamed reply. Counts `k` refer to content chunks (text or tool-call deltas). */
export interface StreamFaults {
  /** Delay after the response headers and before the first event. */
  firstTokenDelayMs?: number;
  /** Delay before every content chunk after the first. */
  chunkDelayMs?: number;
  /** Destroy the socket after `k` content chunks: no terminator, no usage. */
  cutAfter?: number;
  /** Stop sending after `k` content chunks and keep the connection open, silent, until `close()`. */
  stallAfter?: number;
  /** Send one garbage (invalid JSON) `data:` event after `k` content chunks, then carry on. */
  malformedAfter?: number;
  /**
   * End the stream without its terminator: OpenAI sends finish chunk and usage but no `data: [DONE]`;
   * Anthropic sends no `message_stop`. Gemini has no terminator, so this changes nothing there.
   */
  noDone?: boolean;
  /**
   * After `k` content chunks, send an in-band error and end the response: OpenAI
   * `data: {"error":{…}}`, Anthropic `event: error` (`overloaded_error`), Gemini `data: {"error":{…}}`.
   */
  errorAfter?: number;
  /** Overrides the in-band error sent by `errorAfter`. */
  error?: ErrorDetails;
  /**
   * Send SSE comment lines (`: keep-alive`, DeepSeek style) right after the headers and before every
   * event. A string sets the comment text (e.g. `'OPENROUTER PROCESSING'`).
   */
  keepAliveComments?: boolean | string;
}

/** Values for the vendor rate-limit headers (`x-ratelimit-*` for OpenAI, `anthropic-ratelimit-*` for Anthropic; Gemini sends none). */
export interface RateLimitSpec {
  /** Request limit per window. */
  limitRequests?: number;
  /** Requests left in the window. */
  remainingRequests?: number;
  /** Time until the request window resets, in ms (OpenAI Go duration such as `6m0s`; Anthropic RFC 3339 timestamp). */
  resetRequestsMs?: number;
  /** Token limit per window. */
  limitTokens?: number;
  /** Tokens left in the window. */
  remainingTokens?: number;
  /** Time until the token window resets, in ms. */
  resetTokensMs?: number;
}

/** Fields every step (except `window`) may carry. */
export interface StepBase {
  /** Wait this long before sending headers (added to the server's `latencyMs`). */
  delayMs?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Send vendor rate-limit headers with these values. */
  rateLimit?: RateLimitSpec;
}

/**
 * A normal reply (the default). `{}` and `'ok'` both mean "answer normally".
 * With `stream`, faults are injected when the request asks for a stream; a non-streaming
 * request still gets the plain JSON reply.
 */
export interface ReplyStep extends StepBase {
  /** What to reply with. */
  reply?: ReplySpec;
  /** Stream faults, used when the request is a streaming one. */
  stream?: StreamFaults;
  /** Send this many blank lines before a JSON body (DeepSeek under load). */
  leadingBlankLines?: number;
}

/** Fields of a vendor error body. Each flavour fills in what is missing with its real defaults. */
export interface ErrorDetails {
  /** OpenAI `error.type` / Anthropic `error.type`. */
  type?: string;
  /** OpenAI `error.code` (string or null); Gemini `error.code` is always the HTTP status. */
  code?: string | number | null;
  /** Human-readable message. */
  message?: string;
  /** OpenAI `error.param`. */
  param?: string | null;
  /** Gemini `error.status` (e.g. `RESOURCE_EXHAUSTED`). */
  status?: string;
  /** Gemini `error.details`. Replaces the default details. */
  details?: unknown[];
}

/** Options shared by error and preset steps. */
export interface ErrorStepOptions extends StepBase {
  /** Fields of the error body; the rest come from the flavour's defaults for the status. */
  error?: ErrorDetails;
  /**
   * Retry hint, in seconds (number or numeric string) or an HTTP-date string. OpenAI and Anthropic:
   * `retry-after` header. Gemini: a `RetryInfo.retryDelay` in the body (Gemini sends no header).
   */
  retryAfter?: number | string;
  /** Retry hint in ms: `retry-after-ms` header (OpenAI/Anthropic); Gemini `RetryInfo.retryDelay`. */
  retryAfterMs?: number;
  /** Send `x-should-retry: true|false`. */
  shouldRetry?: boolean;
  /** Request id to send (`x-request-id` / `request-id` header and Anthropic `request_id`). */
  requestId?: string;
  /** Send this body verbatim instead of the flavour's error envelope (a string is sent as is, anything else as JSON). */
  body?: unknown;
}

/** Answer with an HTTP error status and the flavour's real error body and headers. */
export interface ErrorStep extends ErrorStepOptions {
  /** HTTP status, e.g. 429, 500, 503, 529, 400, 401. */
  status: number;
}

/** Names of ready-made faults, each producing the provider's real status, body and headers. */
export type PresetName =
  | 'rate_limit'
  | 'insufficient_quota'
  | 'quota_per_day'
  | 'context_length_exceeded'
  | 'content_policy'
  | 'overloaded'
  | 'server_error'
  | 'unavailable'
  | 'timeout'
  | 'invalid_api_key'
  | 'model_not_found';

/** A ready-made fault; any error option given overrides the preset's value. */
export interface PresetStep extends ErrorStepOptions {
  /** Which fault. */
  preset: PresetName;
  /** Overrides the preset's status. */
  status?: number;
}

/** Never answer: the request hangs until the client gives up or the server closes. */
export interface HangStep extends StepBase {
  /** Always `true`. */
  hang: true;
}

/** Reset the TCP connection (RST) before sending any header. */
export interface ResetStep extends StepBase {
  /** Always `true`. */
  reset: true;
}

/** HTTP 200 with `application/json` and a truncated, unparsable body. */
export interface MalformedJsonStep extends StepBase {
  /** Always `true`. */
  malformedJson: true;
}

/**
 * HTTP 200 whose body is an error (OpenRouter style, `{"error":{"code":502,"message":…}}` for the
 * OpenAI flavour; the vendor's own envelope for the others).
 */
export interface ErrorBody200Step extends StepBase {
  /** `true`, or the error's fields (`code` is the numeric error code, default 502). */
  errorBody200: true | (ErrorDetails & { code?: number });
}

/** What a `raw` step sends. */
export interface RawResponse {
  /**
   * The body, sent byte for byte in one write: a string (as UTF-8) or bytes (a `Buffer` or any
   * `Uint8Array`). An SSE body is sent as given too: its framing, comments and terminator are yours.
   */
  body: string | Uint8Array;
  /**
   * HTTP status.
   *
   * @defaultValue `200`
   */
  status?: number;
  /**
   * Response headers, sent as given. Without a `content-type` (in any case), the mock sends the
   * one the vendor sends for this request: the flavour's stream type when the request asks for a
   * stream and `status` is 2xx (`text/event-stream; charset=utf-8`; Gemini `alt=sse`:
   * `text/event-stream`; Gemini `streamGenerateContent` without `alt=sse`:
   * `application/json; charset=UTF-8`), else `application/json`.
   */
  headers?: Record<string, string>;
}

/**
 * Answer with exactly these bytes, for a provider's own text that the flavours would not write
 * (`\u00e9` escapes, `"usage":null` last, a relay's extra members, an odd SSE framing). The
 * request is still checked (path, auth, validation) and recorded like any other. Nothing is added
 * to what `raw` gives but a default `content-type`, the step's own `headers` and `rateLimit`
 * headers when it has them, and what Node writes itself (`date`, `connection`, `content-length`
 * or chunked framing): no request id, and not the server's `rateLimit` option.
 *
 * @example
 * ```ts
 * const json = '{"id":"r1","object":"chat.completion","created":1,"model":"m","choices":[],"usage":null}';
 * await startMockProvider({ script: { raw: { body: json } } });
 * const sse = 'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[]}\n\ndata: [DONE]\n\n';
 * await startMockProvider({ script: [{ raw: { body: sse }, delayMs: 50 }] });
 * ```
 */
export interface RawStep extends StepBase {
  /** What to send. */
  raw: RawResponse;
}

/**
 * A step that depends on time: `step` while `fromMs <= t < untilMs` (t = clock time since the
 * server started or was last `reset()`), `otherwise` (default: a normal reply) outside.
 */
export interface WindowStep {
  /** The window. */
  window: {
    /** Start of the window, ms since start. Default 0. */
    fromMs?: number;
    /** End of the window (exclusive), ms since start. Default: never ends. */
    untilMs?: number;
    /** Step used inside the window. */
    step: Step;
    /** Step used outside the window. Default: a normal reply. */
    otherwise?: Step;
  };
}

/**
 * What one request gets. Discriminated by the key present:
 * `status` | `preset` | `hang` | `reset` | `malformedJson` | `errorBody200` | `raw` | `window`; anything else
 * (including `'ok'`, `{}`, `{ reply }`, `{ stream }`, `{ delayMs }`) is a normal reply.
 */
export type Step =
  | 'ok'
  | ReplyStep
  | ErrorStep
  | PresetStep
  | HangStep
  | ResetStep
  | MalformedJsonStep
  | ErrorBody200Step
  | RawStep
  | WindowStep;

/**
 * A script function: returns the step for request `n` (0-based among requests that used this
 * script). `undefined` means a normal reply.
 */
export type ScriptFn = (request: RecordedRequest, n: number) => Step | undefined;

/**
 * A script: an array (request `n` gets `steps[n]`, a normal reply once exhausted), a single step
 * (every request gets it), or a function.
 */
export type Script = Step | readonly Step[] | ScriptFn;

/** A time-based override, active while `fromMs <= t < toMs` (t = clock ms since start or last reset). */
export interface ScheduleEntry {
  /** Start, ms since start. Default 0. */
  fromMs?: number;
  /** End (exclusive), ms since start. Default: never ends. */
  toMs?: number;
  /** Only requests for this model. Default: every model. */
  model?: string;
  /** The step active requests get. */
  step: Step;
}

/** Options of `startMockProvider()`. */
export interface MockProviderOptions {
  /** Wire format. Default `'openai'`. */
  flavor?: Flavor;
  /** What the n-th request gets (n counted across requests whose model has no route). */
  script?: Script;
  /** Per-model scripts: a single step applies to every request for that model, an array is a script with its own counter. */
  routes?: Record<string, Step | readonly Step[]>;
  /** Time windows that override routes and script while active. */
  schedule?: readonly ScheduleEntry[];
  /** Base delay before every response, in ms. */
  latencyMs?: number;
  /** Default reply text. Default `'Hello from the mock provider.'`. */
  text?: string;
  /**
   * The API key clients must send, or several keys that are all accepted (a key pool's keys).
   * Default `'test-key'`; `false` turns the check off.
   */
  apiKey?: string | readonly string[] | false;
  /**
   * Per-key scripts: a request sent with key `k` gets its step from `keys[k]` (a single step for
   * every such request, or an array with its own counter), before routes and the global script
   * (a `schedule` window still wins). The keys listed here are accepted too.
   */
  keys?: Record<string, Step | readonly Step[]>;
  /** Clock for `time` in recorded requests and for time windows. Default `Date`. */
  clock?: Clock;
  /** Port to listen on (127.0.0.1). Default 0 (any free port). */
  port?: number;
  /**
   * Speak HTTP/2 over cleartext (h2c, prior knowledge) instead of HTTP/1.1: many requests share
   * one connection. A `reset` step or a stream `cutAfter` then resets the one HTTP/2 stream
   * (`RST_STREAM`), not the connection. Default `false`.
   */
  http2?: boolean;
  /** Words per streamed content chunk. Default 1. */
  chunkSize?: number;
  /** Split the text into exactly this many stream chunks instead (overrides `chunkSize`). */
  chunks?: number;
  /**
   * Reject requests the real API would reject (missing `model`/`messages`, Anthropic `max_tokens`,
   * OpenAI `stream_options` without `stream`, invalid JSON) with the vendor's 400. Default `true`.
   */
  validate?: boolean;
  /** Rate-limit headers to send on every successful reply. */
  rateLimit?: RateLimitSpec;
  /**
   * Refuse assistant prefills: a chat request whose last message is the assistant's (Gemini: a
   * `model` turn) gets the vendor's 400 `This model does not support assistant message prefill. The
   * conversation must end with a user message.` `true` for every model, or a list of models. Such
   * requests are recorded but do not consume a script step. Default: prefills are answered.
   */
  rejectPrefill?: boolean | readonly string[];
  /** Width of embedding vectors when the request sets no `dimensions` / `outputDimensionality`. Default 1536. */
  embeddingDimensions?: number;
  /** Keep at most this many recorded requests (oldest dropped first). Default 10 000. */
  maxRecorded?: number;
}

/** One request as the mock received it. */
export interface RecordedRequest {
  /** 0-based arrival index across the server (not reset by dropping old records; reset by `reset()`). */
  index: number;
  /** Arrival time from the server's clock, in ms. */
  time: number;
  /** HTTP method. */
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query parameters, when there are any (Gemini `key` redacted). */
  query?: Record<string, string>;
  /** Request headers, lower-cased, with `authorization`, `x-api-key` and `x-goog-api-key` values redacted as `'[redacted]'`. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body; the raw string when it is not JSON; `undefined` when empty. */
  body: unknown;
  /** The requested model (body `model`, or the Gemini path). */
  model?: string;
  /** Whether the request asked for a stream. */
  stream: boolean;
  /**
   * Which accepted key the request carried: its index in `apiKey` (a list, or `[apiKey]`),
   * followed by the keys of `keys` not already listed. `undefined` when the key check is off or
   * the key was not accepted. (The key itself is never recorded.)
   */
  keyIndex?: number;
}

/** A running mock provider. */
export interface MockProvider {
  /** Base URL to give an SDK or adapter: `http://127.0.0.1:PORT/v1` for OpenAI, the bare origin for Anthropic and Gemini. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** The port listened on. */
  readonly port: number;
  /** The flavour spoken. */
  readonly flavor: Flavor;
  /** Connections accepted so far (with `http2`, many requests share one). */
  readonly connections: number;
  /** Every request received, in arrival order (the same array across `reset()`). */
  readonly requests: RecordedRequest[];
  /** Clear `requests`, restart every script counter and restart the time origin of windows. */
  reset(): void;
  /** Replace the global script (its counter restarts). */
  setScript(script: Script | undefined): void;
  /** Replace the per-model routes (their counters restart). */
  setRoutes(routes: Record<string, Step | readonly Step[]> | undefined): void;
  /** Replace the schedule. */
  setSchedule(schedule: readonly ScheduleEntry[] | undefined): void;
  /** Stop listening, destroy every open socket (hung and stalled ones too) and clear every timer. */
  close(): Promise<void>;
}
