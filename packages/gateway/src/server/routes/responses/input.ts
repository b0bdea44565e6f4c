/**
 * `input` (a string, or items) → core chat messages: messages with `input_text`, `input_image`
 * and `input_file` parts, assistant messages, `function_call` (joined to the assistant turn they
 * belong to) and `function_call_output` (a tool message). Reasoning items are context the
 * upstream's chat API cannot take back, so they are left out; any other item is refused.
 * @module
 */
import type { AssistantMessage, ChatMessage, ContentPart, TextContentPart, ToolCall } from '@lifeline/core';
import { describe, invalid } from './errors.js';
import type { InputItem } from './types.js';

const DETAILS = new Set(['auto', 'low', 'high']);

function text(value: unknown, at: string): string {
  if (typeof value !== 'string') throw invalid(at, `must be a string, got ${describe(value)}`);
  return value;
}

function userPart(raw: unknown, at: string): ContentPart {
  const part = (raw ?? {}) as Record<string, unknown>;
  switch (part.type) {
    case 'input_text':
      return { type: 'text', text: text(part.text, `${at}.text`) };
    case 'input_image': {
      if (typeof part.image_url !== 'string' || part.image_url === '') {
        throw invalid(`${at}.image_url`, 'is required: send the image as an http(s) or data: URL (file_id images are stored by OpenAI and cannot be served by other vendors)');
      }
      const detail = typeof part.detail === 'string' && DETAILS.has(part.detail) ? { detail: part.detail as 'auto' | 'low' | 'high' } : {};
      return { type: 'image_url', image_url: { url: part.image_url, ...detail } };
    }
    case 'input_file': {
      if (typeof part.file_url === 'string') throw invalid(`${at}.file_url`, 'is not supported: send the file inline as file_data (a data: URL)');
      const file: Record<string, string> = {};
      if (typeof part.file_data === 'string') file.file_data = part.file_data;
      else if (typeof part.file_id === 'string') file.file_id = part.file_id;
      else throw invalid(at, 'must carry file_data (a data: URL) or file_id');
      if (typeof part.filename === 'string') file.filename = part.filename;
      return { type: 'file', file };
    }
    default:
      throw invalid(`${at}.type`, `must be input_text, input_image or input_file in a user message, got ${describe(part.type)}`);
  }
}

/** Text of a system, developer or assistant message (its parts must all be text). */
function textOf(content: unknown, at: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(at, `must be a string or an array of content parts, got ${describe(content)}`);
  return content
    .map((raw: unknown, i) => {
      const part = (raw ?? {}) as Record<string, unknown>;
      if (part.type === 'input_text' || part.type === 'output_text') return text(part.text, `${at}[${i}].text`);
      if (part.type === 'refusal') return text(part.refusal, `${at}[${i}].refusal`);
      throw invalid(`${at}[${i}].type`, `must be a text part here, got ${describe(part.type)}`);
    })
    .join('');
}

function toolOutput(output: unknown, at: string): string | TextContentPart[] {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) throw invalid(at, `must be a string or an array of input_text parts, got ${describe(output)}`);
  return output.map((raw: unknown, i) => {
    const part = (raw ?? {}) as Record<string, unknown>;
    if (part.type !== 'input_text') {
      throw invalid(`${at}[${i}].type`, `${describe(part.type)} is not supported in a function_call_output: the gateway carries tool results as text (the one form every vendor takes)`);
    }
    return { type: 'text' as const, text: text(part.text, `${at}[${i}].text`) };
  });
}

function message(item: InputItem, at: string): ChatMessage {
  const role = item.role;
  const content = item.content;
  switch (role) {
    case 'user':
      if (typeof content === 'string') return { role, content };
      if (!Array.isArray(content)) throw invalid(`${at}.content`, `must be a string or an array of content parts, got ${describe(content)}`);
      return { role, content: content.map((p: unknown, i) => userPart(p, `${at}.content[${i}]`)) };
    case 'system':
    case 'developer':
      return { role, content: textOf(content, `${at}.content`) };
    case 'assistant':
      return { role, content: textOf(content, `${at}.content`) };
    default:
      throw invalid(`${at}.role`, `must be one of user, assistant, system, developer, got ${describe(role)}`);
  }
}

function functionCall(item: InputItem, at: string): ToolCall {
  return {
    id: text(item.call_id, `${at}.call_id`),
    type: 'function',
    function: { name: text(item.name, `${at}.name`), arguments: text(item.arguments, `${at}.arguments`) },
  };
}

/**
 * Translates `input` into chat messages.
 *
 * @param input - the request's `input` (item references already resolved)
 * @param path - the field name for messages (`input`)
 * @returns the messages, in order
 * @throws {@link HttpError} 400 naming the field, for an item or part the gateway cannot serve
 * @example
 * ```ts
 * toMessages([{ role: 'user', content: 'Weather?' }, { type: 'function_call', call_id: 'c1', name: 'w', arguments: '{}' },
 *   { type: 'function_call_output', call_id: 'c1', output: 'Sunny' }]);
 * // [{ role: 'user', … }, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', … }] }, { role: 'tool', tool_call_id: 'c1', content: 'Sunny' }]
 * ```
 */
export function toMessages(input: string | readonly InputItem[] | undefined, path = 'input'): ChatMessage[] {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const messages: ChatMessage[] = [];
  input.forEach((item, i) => {
    const at = `${path}[${i}]`;
    const type = item?.type ?? (item && 'role' in item ? 'message' : undefined);
    switch (type) {
      case 'message':
        messages.push(message(item, at));
        return;
      case 'function_call': {
        const call = functionCall(item, at);
        const last = messages.at(-1);
        if (last?.role === 'assistant') (last.tool_calls ??= []).push(call);
        else messages.push({ role: 'assistant', content: null, tool_calls: [call] } satisfies AssistantMessage);
        return;
      }
      case 'function_call_output':
        messages.push({ role: 'tool', tool_call_id: text(item.call_id, `${at}.call_id`), content: toolOutput(item.output, `${at}.output`) });
        return;
      case 'reasoning':
        return;
      default:
        throw invalid(`${at}.type`, `${describe(type)} items are not supported by this gateway: send messages, function_call, function_call_output, reasoning or item_reference items`);
    }
  });
  return messages;
}
