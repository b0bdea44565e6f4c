/**
 * A core `ChatResponse` → Anthropic's `message` object: thinking blocks first (signed ones as the
 * Anthropic upstream sent them; other vendors' reasoning as one thinking block with an empty
 * signature), then the text, then one `tool_use` block per tool call.
 * @module
 */
import type { ChatResponse } from '@lifeline/core';
import type { AnthropicMessage, ContentBlock } from './types.js';
import { messageId, toMessageUsage, toStopReason, toolUseId } from './usage.js';

type ChoiceMessage = ChatResponse['choices'][number]['message'];

/** Tool-call arguments (a JSON string) as a `tool_use` input object; `{}` when they are not a JSON object. */
export function toolInput(args: string | undefined): Record<string, unknown> {
  if (!args) return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A thinking block received in `thinking_blocks`, in Anthropic's shape, or `undefined` when it is not one. */
export function thinkingBlock(raw: Record<string, unknown>): ContentBlock | undefined {
  if (raw.type === 'thinking' && typeof raw.thinking === 'string') {
    return { type: 'thinking', thinking: raw.thinking, signature: typeof raw.signature === 'string' ? raw.signature : '' };
  }
  if (raw.type === 'redacted_thinking' && typeof raw.data === 'string') return { type: 'redacted_thinking', data: raw.data };
  return undefined;
}

function thinkingOf(message: ChoiceMessage): ContentBlock[] {
  const blocks = (message.thinking_blocks ?? []).map(thinkingBlock).filter((b): b is ContentBlock => b !== undefined);
  if (blocks.length > 0) return blocks;
  const reasoning = message.reasoning_content;
  return typeof reasoning === 'string' && reasoning !== '' ? [{ type: 'thinking', thinking: reasoning, signature: '' }] : [];
}

function textOf(message: ChoiceMessage): string {
  const content = message.content as unknown;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

/**
 * Translates a response.
 *
 * @param response - the core response (its first choice)
 * @param model - the model that answered (`meta.model`), else the requested one
 * @returns the `message` object
 * @example
 * ```ts
 * toAnthropicMessage({ id: 'chatcmpl-1', object: 'chat.completion', created: 0, model: 'gpt-4.1',
 *   choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }] }, 'gpt-4.1');
 * // { id: 'msg_chatcmpl-1', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hi', citations: null }], stop_reason: 'end_turn', … }
 * ```
 */
export function toAnthropicMessage(response: ChatResponse, model: string): AnthropicMessage {
  const choice = response.choices[0];
  const message: ChoiceMessage = choice?.message ?? { role: 'assistant', content: '' };
  const content: ContentBlock[] = thinkingOf(message);
  const text = textOf(message);
  const refusal = typeof message.refusal === 'string' && message.refusal !== '' ? message.refusal : undefined;
  if (text !== '' || refusal !== undefined) content.push({ type: 'text', text: text !== '' ? text : refusal!, citations: null });
  const calls = message.tool_calls ?? [];
  for (const call of calls) {
    content.push({ type: 'tool_use', id: toolUseId(call.id), name: call.function.name, input: toolInput(call.function.arguments), caller: { type: 'direct' } });
  }
  const finish = refusal !== undefined && text === '' ? 'content_filter' : choice?.finish_reason;
  return {
    id: messageId(response.id),
    type: 'message',
    role: 'assistant',
    model: model || response.model,
    content,
    stop_reason: toStopReason(finish, calls.length > 0),
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: toMessageUsage(response.usage),
  };
}
