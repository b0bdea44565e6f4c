/**
 * A Lifeline `ChatResponse` → the AI SDK's generate result content: reasoning (one part per
 * signed thinking block when there are some, so they can be sent back), text, tool calls.
 * @module
 */
import type { JSONObject, LanguageModelV4Content } from '@ai-sdk/provider';
import type { ChatChoice, ToolCall } from '@lifeline/core';

type Message = ChatChoice['message'];

/** The reasoning text of a thinking block, when it has one. */
export function thinkingText(block: Record<string, unknown>): string {
  return typeof block.thinking === 'string' ? block.thinking : '';
}

/** A tool call as an AI SDK `tool-call` content part (arguments `''` count as `{}`). */
export function toolCallPart(call: ToolCall): LanguageModelV4Content {
  const part: LanguageModelV4Content = { type: 'tool-call', toolCallId: call.id, toolName: call.function.name, input: call.function.arguments || '{}' };
  if (call.extra_content) part.providerMetadata = { lifeline: { extraContent: call.extra_content as JSONObject } };
  return part;
}

/**
 * The content parts of an assistant message.
 * @example
 * ```ts
 * toContent({ role: 'assistant', content: 'Hi', tool_calls: [] }) // [{ type: 'text', text: 'Hi' }]
 * ```
 */
export function toContent(message: Message | undefined): LanguageModelV4Content[] {
  if (!message) return [];
  const content: LanguageModelV4Content[] = [];
  const blocks = Array.isArray(message.thinking_blocks) ? message.thinking_blocks : [];
  if (blocks.length > 0) {
    for (const block of blocks) content.push({ type: 'reasoning', text: thinkingText(block), providerMetadata: { lifeline: { thinkingBlock: block as JSONObject } } });
  } else if (typeof message.reasoning_content === 'string' && message.reasoning_content !== '') {
    content.push({ type: 'reasoning', text: message.reasoning_content });
  }
  if (typeof message.content === 'string' && message.content !== '') content.push({ type: 'text', text: message.content });
  for (const call of message.tool_calls ?? []) content.push(toolCallPart(call));
  return content;
}
