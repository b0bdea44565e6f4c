/**
 * OpenAI `messages` → Anthropic `system` + alternating `messages`: system and developer messages
 * are hoisted to the top-level `system`, tool results become `tool_result` blocks in a user turn,
 * assistant tool calls become `tool_use` blocks, and consecutive turns of the same role are merged.
 * @module
 */
import type { ChatMessage } from '@lifeline/core';
import { invalid, toBlocks, toSystemBlocks } from './content.js';
import type { AnthropicBlockParam, AnthropicMessageParam, AnthropicRequest, ThinkingBlock } from './types.js';

/** The translated conversation. */
export interface AnthropicConversation {
  system: AnthropicRequest['system'];
  messages: AnthropicMessageParam[];
}

/**
 * Anthropic tool ids must match `^[a-zA-Z0-9_-]+$`; ids minted by other vendors may not. The
 * mapping is deterministic, so a `tool_use` and its `tool_result` still match.
 */
export function toToolUseId(id: string): string {
  return id.replace(/[^a-zA-Z0-9_-]/g, '_');
}

function parseArguments(provider: string, args: unknown, at: string): Record<string, unknown> {
  if (args === undefined || args === null || (typeof args === 'string' && args.trim() === '')) return {};
  if (typeof args === 'object' && !Array.isArray(args)) return args as Record<string, unknown>;
  if (typeof args !== 'string') return invalid(provider, at, `must be a JSON string, got ${typeof args}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return invalid(provider, at, 'must be valid JSON (Anthropic needs tool_use input as an object)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return invalid(provider, at, 'must be a JSON object (Anthropic needs tool_use input as an object)');
  }
  return parsed as Record<string, unknown>;
}

function thinkingBlocksOf(message: Record<string, unknown>): ThinkingBlock[] {
  const blocks = message.thinking_blocks;
  if (!Array.isArray(blocks)) return [];
  return blocks.filter(
    (b): b is ThinkingBlock =>
      typeof b === 'object' && b !== null && ((b.type === 'thinking' && typeof b.signature === 'string') || b.type === 'redacted_thinking'),
  );
}

function assistantBlocks(provider: string, message: ChatMessage & { role: 'assistant' }, at: string): AnthropicBlockParam[] {
  const blocks: AnthropicBlockParam[] = [...thinkingBlocksOf(message as unknown as Record<string, unknown>)];
  blocks.push(...toBlocks(provider, message.content, `${at}.content`));
  (message.tool_calls ?? []).forEach((call, j) => {
    const where = `${at}.tool_calls[${j}]`;
    if (typeof call?.function?.name !== 'string') invalid(provider, `${where}.function.name`, 'must be a string');
    blocks.push({
      type: 'tool_use',
      id: toToolUseId(String(call.id ?? `toolu_${j}`)),
      name: call.function.name,
      input: parseArguments(provider, call.function.arguments, `${where}.function.arguments`),
    });
  });
  return blocks;
}

function toolResultBlock(provider: string, message: ChatMessage & { role: 'tool' }, at: string): AnthropicBlockParam {
  const content = typeof message.content === 'string' ? message.content : toBlocks(provider, message.content, `${at}.content`);
  const block: AnthropicBlockParam = { type: 'tool_result', tool_use_id: toToolUseId(message.tool_call_id), content };
  const extra = message as unknown as Record<string, unknown>;
  if (extra.is_error === true) block.is_error = true;
  return block;
}

/** Collapses a turn that is one plain text block into a string, as the official SDK examples send it. */
function compact(turn: AnthropicMessageParam): AnthropicMessageParam {
  const blocks = turn.content;
  if (Array.isArray(blocks) && blocks.length === 1) {
    const only = blocks[0] as Record<string, unknown>;
    if (only.type === 'text' && Object.keys(only).length === 2) return { role: turn.role, content: only.text as string };
  }
  return turn;
}

/**
 * Translates the conversation.
 *
 * @param provider - adapter name, for error messages
 * @param messages - OpenAI-shaped messages
 * @throws {@link BadRequestError} naming the offending field
 */
export function toAnthropicConversation(provider: string, messages: readonly ChatMessage[]): AnthropicConversation {
  const system: Array<{ type: 'text'; text: string; cache_control?: unknown }> = [];
  const turns: Array<{ role: 'user' | 'assistant'; content: AnthropicBlockParam[] }> = [];
  const push = (role: 'user' | 'assistant', blocks: AnthropicBlockParam[]): void => {
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    switch (message?.role) {
      case 'system':
      case 'developer':
        system.push(...toSystemBlocks(provider, message.content, `${at}.content`));
        break;
      case 'user':
        push('user', toBlocks(provider, message.content, `${at}.content`));
        break;
      case 'tool':
        push('user', [toolResultBlock(provider, message, at)]);
        break;
      case 'assistant':
        push('assistant', assistantBlocks(provider, message, at));
        break;
      default:
        invalid(provider, `${at}.role`, `must be one of system, developer, user, assistant, tool, got ${JSON.stringify((message as { role?: unknown })?.role)}`);
    }
  });
  // A final assistant turn is a prefill; the API rejects one that ends in whitespace.
  const last = turns[turns.length - 1];
  const tail = last?.role === 'assistant' ? last.content[last.content.length - 1] : undefined;
  if (tail?.type === 'text' && typeof tail.text === 'string') tail.text = tail.text.trimEnd();
  const plain = system.every((b) => b.cache_control === undefined);
  return {
    system: system.length === 0 ? undefined : plain ? system.map((b) => b.text).join('\n\n') : (system as AnthropicConversation['system']),
    messages: turns.map(compact),
  };
}
