import { describe, expect, it } from 'vitest';
import { createCatalog } from './catalog.js';
import { costOf, totalCostUsd } from './cost.js';
import { defaultCatalog } from './default-catalog.js';
import { tokenBreakdown } from './usage.js';

const price = (model: string, at?: number) => {
  const entry = defaultCatalog.get(model, at === undefined ? undefined : { at });
  if (!entry) throw new Error(`no price for ${model}`);
  return entry;
};

describe('costOf: each vendor usage shape', () => {
  it('OpenAI: cached_tokens are part of prompt_tokens and priced at the cached rate', () => {
    // gpt-4.1: input 2, cached 0.5, output 8 per MTok
    const cost = costOf(
      { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 800 } },
      price('gpt-4.1'),
    );
    expect(cost).toEqual({ inputUsd: 0.0004, cacheReadUsd: 0.0004, cacheWriteUsd: 0, outputUsd: 0.004, reasoningUsd: 0, totalUsd: 0.0048 });
  });

  it('OpenAI reasoning models: reasoning_tokens are part of completion_tokens, never added on top', () => {
    // o3: input 2, output 8
    const cost = costOf(
      { prompt_tokens: 100, completion_tokens: 1000, total_tokens: 1100, completion_tokens_details: { reasoning_tokens: 700 } },
      price('o3'),
    );
    expect(cost.totalUsd).toBe(0.0082); // 100 × 2 + 1000 × 8 = 8200 µ$
    expect(cost.reasoningUsd).toBe(0);
  });

  it('Anthropic (adapter shape): cache reads, 5-minute and 1-hour cache writes each at their own rate', () => {
    // claude-sonnet-4-5: input 3, cache read 0.3, cache write 3.75, 1h write 6, output 15
    const usage = {
      prompt_tokens: 2000,
      completion_tokens: 500,
      total_tokens: 2500,
      prompt_tokens_details: { cached_tokens: 900, cache_write_tokens: 1000 },
      anthropic: {
        input_tokens: 100,
        cache_read_input_tokens: 900,
        cache_creation_input_tokens: 1000,
        cache_creation: { ephemeral_5m_input_tokens: 600, ephemeral_1h_input_tokens: 400 },
        output_tokens: 500,
      },
    };
    expect(tokenBreakdown(usage)).toEqual({
      promptTokens: 2000, uncachedInputTokens: 100, cacheReadTokens: 900, cacheWriteTokens: 600, cacheWrite1hTokens: 400, completionTokens: 500, reasoningTokens: 0,
    });
    // 100×3 + 900×0.3 + 600×3.75 + 400×6 + 500×15 = 300 + 270 + 2250 + 2400 + 7500 = 12720 µ$
    expect(costOf(usage, price('claude-sonnet-4.5'))).toEqual({
      inputUsd: 0.0003, cacheReadUsd: 0.00027, cacheWriteUsd: 0.00465, outputUsd: 0.0075, reasoningUsd: 0, totalUsd: 0.01272,
    });
  });

  it('Anthropic raw usage (input_tokens excludes the cache fields) prices the same as the adapter shape', () => {
    const raw = { input_tokens: 100, cache_read_input_tokens: 900, cache_creation_input_tokens: 1000, output_tokens: 500 };
    const mapped = { prompt_tokens: 2000, completion_tokens: 500, total_tokens: 2500, prompt_tokens_details: { cached_tokens: 900, cache_write_tokens: 1000 } };
    const entry = price('claude-sonnet-4-5');
    expect(costOf(raw as never, entry)).toEqual(costOf(mapped, entry));
    expect(costOf(mapped, entry).totalUsd).toBe(0.01182); // 300 + 270 + 1000×3.75 + 7500
  });

  it('Anthropic long context: above 200k prompt tokens the whole request is priced at the tier', () => {
    // tier: input 6, output 22.5
    const cost = costOf({ prompt_tokens: 250_000, completion_tokens: 1000, total_tokens: 251_000 }, price('claude-sonnet-4-5'));
    expect(cost.totalUsd).toBe(1.5225); // 250000×6 + 1000×22.5 = 1 522 500 µ$
    const below = costOf({ prompt_tokens: 200_000, completion_tokens: 1000, total_tokens: 201_000 }, price('claude-sonnet-4-5'));
    expect(below.totalUsd).toBe(0.615); // 200000×3 + 1000×15
  });

  it('Gemini: thoughts (mapped into completion + reasoning) are billed at the output rate; cached content at the cached rate', () => {
    // gemini-2.5-flash: input 0.3, cached 0.03, output 2.5
    const cost = costOf(
      {
        prompt_tokens: 1000,
        completion_tokens: 300,
        total_tokens: 1300,
        prompt_tokens_details: { cached_tokens: 400 },
        completion_tokens_details: { reasoning_tokens: 200 },
      },
      price('gemini-2.5-flash'),
    );
    expect(cost.totalUsd).toBe(0.000942); // 600×0.3 + 400×0.03 + 300×2.5 = 180 + 12 + 750
  });

  it('DeepSeek: prompt_cache_hit_tokens count as cache reads, and off-peak hours are cheaper', () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100, prompt_cache_hit_tokens: 600, prompt_cache_miss_tokens: 400 };
    const peak = price('deepseek-chat', Date.UTC(2026, 5, 1, 1, 0)); // 01:00 UTC: 0.27 / cached 0.07 / 1.1
    const offPeak = price('deepseek-chat', Date.UTC(2026, 5, 1, 20, 0)); // 20:00 UTC: 0.135 / 0.035 / 0.55
    expect(costOf(usage, peak).totalUsd).toBe(0.00026); // 400×0.27 + 600×0.07 + 100×1.1 = 108 + 42 + 110
    expect(costOf(usage, offPeak).totalUsd).toBe(0.00013);
  });

  it('a catalog with a reasoning price bills reasoning tokens apart from the rest of the completion', () => {
    const catalog = createCatalog({
      source: 'test', effectiveDate: '2026-01-01',
      models: { r1: { inputPerMTok: 1, outputPerMTok: 2, reasoningPerMTok: 10 } },
    });
    const cost = costOf(
      { prompt_tokens: 10, completion_tokens: 100, total_tokens: 110, completion_tokens_details: { reasoning_tokens: 60 } },
      catalog.get('r1')!,
    );
    expect(cost).toEqual({ inputUsd: 0.00001, cacheReadUsd: 0, cacheWriteUsd: 0, outputUsd: 0.00008, reasoningUsd: 0.0006, totalUsd: 0.00069 });
  });

  it('missing cached and cache-write prices fall back to the input price', () => {
    const catalog = createCatalog({ source: 's', effectiveDate: '2026-01-01', models: { m: { inputPerMTok: 4, outputPerMTok: 8 } } });
    const cost = costOf({ prompt_tokens: 100, completion_tokens: 0, total_tokens: 100, prompt_tokens_details: { cached_tokens: 50, cache_write_tokens: 25 } }, catalog.get('m')!);
    expect(cost.totalUsd).toBe(0.0004);
  });

  it('never counts negative tokens when details exceed their parent', () => {
    expect(tokenBreakdown({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 50 }, completion_tokens_details: { reasoning_tokens: 9 } })).toEqual({
      promptTokens: 10, uncachedInputTokens: 0, cacheReadTokens: 10, cacheWriteTokens: 0, cacheWrite1hTokens: 0, completionTokens: 5, reasoningTokens: 5,
    });
  });
});

