/**
 * Finish reasons, both ways: Lifeline's OpenAI-shaped `finish_reason` and the AI SDK's
 * `{ unified, raw }` pair.
 * @module
 */
import type { LanguageModelV4FinishReason } from '@ai-sdk/provider';
import type { FinishReason } from '@lifeline/core';

const TO_UNIFIED: Record<string, LanguageModelV4FinishReason['unified']> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  content_filter: 'content-filter',
  error: 'error',
};

const TO_OPENAI: Record<LanguageModelV4FinishReason['unified'], FinishReason> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  error: 'error',
  interrupted: 'error',
  other: 'stop',
};

/**
 * The AI SDK finish reason of a Lifeline `finish_reason`; `raw` keeps the original.
 * @example
 * ```ts
 * toUnifiedFinishReason('tool_calls') // { unified: 'tool-calls', raw: 'tool_calls' }
 * ```
 */
export function toUnifiedFinishReason(reason: FinishReason | null | undefined): LanguageModelV4FinishReason {
  if (reason === null || reason === undefined) return { unified: 'other', raw: undefined };
  return { unified: TO_UNIFIED[reason] ?? 'other', raw: reason };
}

/**
 * The Lifeline `finish_reason` of an AI SDK finish reason: the provider's raw value is not used
 * (it is vendor-specific, `end_turn`, `STOP`); `other` becomes `stop`.
 * @example
 * ```ts
 * toOpenAIFinishReason({ unified: 'tool-calls', raw: 'tool_use' }) // 'tool_calls'
 * ```
 */
export function toOpenAIFinishReason(reason: { unified: string; raw?: string | undefined } | undefined): FinishReason {
  if (!reason) return 'stop';
  return TO_OPENAI[reason.unified as LanguageModelV4FinishReason['unified']] ?? 'stop';
}
