/**
 * The token estimate a call is pre-debited with before the real usage is known.
 * @module
 */
import { estimateEmbeddingTokens, isEmbeddingRequest, type ChatRequest } from '@lifeline/core';

function chars(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content as Array<{ type?: string; text?: unknown }>) if (typeof part?.text === 'string') n += part.text.length;
  return n;
}

/**
 * `ceil(prompt characters / 4)` plus the output allowance: `max_completion_tokens ?? max_tokens
 * ?? defaultMaxTokens`. Providers count the output allowance against tokens-per-minute at
 * admission the same way. An embedding request counts its input tokens only (no output).
 *
 * @param request - the request
 * @param defaultMaxTokens - output tokens assumed when the request sets no maximum
 * @returns the estimate (an integer)
 * @example
 * ```ts
 * estimateRequestTokens({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'Hello world!' }] }, 1024); // 3 + 100
 * ```
 */
export function estimateRequestTokens(request: ChatRequest, defaultMaxTokens: number): number {
  if (isEmbeddingRequest(request)) return estimateEmbeddingTokens(request.input);
  let n = 0;
  for (const m of request.messages ?? []) {
    n += chars((m as { content?: unknown }).content);
    for (const call of (m as { tool_calls?: Array<{ function?: { arguments?: string } }> }).tool_calls ?? []) n += call.function?.arguments?.length ?? 0;
  }
  if (request.tools?.length) n += JSON.stringify(request.tools).length;
  const max = request.max_completion_tokens ?? request.max_tokens ?? defaultMaxTokens;
  return Math.ceil(n / 4) + max;
}