describe('totalCostUsd (meter path)', () => {
  it('equals costOf(...).totalUsd for every usage shape, below and above a long-context tier', () => {
    const usages = [
      { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 800 } },
      { prompt_tokens: 100, completion_tokens: 1000, total_tokens: 1100, completion_tokens_details: { reasoning_tokens: 700 } },
      { prompt_tokens: 250_000, completion_tokens: 1000, total_tokens: 251_000, prompt_tokens_details: { cached_tokens: 9000, cache_write_tokens: 1000 } },
      { prompt_tokens: 200_000, completion_tokens: 1000, total_tokens: 201_000 },
      { input_tokens: 300, output_tokens: 500, cache_read_input_tokens: 900, cache_creation_input_tokens: 1000 } as never,
    ];
    const reasoning = createCatalog({ source: 's', effectiveDate: '2026-01-01', models: { m: { inputPerMTok: 1, outputPerMTok: 4, reasoningPerMTok: 2, tiers: [{ aboveInputTokens: 1000, inputPerMTok: 3 }] } } });
    const entries = [price('gpt-4.1'), price('claude-sonnet-4-5'), price('o3'), reasoning.get('m')!];
    for (const entry of entries) {
      for (const usage of usages) expect([entry.model, usage, totalCostUsd(usage, entry)]).toEqual([entry.model, usage, costOf(usage, entry).totalUsd]);
    }
    expect(totalCostUsd({ prompt_tokens: 250_000, completion_tokens: 1000, total_tokens: 251_000 }, price('claude-sonnet-4-5'))).toBe(1.5225); // 250k × 6 + 1000 × 22.5
  });
});
