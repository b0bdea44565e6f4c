import type { Usage } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { sumUsage, tokenBreakdown } from './usage.js';

describe('tokenBreakdown', () => {
  it('counts negative, infinite or non-numeric counts as 0', () => {
    const usage = { prompt_tokens: -5, completion_tokens: Number.POSITIVE_INFINITY, total_tokens: 0, prompt_tokens_details: { cached_tokens: '3' } } as unknown as Usage;
    expect(tokenBreakdown(usage)).toEqual({
      promptTokens: 0, uncachedInputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, completionTokens: 0, reasoningTokens: 0,
    });
  });

  it('cache writes never exceed the prompt left after cache reads', () => {
    const usage: Usage = { prompt_tokens: 100, completion_tokens: 1, total_tokens: 101, prompt_tokens_details: { cached_tokens: 80, cache_write_tokens: 50 } };
    expect(tokenBreakdown(usage)).toMatchObject({ promptTokens: 100, cacheReadTokens: 80, cacheWriteTokens: 20, uncachedInputTokens: 0 });
  });

  it('with OpenAI-shaped counts present, the raw Anthropic counts only split the cache writes', () => {
    const usage = {
      prompt_tokens: 1_000, completion_tokens: 10, total_tokens: 1_010,
      prompt_tokens_details: { cache_write_tokens: 300 },
      anthropic: { input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: 7, cache_creation: { ephemeral_1h_input_tokens: 100 } },
    } as unknown as Usage;
    expect(tokenBreakdown(usage)).toEqual({
      promptTokens: 1_000, uncachedInputTokens: 700, cacheReadTokens: 0, cacheWriteTokens: 200, cacheWrite1hTokens: 100, completionTokens: 10, reasoningTokens: 0,
    });
  });
});

describe('sumUsage', () => {
  it('adds counts, cache reads and writes (both TTLs) and reasoning tokens across attempts', () => {
    const a = {
      prompt_tokens: 1_000, completion_tokens: 10, total_tokens: 1_010,
      prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 300 },
      completion_tokens_details: { reasoning_tokens: 4 },
      anthropic: { input_tokens: 600, output_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 300, cache_creation: { ephemeral_1h_input_tokens: 200 } },
    } as unknown as Usage;
    const b: Usage = { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55, completion_tokens_details: { reasoning_tokens: 3 } };
    expect(sumUsage([a, b])).toStrictEqual({
      prompt_tokens: 1_050, completion_tokens: 15, total_tokens: 1_065,
      prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 300 },
      completion_tokens_details: { reasoning_tokens: 7 },
    });
  });

  it('leaves out the details when there are none', () => {
    expect(sumUsage([{ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }])).toStrictEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
  });
});
