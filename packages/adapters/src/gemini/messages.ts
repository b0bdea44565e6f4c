/**
 * OpenAI `messages` → Gemini `systemInstruction` + `contents`: system and developer messages go to
 * `systemInstruction`, `assistant` becomes `model`, tool calls become `functionCall` parts (with
 * their Gemini 3 `thoughtSignature` when the call carried one), and tool results `functionResponse`
 * parts in a user turn, named after the assistant tool call they answer. Consecutive turns of the
 * same role are merged.
 * @module
 */
import type { ChatMessage, ToolCall } from '@lifeline/core';
import { invalid } from '../anthropic/content.js';
import { toParts, toSystemParts } from './content.js';
import type { GeminiContent, GeminiPart, GeminiRequest } from './types.js';

/** The translated conversation. */
export interface GeminiConversation {
  systemInstruction: GeminiRequest['systemInstruction'];
  contents: GeminiContent[];
}

/** The Gemini 3 thought signature a tool call carries, in Google's OpenAI-compatible convention. */
export function thoughtSignatureOf(call: ToolCall): string | undefined {
  const signature = (call as { extra_content?: { google?: { thought_signature?: unknown } } }).extra_content?.google?.thought_signature;
  return typeof signature === 'string' ? signature : undefined;
}

function parseArgs(provider: string, args: unknown, at: string): Record<string, unknown> {
  if (args === undefined || args === null || (typeof args === 'string' && args.trim() === '')) return {};
  if (typeof args === 'object' && !Array.isArray(args)) return args as Record<string, unknown>;
  let parsed: unknown;
  try {
    parsed = typeof args === 'string' ? JSON.parse(args) : undefined;
  } catch {
    return invalid(provider, at, 'must be valid JSON (Gemini needs functionCall args as an object)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return invalid(provider, at, 'must be a JSON object (Gemini needs functionCall args as an object)');
  }
  return parsed as Record<string, unknown>;
}

/**
 * A tool result as the `response` object of a `functionResponse`: a JSON object result is sent as
 * is; anything else as `{ output: <text> }`, the key Gemini documents for a function's output.
 */
function toolResponse(content: unknown): Record<string, unknown> {
  const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : '')).join('') : '';
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // not JSON: plain text output
  }
  return { output: text };
}

/**
 * Translates the conversation.
 *
 * @param provider - adapter name, for error messages
 * @param messages - OpenAI-shaped messages
 * @throws {@link BadRequestError} naming the offending field (e.g. a tool result whose
 *   `tool_call_id` matches no earlier assistant tool call)
 */
export function toGeminiConversation(provider: string, messages: readonly ChatMessage[]): GeminiConversation {
  const system: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const names = new Map<string, string>();
  const push = (role: 'user' | 'model', parts: GeminiPart[]): void => {
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    switch (message?.role) {
      case 'system':
      case 'developer':
        system.push(...toSystemParts(provider, message.content, `${at}.content`));
        break;
      case 'user':
        push('user', toParts(provider, message.content, `${at}.content`));
        break;
      case 'assistant': {
        const parts = toParts(provider, message.content, `${at}.content`);
        (message.tool_calls ?? []).forEach((call, j) => {
          const where = `${at}.tool_calls[${j}]`;
          const name = call?.function?.name;
          if (typeof name !== 'string' || name === '') invalid(provider, `${where}.function.name`, 'must be a non-empty string');
          if (typeof call.id === 'string') names.set(call.id, name);
          const part: GeminiPart = { functionCall: { name, args: parseArgs(provider, call.function.arguments, `${where}.function.arguments`) } };
          const signature = thoughtSignatureOf(call);
          if (signature) part.thoughtSignature = signature;
          parts.push(part);
        });
        push('model', parts);
        break;
      }
      case 'tool': {
        const name = names.get(message.tool_call_id);
        if (name === undefined) {
          invalid(provider, `${at}.tool_call_id`, `must match the id of a tool call in an earlier assistant message (Gemini needs the function name), got ${JSON.stringify(message.tool_call_id)}`);
        }
        push('user', [{ functionResponse: { name, response: toolResponse(message.content) } }]);
        break;
      }
      default:
        invalid(provider, `${at}.role`, `must be one of system, developer, user, assistant, tool, got ${JSON.stringify((message as { role?: unknown })?.role)}`);
    }
  });
  return { systemInstruction: system.length > 0 ? { parts: system } : undefined, contents };
}
