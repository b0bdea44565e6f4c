/**
 * The `continue` mid-stream policy's request: the caller's conversation plus the partial answer
 * as a final assistant message (a prefill) that the next target continues from.
 * @module
 */
import type { ChatRequest, ChatResponse } from '@lifeline/core';

/** A prefill request, and whether trailing whitespace was cut from the partial answer. */
export interface Prefill {
  request: ChatRequest;
  /** True when whitespace was cut (Anthropic rejects a prefill ending in whitespace): strip it from the continuation's start. */
  trimmed: boolean;
}

/**
 * Builds the request that continues `partial`. A caller's own prefill (a final assistant message)
 * is extended rather than followed by a second one.
 *
 * @param original - the caller's request
 * @param partial - what the caller has received so far, assembled
 * @returns the prefill request, or why the answer cannot be continued (several choices, tool calls, a refusal)
 */
export function withPrefill(original: ChatRequest, partial: ChatResponse): Prefill | string {
  if (partial.choices.length > 1) return 'the partial answer has several choices';
  const message = partial.choices[0]?.message;
  if (message?.tool_calls?.length) return 'the partial answer has tool calls';
  if (message?.refusal) return 'the partial answer is a refusal';
  const text = message?.content ?? '';
  const kept = text.replace(/\s+$/, '');
  const trimmed = kept.length < text.length;
  if (kept === '') return { request: { ...original, messages: original.messages.slice() }, trimmed };
  const messages = original.messages.slice();
  const last = messages.at(-1);
  if (last?.role === 'assistant' && typeof last.content === 'string' && !last.tool_calls?.length) {
    messages[messages.length - 1] = { ...last, content: last.content + kept };
  } else {
    messages.push({ role: 'assistant', content: kept });
  }
  return { request: { ...original, messages }, trimmed };
}
