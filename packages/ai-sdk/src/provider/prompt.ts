/**
 * The AI SDK prompt → Lifeline's OpenAI-shaped messages: system, user (text and files),
 * assistant (text, reasoning, tool calls) and tool results, one `tool` message per result.
 * @module
 */
import type { LanguageModelV4Message, LanguageModelV4Prompt, LanguageModelV4ToolResultOutput, SharedV4Warning } from '@ai-sdk/provider';
import type { AssistantMessage, ChatMessage, ToolCall } from '@lifeline/core';
import { userContent } from './user-content.js';

type AssistantPart = Extract<LanguageModelV4Message, { role: 'assistant' }>['content'][number];

const lifelineOf = (options: unknown): Record<string, unknown> | undefined => {
  const value = (options as { lifeline?: unknown } | undefined)?.lifeline;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
};

/** A tool result as the string an OpenAI `tool` message carries. */
export function toolResultText(output: LanguageModelV4ToolResultOutput, warnings: SharedV4Warning[]): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value);
    case 'execution-denied':
      return output.reason ?? 'The tool call was not executed: the user denied it.';
    case 'content': {
      const texts: string[] = [];
      for (const item of output.value) {
        if (item.type === 'text') texts.push(item.text);
        else warnings.push({ type: 'unsupported', feature: `tool result content of type ${item.type}`, details: 'OpenAI-shaped tool messages carry text only; the part was dropped' });
      }
      return texts.join('\n');
    }
  }
}

function assistantMessage(parts: readonly AssistantPart[], warnings: SharedV4Warning[]): AssistantMessage {
  let text = '';
  let reasoning: string | undefined;
  const thinking: Array<Record<string, unknown>> = [];
  const toolCalls: ToolCall[] = [];
  for (const part of parts) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'reasoning') {
      reasoning = (reasoning ?? '') + part.text;
      const block = lifelineOf(part.providerOptions)?.thinkingBlock;
      if (typeof block === 'object' && block !== null) thinking.push(block as Record<string, unknown>);
    } else if (part.type === 'tool-call') {
      if (part.providerExecuted) continue;
      const call: ToolCall = { id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: JSON.stringify(part.input ?? {}) } };
      const extra = lifelineOf(part.providerOptions)?.extraContent;
      if (typeof extra === 'object' && extra !== null) call.extra_content = extra as Record<string, unknown>;
      toolCalls.push(call);
    } else if (part.type !== 'tool-result') {
      warnings.push({ type: 'unsupported', feature: `assistant content of type ${part.type}`, details: 'the part was dropped from the conversation' });
    }
  }
  const message: AssistantMessage = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  if (thinking.length > 0) (message as AssistantMessage & { thinking_blocks?: unknown }).thinking_blocks = thinking;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

/**
 * Translates a prompt.
 *
 * @param prompt - the AI SDK prompt
 * @param warnings - collects what could not be carried over
 * @returns the messages of a `ChatRequest`
 * @throws `UnsupportedFunctionalityError` for files that cannot be sent (a non-image URL, an unknown audio format)
 */
export function toChatMessages(prompt: LanguageModelV4Prompt, warnings: SharedV4Warning[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        break;
      case 'user':
        messages.push({ role: 'user', content: userContent(message.content) });
        break;
      case 'assistant':
        messages.push(assistantMessage(message.content, warnings));
        break;
      case 'tool':
        for (const part of message.content) {
          if (part.type !== 'tool-result') continue; // approval responses concern provider-executed tools only
          messages.push({ role: 'tool', tool_call_id: part.toolCallId, content: toolResultText(part.output, warnings) });
        }
        break;
    }
  }
  return messages;
}
