/**
 * The OpenAI Responses API wire shapes this front door reads and writes (the subset it serves),
 * as the official `openai` SDK types them (`openai/resources/responses/responses.d.ts`).
 * @module
 */

/** A content part of an input message. */
export type InputPart =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url?: string | null; file_id?: string | null; detail?: string }
  | { type: 'input_file'; file_data?: string; file_id?: string | null; file_url?: string; filename?: string }
  | { type: 'output_text'; text: string }
  | { type: 'refusal'; refusal: string }
  | ({ type: string } & Record<string, unknown>);

/** One item of `input` (or of a stored response's `output`). */
export type InputItem = Record<string, unknown> & { type?: string };

/** `tools[]` entry; only `function` is served. */
export interface FunctionToolParam {
  type: 'function';
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}

/** `text.format`. */
export type TextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; description?: string; strict?: boolean | null };

/** The body of `POST /v1/responses` (fields this door reads; the rest is rejected or ignored as the README says). */
export interface ResponsesBody {
  model: string;
  input?: string | InputItem[];
  instructions?: string | null;
  tools?: Array<Record<string, unknown> & { type: string }>;
  tool_choice?: unknown;
  parallel_tool_calls?: boolean | null;
  text?: { format?: TextFormat; verbosity?: string | null } | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  reasoning?: { effort?: string | null; summary?: string | null; generate_summary?: string | null } | null;
  metadata?: Record<string, string> | null;
  user?: string;
  previous_response_id?: string | null;
  store?: boolean | null;
  stream?: boolean | null;
  [extra: string]: unknown;
}

/** `output_text` content of a message. */
export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

/** `refusal` content of a message. */
export interface OutputRefusal {
  type: 'refusal';
  refusal: string;
}

/** An output item's lifecycle. */
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** An assistant message. */
export interface MessageItem {
  id: string;
  type: 'message';
  status: ItemStatus;
  role: 'assistant';
  content: Array<OutputText | OutputRefusal>;
}

/** A function call the model made. */
export interface FunctionCallItem {
  id: string;
  type: 'function_call';
  status: ItemStatus;
  call_id: string;
  name: string;
  arguments: string;
}

/** Reasoning text the upstream returned (DeepSeek `reasoning_content`, Anthropic thinking, Gemini thoughts). */
export interface ReasoningItem {
  id: string;
  type: 'reasoning';
  status: ItemStatus;
  summary: Array<{ type: 'summary_text'; text: string }>;
  content: Array<{ type: 'reasoning_text'; text: string }>;
}

/** An item of `output`. */
export type OutputItem = MessageItem | FunctionCallItem | ReasoningItem;

/** `usage` of a response. */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** `status` of a response. */
export type ResponseStatus = 'completed' | 'failed' | 'in_progress' | 'incomplete';

/** `error` of a failed response. */
export interface ResponseError {
  code: string;
  message: string;
}

/** The `response` object. */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: false;
  completed_at: number | null;
  error: ResponseError | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: TextFormat; verbosity?: string };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: 'disabled' | 'auto';
  usage: ResponseUsage | null;
  user: string | null;
  metadata: Record<string, string>;
  [extra: string]: unknown;
}

/** A streamed event, before its `sequence_number` is stamped. */
export type ResponseEvent = { type: string } & Record<string, unknown>;
