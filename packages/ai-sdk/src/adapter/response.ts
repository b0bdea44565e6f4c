/**
 * The AI SDK's generate result → a Lifeline `ChatResponse` (one choice): text, reasoning
 * (Anthropic signatures kept as `thinking_blocks`), tool calls, finish reason and usage.
 * @module
 */
import type { LanguageModelV4Content, LanguageModelV4FinishReason, LanguageModelV4Usage, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { ChatChoice, ChatResponse, ToolCall } from '@lifeline/core';
import { toOpenAIFinishReason } from '../shared/finish-reason.js';
import { toLifelineUsage } from '../shared/usage.js';

/** The parts of a result a response is built from. */
export interface GenerateOutcome {
  content: readonly LanguageModelV4Content[];
  finishReason: LanguageModelV4FinishReason | { unified: string; raw?: string | undefined };
  usage: LanguageModelV4Usage;
  response?: { id?: string | undefined; modelId?: string | undefined; timestamp?: Date | undefined } | undefined;
}

/** The Anthropic thinking block a reasoning part stands for, when its metadata carries a signature. */
export function thinkingBlock(text: string, metadata: SharedV4ProviderMetadata | undefined): Record<string, unknown> | undefined {
  const anthropic = metadata?.anthropic;
  if (typeof anthropic?.signature === 'string') return { type: 'thinking', thinking: text, signature: anthropic.signature };
  if (typeof anthropic?.redactedData === 'string') return { type: 'redacted_thinking', data: anthropic.redactedData };
  return undefined;
}

/** A tool call part as an OpenAI-shaped tool call. */
export function toToolCall(part: Extract<LanguageModelV4Content, { type: 'tool-call' }>): ToolCall {
  return { id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: part.input || '{}' } };
}

/**
 * Builds the response.
 *
 * @param outcome - the AI SDK result
 * @param modelId - the wrapped model's id (used when the response names none)
 * @param nowMs - current time, for `created` when the response has no timestamp
 */
export function toChatResponse(outcome: GenerateOutcome, modelId: string, nowMs: number): ChatResponse {
  let text = '';
  let reasoning: string | undefined;
  const thinking: Array<Record<string, unknown>> = [];
  const toolCalls: ToolCall[] = [];
  for (const part of outcome.content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'reasoning') {
      reasoning = (reasoning ?? '') + part.text;
      const block = thinkingBlock(part.text, part.providerMetadata);
      if (block) thinking.push(block);
    } else if (part.type === 'tool-call' && !part.providerExecuted) toolCalls.push(toToolCall(part));
  }
  const message: ChatChoice['message'] = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  if (thinking.length > 0) message.thinking_blocks = thinking;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const meta = outcome.response;
  const response: ChatResponse = {
    id: meta?.id ?? `aisdk-${nowMs.toString(36)}`,
    object: 'chat.completion',
    created: Math.floor((meta?.timestamp?.getTime() ?? nowMs) / 1000),
    model: meta?.modelId ?? modelId,
    choices: [{ index: 0, message, finish_reason: toOpenAIFinishReason(outcome.finishReason), logprobs: null }],
  };
  const usage = toLifelineUsage(outcome.usage);
  if (usage) response.usage = usage;
  return response;
}
