/**
 * `ChatRequest` (OpenAI shape) → the body of Anthropic's `POST /v1/messages`.
 *
 * What is translated: messages (see `messages.ts`), `max_completion_tokens`/`max_tokens`,
 * `temperature` (0–1), `top_p`, `stop`, `tools`, `tool_choice`, `parallel_tool_calls`, `user`,
 * `response_format: json_schema` (→ `output_config.format`). Anthropic-native fields `thinking`
 * and `top_k` pass through, and an `anthropic: {…}` object on the request is merged into the body
 * last (the escape hatch for anything else). Every other field is OpenAI-only and is dropped, so
 * a request written for OpenAI can fail over to Anthropic unchanged.
 * @module
 */
import type { ChatRequest, FunctionTool, ToolChoice } from '@lifeline/core';
import { invalid } from './content.js';
import { toAnthropicConversation } from './messages.js';
import type { AnthropicCacheControl, AnthropicRequest, AnthropicTool, AnthropicToolChoice } from './types.js';

/** What the translation needs besides the request. */
export interface AnthropicRequestOptions {
  /** Adapter name, used in error messages and as the error's `provider`. */
  provider: string;
  /** `max_tokens` to send when the request sets neither `max_completion_tokens` nor `max_tokens`. */
  defaultMaxTokens?: number | undefined;
  /** Ask for an SSE stream. */
  stream?: boolean;
}

function maxTokens(request: ChatRequest, options: AnthropicRequestOptions): number {
  const value = request.max_completion_tokens ?? request.max_tokens ?? options.defaultMaxTokens;
  if (value === undefined || value === null) {
    return invalid(
      options.provider,
      'max_tokens',
      'is required by the Anthropic Messages API: set max_completion_tokens or max_tokens on the request, or defaultMaxTokens on the adapter',
    );
  }
  const field = request.max_completion_tokens != null ? 'max_completion_tokens' : request.max_tokens != null ? 'max_tokens' : 'defaultMaxTokens';
  if (!Number.isInteger(value) || value < 1) invalid(options.provider, field, `must be a positive integer, got ${String(value)}`);
  return value;
}

function toTool(tool: FunctionTool, provider: string, i: number): AnthropicTool {
  const fn = tool?.function;
  if (tool?.type !== 'function' || typeof fn?.name !== 'string') {
    return invalid(provider, `tools[${i}]`, 'must be a function tool ({ type: "function", function: { name, parameters } })');
  }
  const out: AnthropicTool = { name: fn.name, input_schema: fn.parameters ?? { type: 'object', properties: {} } };
  if (fn.description !== undefined) out.description = fn.description;
  const cc = (tool as unknown as { cache_control?: AnthropicCacheControl }).cache_control;
  if (cc) out.cache_control = cc;
  return out;
}

function toToolChoice(choice: ToolChoice | undefined, parallel: boolean | undefined, provider: string): AnthropicToolChoice | undefined {
  const disable = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined || choice === null) return parallel === false ? { type: 'auto', ...disable } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...disable };
  if (choice === 'required') return { type: 'any', ...disable };
  if (typeof choice === 'object' && typeof choice.function?.name === 'string') return { type: 'tool', name: choice.function.name, ...disable };
  return invalid(provider, 'tool_choice', `must be "none", "auto", "required" or { type: "function", function: { name } }, got ${JSON.stringify(choice)}`);
}

function number(request: ChatRequest, field: 'temperature' | 'top_p', max: number, provider: string): number | undefined {
  const value = request[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    const hint = field === 'temperature' ? ' (Anthropic accepts 0–1, not OpenAI’s 0–2)' : '';
    return invalid(provider, field, `must be a number between 0 and ${max}${hint}, got ${String(value)}`);
  }
  return value;
}

/**
 * Translates a `ChatRequest` into an Anthropic Messages request body.
 *
 * @param request - the OpenAI-shaped request
 * @param options - provider name, `defaultMaxTokens`, `stream`
 * @returns the exact JSON body to send
 * @throws {@link BadRequestError} naming the field: no max tokens, `temperature` > 1, `n` > 1,
 *   tool-call arguments that are not a JSON object, unsupported content parts
 * @example
 * ```ts
 * toAnthropicRequest({ model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] }, { provider: 'anthropic' })
 * // { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] }
 * ```
 */
export function toAnthropicRequest(request: ChatRequest, options: AnthropicRequestOptions): AnthropicRequest {
  const provider = options.provider;
  if (request.n != null && request.n !== 1) invalid(provider, 'n', `must be 1: Anthropic returns a single choice, got ${String(request.n)}`);
  const max_tokens = maxTokens(request, options);
  const temperature = number(request, 'temperature', 1, provider);
  const top_p = number(request, 'top_p', 1, provider);
  const { system, messages } = toAnthropicConversation(provider, request.messages);
  const body: AnthropicRequest = { model: request.model, max_tokens, messages };
  if (system !== undefined) body.system = system;
  if (temperature !== undefined) body.temperature = temperature;
  if (top_p !== undefined) body.top_p = top_p;
  if (typeof request.top_k === 'number') body.top_k = request.top_k;
  if (request.stop != null) {
    const stops = (Array.isArray(request.stop) ? request.stop : [request.stop]).filter((s) => s !== '');
    if (stops.length > 0) body.stop_sequences = stops;
  }
  if (Array.isArray(request.tools) && request.tools.length > 0) {
    body.tools = request.tools.map((tool, i) => toTool(tool, provider, i));
    const choice = toToolChoice(request.tool_choice, request.parallel_tool_calls, provider);
    if (choice) body.tool_choice = choice;
  }
  if (typeof request.user === 'string' && request.user !== '') body.metadata = { user_id: request.user };
  if (request.thinking !== undefined) body.thinking = request.thinking;
  const format = request.response_format;
  if (format?.type === 'json_schema' && format.json_schema?.schema) {
    body.output_config = { format: { type: 'json_schema', schema: format.json_schema.schema } };
  }
  const native = request.anthropic;
  if (native !== undefined && native !== null) {
    if (typeof native !== 'object' || Array.isArray(native)) invalid(provider, 'anthropic', 'must be an object of Anthropic request fields');
    Object.assign(body, native);
  }
  if (options.stream) body.stream = true;
  else delete body.stream;
  return body;
}
