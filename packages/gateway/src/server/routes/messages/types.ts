/**
 * The subset of the Anthropic Messages wire format this front door reads and writes
 * (`@anthropic-ai/sdk` `resources/messages/messages.ts`: `MessageCreateParams`, `Message`,
 * `RawMessageStreamEvent`, `ErrorResponse`).
 * @module
 */

/** `cache_control` on a block, a tool or a system block. */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

/** A request content block, as received (validated while translating). */
export type BlockParam = { type: string } & Record<string, unknown>;

/** One turn of the request's conversation. */
export interface MessageParam {
  role: 'user' | 'assistant' | 'system';
  content: string | BlockParam[];
}

/** A custom tool (`Tool`). Server tools have a `type` such as `web_search_20250305`. */
export interface ToolParam {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  type?: string | null;
  cache_control?: CacheControl | null;
  strict?: boolean;
  [extra: string]: unknown;
}

/** `tool_choice`. */
export type ToolChoiceParam =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

/** The body of `POST /v1/messages` (and, without `max_tokens`, of `count_tokens`). */
export interface MessagesBody {
  model: string;
  max_tokens?: number;
  messages: MessageParam[];
  system?: string | BlockParam[];
  tools?: ToolParam[];
  tool_choice?: ToolChoiceParam;
  stop_sequences?: string[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  thinking?: { type: string; budget_tokens?: number; [extra: string]: unknown };
  metadata?: { user_id?: string | null };
  output_config?: { format?: { type: string; schema?: Record<string, unknown> } | null; effort?: string | null };
  [extra: string]: unknown;
}

/** `usage` of a message (`input_tokens` excludes cache reads and writes). */
export interface MessageUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
  cache_creation: null;
  output_tokens_details: { thinking_tokens: number } | null;
  server_tool_use: null;
  service_tier: null;
  inference_geo: null;
  speed: null;
}

/** The usage of `message_delta` (cumulative totals). */
export interface DeltaUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
  output_tokens_details: { thinking_tokens: number } | null;
  server_tool_use: null;
}

/** A content block of a response. */
export type ContentBlock =
  | { type: 'text'; text: string; citations: null }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown; caller: { type: 'direct' } };

/** The `message` object. */
export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: string | null;
  stop_sequence: string | null;
  stop_details: null;
  container: null;
  diagnostics: null;
  usage: MessageUsage;
  /** The gateway's summary of the call (provider, attempts, cost, route). */
  lifeline?: unknown;
}

/** A `content_block_delta` payload. */
export type BlockDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string };

/** One server-sent event: its `event:` name and its `data:` payload (whose `type` is the same name). */
export interface StreamEvent {
  event: string;
  data: { type: string } & Record<string, unknown>;
}

/** Anthropic's error types (`ErrorType`). */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'overloaded_error';

/** The error body (`ErrorResponse`), also the payload of a stream's `event: error`. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: ErrorType; message: string };
  request_id: string | null;
}
