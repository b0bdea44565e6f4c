/**
 * The subset of the Anthropic Messages wire format the adapter reads and writes
 * (`POST /v1/messages`, anthropic-sdk-typescript `src/resources/messages/messages.ts`).
 * Unknown fields are tolerated everywhere: the API adds block and event types over time.
 * @module
 */

/** `cache_control` marker carried over from OpenAI-style content parts (prompt caching). */
export interface AnthropicCacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

/** A content block the adapter sends. Native blocks given by the caller pass through untouched. */
export type AnthropicBlockParam =
  | { type: 'text'; text: string; cache_control?: AnthropicCacheControl }
  | {
      type: 'image';
      source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
      cache_control?: AnthropicCacheControl;
    }
  | {
      type: 'document';
      source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
      title?: string;
      cache_control?: AnthropicCacheControl;
    }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | {
      type: 'tool_result';
      tool_use_id: string;
      content: string | AnthropicBlockParam[];
      is_error?: boolean;
      cache_control?: AnthropicCacheControl;
    }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | ({ type: string } & Record<string, unknown>);

/** One turn of the conversation. */
export interface AnthropicMessageParam {
  role: 'user' | 'assistant';
  content: string | AnthropicBlockParam[];
}

/** A tool definition. */
export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  cache_control?: AnthropicCacheControl;
}

/** `tool_choice`. */
export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

/** The request body of `POST /v1/messages`. */
export interface AnthropicRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
  system?: string | Array<{ type: 'text'; text: string; cache_control?: AnthropicCacheControl }>;
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  stream?: boolean;
  metadata?: { user_id?: string };
  thinking?: unknown;
  output_config?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** `usage` of a message (`input_tokens` excludes cache reads and writes). Cache fields may be `null`. */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  [extra: string]: unknown;
}

/** A content block of a response. */
export type AnthropicBlock =
  | { type: 'text'; text: string; citations?: unknown }
  | { type: 'thinking'; thinking: string; signature?: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input?: unknown }
  | ({ type: string } & Record<string, unknown>);

/** The response body of `POST /v1/messages`. */
export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicBlock[];
  stop_reason: string | null;
  stop_sequence?: string | null;
  usage?: AnthropicUsage;
  [extra: string]: unknown;
}

/** A thinking block as surfaced on OpenAI-shaped messages (`thinking_blocks`), to send back with tool results. */
export type ThinkingBlock = { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string };
