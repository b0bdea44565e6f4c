/**
 * Token usage, both ways: Lifeline's OpenAI-shaped `Usage` (`cached_tokens` and
 * `cache_write_tokens` inside `prompt_tokens`, `reasoning_tokens` inside `completion_tokens`) and
 * the AI SDK's `{ inputTokens, outputTokens }` breakdown.
 * @module
 */
import type { JSONObject, LanguageModelV4Usage } from '@ai-sdk/provider';
import type { Usage } from '@lifeline/core';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The AI SDK usage of a Lifeline usage. Unknown counts stay `undefined` (never a made-up 0);
 * `raw` is the Lifeline usage itself.
 * @example
 * ```ts
 * toAiSdkUsage({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 } })
 * // { inputTokens: { total: 10, noCache: 6, cacheRead: 4, cacheWrite: undefined }, outputTokens: { total: 5, text: 5, reasoning: undefined }, raw: {…} }
 * ```
 */
export function toAiSdkUsage(usage: Usage | null | undefined): LanguageModelV4Usage {
  if (!usage) {
    return {
      inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: undefined, text: undefined, reasoning: undefined },
    };
  }
  const input = num(usage.prompt_tokens);
  const cacheRead = num(usage.prompt_tokens_details?.cached_tokens);
  const cacheWrite = num(usage.prompt_tokens_details?.cache_write_tokens);
  const output = num(usage.completion_tokens);
  const reasoning = num(usage.completion_tokens_details?.reasoning_tokens);
  return {
    inputTokens: {
      total: input,
      noCache: input === undefined ? undefined : Math.max(0, input - (cacheRead ?? 0) - (cacheWrite ?? 0)),
      cacheRead,
      cacheWrite,
    },
    outputTokens: {
      total: output,
      text: output === undefined ? undefined : Math.max(0, output - (reasoning ?? 0)),
      reasoning,
    },
    raw: JSON.parse(JSON.stringify(usage)) as JSONObject,
  };
}

/**
 * The Lifeline usage of an AI SDK usage, or `undefined` when the provider reported no token
 * counts at all (so `meter()` does not price a made-up 0).
 * @example
 * ```ts
 * toLifelineUsage({ inputTokens: { total: 10, noCache: 6, cacheRead: 4, cacheWrite: 0 }, outputTokens: { total: 5, text: 3, reasoning: 2 } })
 * // { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4, cache_write_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 2 } }
 * ```
 */
export function toLifelineUsage(usage: LanguageModelV4Usage | undefined): Usage | undefined {
  if (!usage) return undefined;
  const { inputTokens: i, outputTokens: o } = usage;
  const cacheRead = num(i?.cacheRead);
  const cacheWrite = num(i?.cacheWrite);
  const noCache = num(i?.noCache);
  const input = num(i?.total) ?? (noCache === undefined ? undefined : noCache + (cacheRead ?? 0) + (cacheWrite ?? 0));
  const reasoning = num(o?.reasoning);
  const text = num(o?.text);
  const output = num(o?.total) ?? (text === undefined ? undefined : text + (reasoning ?? 0));
  if (input === undefined && output === undefined) return undefined;
  const result: Usage = {
    prompt_tokens: input ?? 0,
    completion_tokens: output ?? 0,
    total_tokens: (input ?? 0) + (output ?? 0),
  };
  if (cacheRead !== undefined || cacheWrite !== undefined) {
    result.prompt_tokens_details = {};
    if (cacheRead !== undefined) result.prompt_tokens_details.cached_tokens = cacheRead;
    if (cacheWrite !== undefined) result.prompt_tokens_details.cache_write_tokens = cacheWrite;
  }
  if (reasoning !== undefined) result.completion_tokens_details = { reasoning_tokens: reasoning };
  return result;
}
