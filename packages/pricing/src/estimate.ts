/**
 * Token estimates for when a provider reports no usage (a stream without a usage chunk, a cut
 * stream) and for budget reservations. A deliberately simple estimator — about 4 characters per
 * token for English text — because no tokenizer fits every vendor; results are flagged `estimated`.
 * @module
 */
import { estimateEmbeddingTokens, isEmbeddingRequest, type ChatChunk, type ChatRequest, type ChatResponse, type Usage } from '@lifeline/core';

/** Characters per token assumed by the estimator. */
export const CHARS_PER_TOKEN = 4;
/** Tokens added per message for role and framing. */
export const TOKENS_PER_MESSAGE = 4;
/** Tokens assumed per image part. */
export const TOKENS_PER_IMAGE = 85;

/**
 * `ceil(chars / 4)`.
 * @example
 * ```ts
 * estimateTextTokens('Hello world'); // 3
 * ```
 */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function contentChars(content: unknown): { chars: number; images: number } {
  if (typeof content === 'string') return { chars: content.length, images: 0 };
  let chars = 0;
  let images = 0;
  if (Array.isArray(content)) {
    for (const part of content as Array<{ type?: string; text?: unknown }>) {
      if (part?.type === 'text' && typeof part.text === 'string') chars += part.text.length;
      else if (part?.type === 'image_url') images++;
    }
  }
  return { chars, images };
}

/**
 * Estimated prompt tokens of a request: message text (and tool calls, tool definitions) at
 * 4 characters per token, 4 tokens per message, 85 per image; for an embedding request, its input.
 *
 * @param request - the request
 * @returns the estimate (an integer)
 * @example
 * ```ts
 * estimatePromptTokens({ model: 'm', messages: [{ role: 'user', content: 'Hello there!' }] }); // 3 + 4 = 7
 * ```
 */
export function estimatePromptTokens(request: ChatRequest): number {
  if (isEmbeddingRequest(request)) return estimateEmbeddingTokens(request.input);
  let chars = 0;
  let tokens = 0;
  for (const message of request.messages ?? []) {
    tokens += TOKENS_PER_MESSAGE;
    const { chars: c, images } = contentChars((message as { content?: unknown }).content);
    chars += c;
    tokens += images * TOKENS_PER_IMAGE;
    const calls = (message as { tool_calls?: Array<{ function?: { name?: string; arguments?: string } }> }).tool_calls;
    for (const call of calls ?? []) chars += (call.function?.name?.length ?? 0) + (call.function?.arguments?.length ?? 0);
  }
  if (request.tools?.length) chars += JSON.stringify(request.tools).length;
  return tokens + Math.ceil(chars / CHARS_PER_TOKEN);
}

/** Characters of completion a chunk carries (content, reasoning, refusal, tool-call fragments). */
export function chunkChars(chunk: ChatChunk): number {
  const choices = chunk.choices;
  if (!choices) return 0;
  let chars = 0;
  for (let i = 0; i < choices.length; i++) {
    const d = choices[i]?.delta;
    if (!d) continue;
    if (typeof d.content === 'string') chars += d.content.length;
    if (typeof d.reasoning_content === 'string') chars += d.reasoning_content.length;
    if (typeof d.refusal === 'string') chars += d.refusal.length;
    if (d.tool_calls) for (const tc of d.tool_calls) chars += (tc.function?.name?.length ?? 0) + (tc.function?.arguments?.length ?? 0);
  }
  return chars;
}

/** Characters of completion a response carries. */
export function responseChars(response: ChatResponse): number {
  let chars = 0;
  for (const choice of response.choices ?? []) {
    const m = choice.message;
    if (typeof m?.content === 'string') chars += m.content.length;
    if (typeof m?.reasoning_content === 'string') chars += m.reasoning_content.length;
    if (typeof m?.refusal === 'string') chars += m.refusal.length;
    for (const tc of m?.tool_calls ?? []) chars += tc.function.name.length + tc.function.arguments.length;
  }
  return chars;
}

/**
 * An estimated usage: prompt from the request, completion from `completionChars`; flagged
 * `estimated: true`.
 *
 * @param request - the request sent
 * @param completionChars - characters of completion seen
 * @returns the estimated usage
 * @example
 * ```ts
 * estimateUsage(request, 11); // { prompt_tokens: …, completion_tokens: 3, …, estimated: true }
 * ```
 */
export function estimateUsage(request: ChatRequest, completionChars: number): Usage {
  const prompt = estimatePromptTokens(request);
  const completion = Math.ceil(completionChars / CHARS_PER_TOKEN);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, estimated: true };
}
