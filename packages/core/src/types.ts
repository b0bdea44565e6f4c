/**
 * The OpenAI Chat Completions wire shape: the lingua franca every adapter translates to and from.
 * Unknown fields are carried through untouched (vendor extras such as `reasoning_effort`).
 * @module
 */

/** A text part of a multi-part message. */
export interface TextContentPart {
  type: 'text';
  text: string;
}

/** An image part (URL or `data:` URL). */
export interface ImageContentPart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

/** Any content part; vendor-specific parts (audio, files) pass through as unknown objects. */
export type ContentPart = TextContentPart | ImageContentPart | ({ type: string } & Record<string, unknown>);

/** A tool call made by the assistant. `arguments` is a JSON string. */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  /** Vendor data that must be sent back with the call (Gemini 3 `extra_content.google.thought_signature`). */
  extra_content?: Record<string, unknown>;
}

/** A system prompt. */
export interface SystemMessage {
  role: 'system';
  content: string | TextContentPart[];
  name?: string;
}

/** A developer prompt (OpenAI's successor to `system` for reasoning models). */
export interface DeveloperMessage {
  role: 'developer';
  content: string | TextContentPart[];
  name?: string;
}

/** A user turn. */
export interface UserMessage {
  role: 'user';
  content: string | ContentPart[];
  name?: string;
}

/** An assistant turn (a previous answer, or a prefill when it is the last message). */
export interface AssistantMessage {
  role: 'assistant';
  content?: string | TextContentPart[] | null;
  refusal?: string | null;
  tool_calls?: ToolCall[];
  name?: string;
  /** DeepSeek-style reasoning text. */
  reasoning_content?: string | null;
}

/** The result of a tool call, answering `tool_call_id`. */
export interface ToolMessage {
  role: 'tool';
  content: string | TextContentPart[];
  tool_call_id: string;
}

/** One message of a conversation. */
export type ChatMessage = SystemMessage | DeveloperMessage | UserMessage | AssistantMessage | ToolMessage;

/** The roles a message may have. */
export type ChatRole = ChatMessage['role'];

/** A function the model may call. */
export interface FunctionTool {
  type: 'function';
  function: {
    name: string;
    description?: string;
    /** JSON Schema of the arguments. */
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

/** How the model may use tools. */
export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

/** Output format constraint. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null } };

/** A chat completion request, as sent to `POST /v1/chat/completions`. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  temperature?: number | null;
  top_p?: number | null;
  /** Deprecated by OpenAI in favour of `max_completion_tokens`; still what most relays read. */
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  n?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  user?: string;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  /** Any other field is passed through to the provider untouched. */
  [extra: string]: unknown;
}

/** Token usage, OpenAI shape. `cached_tokens` is part of `prompt_tokens`; `reasoning_tokens` part of `completion_tokens`. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: {
    cached_tokens?: number;
    /** Tokens written to the provider's prompt cache (Anthropic cache creation), priced apart. */
    cache_write_tokens?: number;
    [k: string]: unknown;
  } | null;
  completion_tokens_details?: {
    reasoning_tokens?: number;
    [k: string]: unknown;
  } | null;
  /** True when the counts were estimated locally because the provider reported none. */
  estimated?: boolean;
  [extra: string]: unknown;
}

/** Why the model stopped. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call' | (string & {});

/** One choice of a non-streamed response. */
export interface ChatChoice {
  index: number;
  message: {
    role: 'assistant';
    content: string | null;
    refusal?: string | null;
    tool_calls?: ToolCall[];
    reasoning_content?: string | null;
    /** Signed reasoning blocks (Anthropic thinking) to send back on the next turn. */
    thinking_blocks?: Array<Record<string, unknown>>;
    [extra: string]: unknown;
  };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

/** A chat completion (`object: 'chat.completion'`). */
export interface ChatResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatChoice[];
  usage?: Usage | null;
  system_fingerprint?: string | null;
  [extra: string]: unknown;
}

/** A tool-call fragment inside a streamed delta, keyed by `index`. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
  extra_content?: Record<string, unknown>;
}

/** One choice of a streamed chunk. */
export interface ChunkChoice {
  index: number;
  delta: {
    role?: 'assistant';
    content?: string | null;
    refusal?: string | null;
    tool_calls?: ToolCallDelta[];
    reasoning_content?: string | null;
    thinking_blocks?: Array<Record<string, unknown>>;
    [extra: string]: unknown;
  };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

/** A streamed chunk (`object: 'chat.completion.chunk'`). The usage chunk has `choices: []`. */
export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChunkChoice[];
  usage?: Usage | null;
  [extra: string]: unknown;
}
