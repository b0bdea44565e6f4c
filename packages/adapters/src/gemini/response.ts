/**
 * Gemini `GenerateContentResponse` → `ChatResponse` (OpenAI shape): parts become `content`,
 * `reasoning_content` (thought parts) and `tool_calls` (ids minted when Gemini sends none),
 * `finishReason` a `finish_reason` (`STOP` with function calls → `tool_calls`), and usage
 * OpenAI-style counts. A blocked prompt or an all-blocked answer throws {@link ContentFilterError}.
 * @module
 */
import { ContentFilterError, ServerError, type ChatChoice, type ChatResponse, type FinishReason, type ToolCall, type Usage } from '@lifeline/core';
import type { GeminiCandidate, GeminiPart, GeminiResponse, GeminiUsage } from './types.js';

/** Finish reasons that mean the answer was blocked (mapped to `content_filter`). */
export const FILTER_REASONS: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * Maps a `finishReason`: `STOP` → `stop` (`tool_calls` when the candidate called a function),
 * `MAX_TOKENS` → `length`, safety reasons → `content_filter`; others (`MALFORMED_FUNCTION_CALL`,
 * `OTHER`, …) are passed through lower-cased.
 */
export function toFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason | null {
  if (!reason) return null;
  if (reason === 'STOP') return hasToolCalls ? 'tool_calls' : 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTER_REASONS.has(reason)) return 'content_filter';
  return reason.toLowerCase();
}

const count = (n: unknown): number => (typeof n === 'number' && Number.isFinite(n) ? n : 0);

/**
 * Gemini usage → OpenAI usage: `prompt_tokens = promptTokenCount + toolUsePromptTokenCount`,
 * `completion_tokens = candidatesTokenCount + thoughtsTokenCount` (thoughts are not inside
 * candidates), `reasoning_tokens = thoughtsTokenCount`, `cached_tokens = cachedContentTokenCount`
 * (already inside `promptTokenCount`). The raw counts are kept in `usage.gemini`.
 */
export function toUsage(raw: GeminiUsage): Usage {
  const prompt = count(raw.promptTokenCount) + count(raw.toolUsePromptTokenCount);
  const thoughts = count(raw.thoughtsTokenCount);
  const completion = count(raw.candidatesTokenCount) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: count(raw.cachedContentTokenCount) },
    completion_tokens_details: { reasoning_tokens: thoughts },
    gemini: { ...raw },
  };
}

/** A tool call from a `functionCall` part; `extra_content.google.thought_signature` keeps a Gemini 3 signature. */
export function toToolCall(part: GeminiPart, newId: () => string): ToolCall {
  const fc = part.functionCall!;
  const call: ToolCall = { id: typeof fc.id === 'string' && fc.id !== '' ? fc.id : newId(), type: 'function', function: { name: fc.name, arguments: JSON.stringify(fc.args ?? {}) } };
  if (typeof part.thoughtSignature === 'string') (call as ToolCall & { extra_content?: unknown }).extra_content = { google: { thought_signature: part.thoughtSignature } };
  return call;
}

/** Who is asking, for errors and ids. */
export interface GeminiResponseContext {
  provider: string;
  /** Error message prefix. */
  label: string;
  /** The requested model, used when the response has no `modelVersion`. */
  model: string;
  /** Mints a tool-call id when Gemini sends none. */
  newId: () => string;
  /** Current time, epoch ms. */
  nowMs?: number;
}

/** The error for a blocked prompt (`promptFeedback.blockReason`) or a blocked answer. */
export function blockedError(ctx: GeminiResponseContext, what: 'prompt' | 'response', reason: string, detail: string | undefined, requestId: string | undefined): ContentFilterError {
  const message = `${ctx.label}: ${what} blocked by Gemini (${reason})${detail ? ` — ${detail}` : ''}`;
  return new ContentFilterError(message, { provider: ctx.provider, providerCode: reason, requestId });
}

function toChoice(candidate: GeminiCandidate, i: number, newId: () => string): ChatChoice {
  let text = '';
  let sawText = false;
  let reasoning: string | undefined;
  const toolCalls: ToolCall[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall) toolCalls.push(toToolCall(part, newId));
    else if (typeof part.text === 'string' && part.thought === true) reasoning = (reasoning ?? '') + part.text;
    else if (typeof part.text === 'string') {
      text += part.text;
      sawText = true;
    }
  }
  const message: ChatChoice['message'] = { role: 'assistant', content: sawText ? text : toolCalls.length > 0 ? null : '' };
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return { index: candidate.index ?? i, message, finish_reason: toFinishReason(candidate.finishReason, toolCalls.length > 0), logprobs: null };
}

/**
 * Translates a `generateContent` response.
 *
 * @throws {@link ContentFilterError} when the prompt was blocked (no candidates,
 *   `promptFeedback.blockReason`) or every candidate was blocked; the message names the reason
 * @throws {@link ServerError} (retryable) when there are no candidates and no block reason
 * @example
 * ```ts
 * fromGeminiResponse({ candidates: [{ content: { parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }] },
 *   { provider: 'gemini', label: 'gemini', model: 'gemini-2.5-flash', newId: () => 'call_1' })
 * // { object: 'chat.completion', model: 'gemini-2.5-flash', choices: [{ message: { content: 'Hi' }, finish_reason: 'stop', … }] }
 * ```
 */
export function fromGeminiResponse(body: GeminiResponse, ctx: GeminiResponseContext): ChatResponse {
  const candidates = Array.isArray(body.candidates) ? body.candidates : [];
  const feedback = body.promptFeedback;
  if (candidates.length === 0 && feedback?.blockReason) {
    throw blockedError(ctx, 'prompt', feedback.blockReason, feedback.blockReasonMessage, body.responseId);
  }
  if (candidates.length === 0) {
    throw new ServerError(`${ctx.label}: response has no candidates and no block reason`, { provider: ctx.provider, requestId: body.responseId });
  }
  if (candidates.every((c) => c.finishReason && FILTER_REASONS.has(c.finishReason))) {
    throw blockedError(ctx, 'response', candidates[0]!.finishReason!, undefined, body.responseId);
  }
  const nowMs = ctx.nowMs ?? Date.now();
  const response: ChatResponse = {
    id: body.responseId ?? `gemini-${nowMs.toString(36)}`,
    object: 'chat.completion',
    created: Math.floor(nowMs / 1000),
    model: body.modelVersion ?? ctx.model,
    choices: candidates.map((c, i) => toChoice(c, i, ctx.newId)),
  };
  if (body.usageMetadata) response.usage = toUsage(body.usageMetadata);
  return response;
}
