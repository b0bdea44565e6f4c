/**
 * Anthropic Messages response → `ChatResponse` (OpenAI shape): text and `tool_use` blocks become
 * `content` and `tool_calls`, thinking blocks `reasoning_content` (and `thinking_blocks`, to send
 * back on the next turn), `stop_reason` a `finish_reason`, and usage OpenAI-style token counts.
 * @module
 */
import type { ChatResponse, FinishReason, ToolCall, Usage } from '@lifeline/core';
import type { AnthropicMessage, AnthropicUsage, ThinkingBlock } from './types.js';

const FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/**
 * Maps a `stop_reason` to a `finish_reason`. Reasons without an OpenAI counterpart
 * (`pause_turn`) are passed through verbatim.
 */
export function toFinishReason(stopReason: string | null | undefined): FinishReason | null {
  if (stopReason === null || stopReason === undefined) return null;
  return FINISH[stopReason] ?? stopReason;
}

function count(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * Anthropic usage → OpenAI usage. `input_tokens` excludes cache reads and writes, so
 * `prompt_tokens = input + cache creation + cache read`; `cached_tokens` is the cache read and
 * `cache_write_tokens` the cache creation (priced differently). The raw counts are kept in
 * `usage.anthropic` for exact pricing.
 *
 * @example
 * ```ts
 * toUsage({ input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 5 })
 * // { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_tokens_details: { cached_tokens: 90, cache_write_tokens: 0 }, anthropic: {…} }
 * ```
 */
export function toUsage(raw: AnthropicUsage): Usage {
  const read = count(raw.cache_read_input_tokens);
  const write = count(raw.cache_creation_input_tokens);
  const prompt = count(raw.input_tokens) + read + write;
  const completion = count(raw.output_tokens);
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: read, cache_write_tokens: write },
  };
  const thinking = raw.output_tokens_details?.thinking_tokens;
  if (typeof thinking === 'number') usage.completion_tokens_details = { reasoning_tokens: thinking };
  usage.anthropic = { ...raw };
  return usage;
}

/** Whether `body` has the shape of a Messages response. */
export function isAnthropicMessage(body: unknown): body is AnthropicMessage {
  return typeof body === 'object' && body !== null && Array.isArray((body as { content?: unknown }).content);
}

/**
 * Translates a Messages response.
 *
 * @param message - the parsed response body
 * @param nowMs - current time, for `created`
 * @returns the OpenAI-shaped response (one choice)
 * @example
 * ```ts
 * fromAnthropicMessage({ id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5',
 *   content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn', usage: { input_tokens: 3, output_tokens: 1 } })
 * // { id: 'msg_1', object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop', … }], usage: {…} }
 * ```
 */
export function fromAnthropicMessage(message: AnthropicMessage, nowMs: number = Date.now()): ChatResponse {
  let text = '';
  let sawText = false;
  let reasoning: string | undefined;
  const thinking: ThinkingBlock[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text' && typeof block.text === 'string') {
      text += block.text;
      sawText = true;
    } else if (block.type === 'thinking' && typeof block.thinking === 'string') {
      reasoning = (reasoning ?? '') + block.thinking;
      thinking.push({ type: 'thinking', thinking: block.thinking, signature: typeof block.signature === 'string' ? block.signature : '' });
    } else if (block.type === 'redacted_thinking' && typeof block.data === 'string') {
      thinking.push({ type: 'redacted_thinking', data: block.data });
    } else if (block.type === 'tool_use') {
      const input = block.input ?? {};
      toolCalls.push({ id: String(block.id), type: 'function', function: { name: String(block.name), arguments: JSON.stringify(input) } });
    }
  }
  const msg: ChatResponse['choices'][number]['message'] = {
    role: 'assistant',
    content: sawText ? text : toolCalls.length > 0 ? null : '',
  };
  if (reasoning !== undefined) msg.reasoning_content = reasoning;
  if (thinking.length > 0) msg.thinking_blocks = thinking;
  if (toolCalls.length > 0) msg.tool_calls = toolCalls;
  const response: ChatResponse = {
    id: message.id,
    object: 'chat.completion',
    created: Math.floor(nowMs / 1000),
    model: message.model,
    choices: [{ index: 0, message: msg, finish_reason: toFinishReason(message.stop_reason), logprobs: null }],
  };
  if (message.usage) response.usage = toUsage(message.usage);
  return response;
}
