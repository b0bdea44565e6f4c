/**
 * Prompts and completions in the conventions' message format (`gen_ai.input.messages`,
 * `gen_ai.output.messages`, `gen_ai.system_instructions`), recorded only with `captureContent`.
 * Attribute values are JSON strings, as the conventions ask of span attributes.
 * @module
 */
import type { Attributes } from '@opentelemetry/api';
import type { ChatMessage, ChatResponse, ToolCall } from '@lifeline/core';
import { GEN_AI } from './names.js';

type Part = Record<string, unknown>;

interface Message {
  role: string;
  parts: Part[];
  finish_reason?: string;
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toolCallParts(calls: readonly ToolCall[] | undefined): Part[] {
  return (calls ?? []).map((c) => ({ type: 'tool_call', id: c.id, name: c.function.name, arguments: parseArguments(c.function.arguments) }));
}

/** A message's content as parts; an inline image (`data:` URL) is named, never copied. */
function contentParts(content: unknown): Part[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.map((p: { type?: unknown; text?: unknown; image_url?: { url?: unknown } }) => {
    if (p?.type === 'text') return { type: 'text', content: p.text };
    const url = p?.type === 'image_url' ? p.image_url?.url : undefined;
    if (typeof url === 'string') {
      const inline = /^data:([^;,]+)/.exec(url);
      return inline ? { type: 'blob', modality: 'image', mime_type: inline[1] } : { type: 'uri', modality: 'image', uri: url };
    }
    return { type: String(p?.type ?? 'unknown') };
  });
}

/** The request's conversation: system instructions apart, the other messages in order. */
export function inputContent(messages: readonly ChatMessage[] | unknown): Attributes {
  if (!Array.isArray(messages)) return {};
  const system: Part[] = [];
  const input: Message[] = [];
  for (const m of messages as ChatMessage[]) {
    if (m.role === 'system' || m.role === 'developer') system.push(...contentParts(m.content));
    else if (m.role === 'tool') input.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: m.tool_call_id, response: m.content }] });
    else if (m.role === 'assistant') input.push({ role: 'assistant', parts: [...contentParts(m.content), ...toolCallParts(m.tool_calls)] });
    else input.push({ role: m.role, parts: contentParts(m.content) });
  }
  const a: Attributes = { [GEN_AI.INPUT_MESSAGES]: JSON.stringify(input) };
  if (system.length > 0) a[GEN_AI.SYSTEM_INSTRUCTIONS] = JSON.stringify(system);
  return a;
}

/** The answer's messages, one per choice. */
export function outputContent(response: ChatResponse | undefined): Attributes {
  if (!response || !Array.isArray(response.choices)) return {};
  const output: Message[] = response.choices.map((c) => {
    const message: Message = { role: 'assistant', parts: [...contentParts(c.message?.content), ...toolCallParts(c.message?.tool_calls)] };
    if (c.finish_reason) message.finish_reason = c.finish_reason;
    return message;
  });
  return { [GEN_AI.OUTPUT_MESSAGES]: JSON.stringify(output) };
}
