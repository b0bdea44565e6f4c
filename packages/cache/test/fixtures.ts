/** Cache-specific fixtures, built on `@lifeline/testing`'s builders. */
import type { ChatChunk, ChatResponse } from '@lifeline/core';
import { chatChunk as chunk, chatResponse, usageChunk } from '@lifeline/testing';

/** Every JSON answer in these tests reports 5 tokens, so a saved answer is worth `5 * PRICE_PER_TOKEN`. */
export function textResponse(text: string, model = 'm', finish: string | null = 'stop'): ChatResponse {
  return chatResponse(text, { model, finishReason: finish, usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
}

/** A streamed answer with two parallel tool calls split across deltas. */
export function toolCallChunks(): ChatChunk[] {
  return [
    chunk({ role: 'assistant', content: null }),
    chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
    chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }),
    chunk({}, 'tool_calls'),
    usageChunk({ prompt_tokens: 20, completion_tokens: 12, total_tokens: 32 }),
  ];
}
