/**
 * Lifeline's OpenAI-shaped messages → the AI SDK prompt: system and developer messages become
 * system messages, user content parts become text and file parts, assistant messages keep their
 * reasoning (signed thinking blocks included) and tool calls, and consecutive `tool` messages
 * become one tool message whose results name their tool.
 * @module
 */
import type { LanguageModelV4FilePart, LanguageModelV4Message, LanguageModelV4Prompt, LanguageModelV4TextPart } from '@ai-sdk/provider';
import { BadRequestError, type ChatMessage } from '@lifeline/core';
import { parseDataUrl } from '@lifeline/adapters';

type AssistantPart = Extract<LanguageModelV4Message, { role: 'assistant' }>['content'][number];
type Obj = Record<string, unknown>;

const bad = (provider: string, field: string, message: string) => new BadRequestError(`${provider}: ${field} ${message}`, { provider, field });

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: Obj) => (p?.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
}

function filePart(provider: string, part: Obj, at: string): LanguageModelV4FilePart {
  if (part.type === 'image_url') {
    const url = (part.image_url as { url?: unknown } | undefined)?.url;
    if (typeof url !== 'string') throw bad(provider, `${at}.image_url.url`, 'must be a string');
    const data = parseDataUrl(url);
    if (data) return { type: 'file', mediaType: data.mediaType, data: { type: 'data', data: data.data } };
    if (!/^https?:\/\//i.test(url)) throw bad(provider, `${at}.image_url.url`, 'must be a base64 data: URL or an http(s) URL');
    return { type: 'file', mediaType: 'image/*', data: { type: 'url', url: new URL(url) } };
  }
  if (part.type === 'input_audio') {
    const audio = (part.input_audio ?? {}) as { data?: unknown; format?: unknown };
    if (typeof audio.data !== 'string') throw bad(provider, `${at}.input_audio.data`, 'must be a base64 string');
    return { type: 'file', mediaType: audio.format === 'mp3' ? 'audio/mpeg' : `audio/${String(audio.format ?? 'wav')}`, data: { type: 'data', data: audio.data } };
  }
  const file = (part.file ?? {}) as { file_data?: unknown; file_id?: unknown; filename?: unknown };
  const filename = typeof file.filename === 'string' ? { filename: file.filename } : {};
  if (typeof file.file_id === 'string') return { type: 'file', mediaType: 'application/octet-stream', data: { type: 'reference', reference: { lifeline: file.file_id } }, ...filename };
  const data = typeof file.file_data === 'string' ? parseDataUrl(file.file_data) : undefined;
  if (!data) throw bad(provider, `${at}.file.file_data`, 'must be a base64 data: URL');
  return { type: 'file', mediaType: data.mediaType, data: { type: 'data', data: data.data }, ...filename };
}

function userParts(provider: string, content: unknown, at: string): Array<LanguageModelV4TextPart | LanguageModelV4FilePart> {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw bad(provider, at, 'must be a string or an array of parts');
  return content.map((raw: Obj, i) => {
    const where = `${at}[${i}]`;
    if (raw?.type === 'text') {
      const part: LanguageModelV4TextPart = { type: 'text', text: String(raw.text ?? '') };
      if (raw.cache_control) part.providerOptions = { anthropic: { cacheControl: raw.cache_control as Obj } as never };
      return part;
    }
    if (raw?.type === 'image_url' || raw?.type === 'input_audio' || raw?.type === 'file') return filePart(provider, raw, where);
    throw bad(provider, `${where}.type`, `${JSON.stringify(raw?.type)} is not supported`);
  });
}

function parseArguments(provider: string, args: string, at: string): unknown {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args);
  } catch {
    throw bad(provider, at, 'must be a JSON string');
  }
}

function assistantParts(provider: string, message: Extract<ChatMessage, { role: 'assistant' }>, at: string): AssistantPart[] {
  const parts: AssistantPart[] = [];
  const blocks = (message as { thinking_blocks?: unknown }).thinking_blocks;
  if (Array.isArray(blocks) && blocks.length > 0) {
    for (const block of blocks as Obj[]) {
      if (block?.type === 'thinking') parts.push({ type: 'reasoning', text: String(block.thinking ?? ''), providerOptions: { anthropic: { signature: String(block.signature ?? '') } } });
      else if (block?.type === 'redacted_thinking') parts.push({ type: 'reasoning', text: '', providerOptions: { anthropic: { redactedData: String(block.data ?? '') } } });
    }
  } else if (typeof message.reasoning_content === 'string' && message.reasoning_content !== '') {
    parts.push({ type: 'reasoning', text: message.reasoning_content });
  }
  const body = text(message.content);
  if (body !== '') parts.push({ type: 'text', text: body });
  message.tool_calls?.forEach((call, i) => {
    parts.push({ type: 'tool-call', toolCallId: call.id, toolName: call.function.name, input: parseArguments(provider, call.function.arguments, `${at}.tool_calls[${i}].function.arguments`) });
  });
  return parts;
}

/**
 * Translates the messages of a request.
 *
 * @param provider - target name, for error messages
 * @param messages - the request's messages
 * @returns the AI SDK prompt
 * @throws {@link BadRequestError} naming the field, for content the AI SDK cannot take
 */
export function toPrompt(provider: string, messages: readonly ChatMessage[]): LanguageModelV4Prompt {
  const prompt: LanguageModelV4Prompt = [];
  const toolNames = new Map<string, string>();
  messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        prompt.push({ role: 'system', content: text(message.content) });
        break;
      case 'user':
        prompt.push({ role: 'user', content: userParts(provider, message.content, `${at}.content`) });
        break;
      case 'assistant':
        for (const call of message.tool_calls ?? []) toolNames.set(call.id, call.function.name);
        prompt.push({ role: 'assistant', content: assistantParts(provider, message, at) });
        break;
      case 'tool': {
        const result = { type: 'tool-result' as const, toolCallId: message.tool_call_id, toolName: toolNames.get(message.tool_call_id) ?? 'unknown', output: { type: 'text' as const, value: text(message.content) } };
        const last = prompt.at(-1);
        if (last?.role === 'tool') last.content.push(result);
        else prompt.push({ role: 'tool', content: [result] });
        break;
      }
      default:
        throw bad(provider, `${at}.role`, `${JSON.stringify((message as { role?: unknown }).role)} is not a known role`);
    }
  });
  return prompt;
}
