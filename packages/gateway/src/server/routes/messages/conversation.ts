/**
 * Anthropic `system` + `messages` → OpenAI-shaped messages. A user turn's `tool_result` blocks
 * become `tool` messages (first, as OpenAI requires them right after the tool calls), and the rest
 * of the turn one `user` message; images and documents inside a tool result move to that user
 * message (OpenAI accepts them only there). An assistant turn's `tool_use` blocks become
 * `tool_calls`; signed `thinking` and `redacted_thinking` blocks become `thinking_blocks` (sent
 * back to Anthropic as they were); unsigned thinking is dropped (no upstream can verify it).
 * @module
 */
import type { AssistantMessage, ChatMessage, ContentPart, TextContentPart, ToolCall, ToolMessage } from '@lifeline/core';
import { compactParts, describe, documentParts, imagePart, invalid, textPart } from './blocks.js';
import type { BlockParam, MessageParam } from './types.js';

function blocksOf(content: unknown, at: string): BlockParam[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return invalid(at, `must be a string or an array of content blocks, got ${describe(content)}`);
  content.forEach((block: unknown, i) => {
    if (typeof (block as { type?: unknown } | null)?.type !== 'string') invalid(`${at}[${i}]`, `must be a content block with a string type, got ${describe(block)}`);
  });
  return content as BlockParam[];
}

function unsupported(block: BlockParam, at: string, where: string): never {
  return invalid(`${at}.type`, `${describe(block.type)} is not supported in ${where} by this gateway (supported: text, image, document, tool_use, tool_result, thinking)`);
}

/** System text (top-level `system`, or a `system` turn) as a system message. */
export function systemMessage(content: unknown, at: string): ChatMessage | undefined {
  if (typeof content === 'string') return content === '' ? undefined : { role: 'system', content };
  const parts = blocksOf(content, at).map((block, i) => (block.type === 'text' ? textPart(block, `${at}[${i}]`) : invalid(`${at}[${i}].type`, `must be "text" in a system prompt, got ${describe(block.type)}`)));
  return parts.length === 0 ? undefined : { role: 'system', content: compactParts(parts) };
}

function toolResult(block: BlockParam, at: string, moved: ContentPart[]): ToolMessage {
  if (typeof block.tool_use_id !== 'string' || block.tool_use_id === '') invalid(`${at}.tool_use_id`, `must be a non-empty string, got ${describe(block.tool_use_id)}`);
  const texts: TextContentPart[] = [];
  if (block.content !== undefined && block.content !== null) {
    blocksOf(block.content, `${at}.content`).forEach((inner, i) => {
      const where = `${at}.content[${i}]`;
      if (inner.type === 'text') texts.push(textPart(inner, where));
      else if (inner.type === 'image') moved.push(imagePart(inner, where));
      else if (inner.type === 'document') moved.push(...documentParts(inner, where));
      else unsupported(inner, where, 'a tool_result');
    });
  }
  const cc = block.cache_control;
  const last = texts.at(-1);
  if (cc && typeof cc === 'object' && last) texts[texts.length - 1] = { ...last, cache_control: cc } as TextContentPart;
  const message: ToolMessage = { role: 'tool', tool_call_id: block.tool_use_id, content: texts.length === 0 ? '' : compactParts(texts) };
  if (block.is_error === true) (message as ToolMessage & { is_error?: boolean }).is_error = true;
  return message;
}

function userTurn(content: unknown, at: string): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  if (Array.isArray(content) && content.length === 0) invalid(at, 'must not be empty: send at least one content block');
  const tools: ToolMessage[] = [];
  const parts: ContentPart[] = [];
  const moved: ContentPart[] = [];
  blocksOf(content, at).forEach((block, i) => {
    const where = `${at}[${i}]`;
    if (block.type === 'text') parts.push(textPart(block, where));
    else if (block.type === 'image') parts.push(imagePart(block, where));
    else if (block.type === 'document') parts.push(...documentParts(block, where));
    else if (block.type === 'tool_result') tools.push(toolResult(block, where, moved));
    else unsupported(block, where, 'a user turn');
  });
  const rest = [...moved, ...parts];
  return rest.length > 0 ? [...tools, { role: 'user', content: compactParts(rest) }] : tools;
}

function toolCall(block: BlockParam, at: string): ToolCall {
  if (typeof block.id !== 'string' || block.id === '') invalid(`${at}.id`, `must be a non-empty string, got ${describe(block.id)}`);
  if (typeof block.name !== 'string' || block.name === '') invalid(`${at}.name`, `must be a non-empty string, got ${describe(block.name)}`);
  const input = block.input ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) invalid(`${at}.input`, `must be an object, got ${describe(input)}`);
  return { id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(input) } };
}

function assistantTurn(content: unknown, at: string): AssistantMessage {
  const texts: TextContentPart[] = [];
  const calls: ToolCall[] = [];
  const thinking: Array<Record<string, unknown>> = [];
  blocksOf(content, at).forEach((block, i) => {
    const where = `${at}[${i}]`;
    if (block.type === 'text') {
      if (block.text !== '') texts.push(textPart(block, where));
    } else if (block.type === 'tool_use') calls.push(toolCall(block, where));
    else if (block.type === 'thinking') {
      if (typeof block.thinking !== 'string') invalid(`${where}.thinking`, `must be a string, got ${describe(block.thinking)}`);
      if (typeof block.signature === 'string' && block.signature !== '') thinking.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
    } else if (block.type === 'redacted_thinking') {
      if (typeof block.data !== 'string') invalid(`${where}.data`, `must be a string, got ${describe(block.data)}`);
      thinking.push({ type: 'redacted_thinking', data: block.data });
    } else unsupported(block, where, 'an assistant turn');
  });
  const message: AssistantMessage = { role: 'assistant', content: texts.length > 0 ? compactParts(texts) : calls.length > 0 ? null : '' };
  if (calls.length > 0) message.tool_calls = calls;
  if (thinking.length > 0) (message as AssistantMessage & { thinking_blocks?: unknown }).thinking_blocks = thinking;
  return message;
}

/**
 * Translates the conversation.
 *
 * @param system - the top-level `system`
 * @param messages - the turns
 * @returns the OpenAI-shaped messages
 * @throws {@link HttpError} 400 naming the offending field (`messages[2].content[0].type`)
 */
export function toChatMessages(system: unknown, messages: readonly MessageParam[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  const head = system === undefined || system === null ? undefined : systemMessage(system, 'system');
  if (head) out.push(head);
  messages.forEach((turn, i) => {
    const at = `messages[${i}].content`;
    if (turn.role === 'user') out.push(...userTurn(turn.content, at));
    else if (turn.role === 'assistant') out.push(assistantTurn(turn.content, at));
    else {
      const message = systemMessage(turn.content, at);
      if (message) out.push(message);
    }
  });
  return out;
}
