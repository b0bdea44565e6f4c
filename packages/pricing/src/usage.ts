/**
 * Usage normalisation: one token breakdown from the OpenAI shape (as every adapter reports it),
 * raw Anthropic counts, and DeepSeek's cache fields.
 * @module
 */
import type { Usage } from '@lifeline/core';

/** Disjoint token counts, each priced at its own rate. */
export interface TokenBreakdown {
  /** All input tokens (the tier threshold is compared against this). */
  promptTokens: number;
  /** Input tokens neither read from nor written to a cache. */
  uncachedInputTokens: number;
  /** Input tokens read from the provider's prompt cache. */
  cacheReadTokens: number;
  /** Input tokens written to the cache with the default (5-minute) TTL. */
  cacheWriteTokens: number;
  /** Input tokens written to the cache with a 1-hour TTL (Anthropic). */
  cacheWrite1hTokens: number;
  /** All output tokens, reasoning included. */
  completionTokens: number;
  /** Reasoning (thinking) tokens, a part of `completionTokens`. */
  reasoningTokens: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

interface AnthropicRaw {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null;
}

/**
 * Splits a usage into disjoint, separately priced counts.
 *
 * - OpenAI shape: `cached_tokens` and `cache_write_tokens` are parts of `prompt_tokens`;
 *   `reasoning_tokens` is part of `completion_tokens` (never added on top).
 * - DeepSeek: `prompt_cache_hit_tokens` counts as cache reads when `cached_tokens` is absent.
 * - Anthropic: the raw counts the adapter keeps in `usage.anthropic` split cache writes into
 *   5-minute and 1-hour TTLs; a raw Anthropic usage (`input_tokens`, no `prompt_tokens`) is accepted too.
 *
 * @param usage - a usage as reported
 * @returns the breakdown; counts never go negative
 * @example
 * ```ts
 * tokenBreakdown({ prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050, prompt_tokens_details: { cached_tokens: 800 } });
 * // { promptTokens: 1000, uncachedInputTokens: 200, cacheReadTokens: 800, … completionTokens: 50, reasoningTokens: 0 }
 * ```
 */
export function tokenBreakdown(usage: Usage): TokenBreakdown {
  const raw = (usage.anthropic ?? (usage.prompt_tokens === undefined ? usage : undefined)) as AnthropicRaw | undefined;
  const details = usage.prompt_tokens_details ?? undefined;
  let prompt = num(usage.prompt_tokens);
  let read = num(details?.cached_tokens) || num(usage.prompt_cache_hit_tokens);
  let write = num(details?.cache_write_tokens);
  let completion = num(usage.completion_tokens);
  if (raw && usage.prompt_tokens === undefined) {
    read = num(raw.cache_read_input_tokens);
    write = num(raw.cache_creation_input_tokens);
    prompt = num(raw.input_tokens) + read + write;
    completion = num(raw.output_tokens);
  }
  let write1h = 0;
  if (raw?.cache_creation) write1h = Math.min(write, num(raw.cache_creation.ephemeral_1h_input_tokens));
  read = Math.min(read, prompt);
  write = Math.min(write, prompt - read);
  const reasoning = Math.min(num(usage.completion_tokens_details?.reasoning_tokens), completion);
  return {
    promptTokens: prompt,
    uncachedInputTokens: prompt - read - write,
    cacheReadTokens: read,
    cacheWriteTokens: write - write1h,
    cacheWrite1hTokens: write1h,
    completionTokens: completion,
    reasoningTokens: reasoning,
  };
}

/**
 * Adds usages (for a call made of several attempts). Details are summed field by field;
 * `estimated` is true when any part was estimated.
 *
 * @param usages - the usages to add
 * @returns their sum, OpenAI shape
 * @example
 * ```ts
 * sumUsage([attemptA.usage, attemptB.usage]).total_tokens;
 * ```
 */
export function sumUsage(usages: readonly Usage[]): Usage {
  const total: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  let cached = 0;
  let written = 0;
  let reasoning = 0;
  let estimated = false;
  for (const u of usages) {
    const b = tokenBreakdown(u);
    total.prompt_tokens += b.promptTokens;
    total.completion_tokens += b.completionTokens;
    cached += b.cacheReadTokens;
    written += b.cacheWriteTokens + b.cacheWrite1hTokens;
    reasoning += b.reasoningTokens;
    if (u.estimated) estimated = true;
  }
  total.total_tokens = total.prompt_tokens + total.completion_tokens;
  if (cached || written) total.prompt_tokens_details = { cached_tokens: cached, cache_write_tokens: written };
  if (reasoning) total.completion_tokens_details = { reasoning_tokens: reasoning };
  if (estimated) total.estimated = true;
  return total;
}
