import type { AttemptRecord, ChatRequest, Usage } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { priceAttemptLog, priceAttempts } from './attempt-cost.js';
import { defaultCatalog } from './default-catalog.js';

const request: ChatRequest = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hello there, how are you?' }] };
const T = Date.UTC(2026, 10, 24, 12);
const ANTHROPIC: Usage = {
  prompt_tokens: 2000, completion_tokens: 500, total_tokens: 2500, prompt_tokens_details: { cached_tokens: 900, cache_write_tokens: 1000 },
  anthropic: { input_tokens: 100, output_tokens: 500, cache_read_input_tokens: 900, cache_creation_input_tokens: 1000 },
};
const USAGE: Usage = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 800 } };
const record = (r: Partial<AttemptRecord>): AttemptRecord => ({ target: 'openai', model: 'gpt-4.1', startedAt: T, outcome: 'ok', ...r });
const pricing = { catalog: defaultCatalog };

describe('priceAttempts / priceAttemptLog', () => {
  it('priceAttempts reports usage as the normalised sum, even for one attempt', () => {
    const cost = priceAttempts([record({ model: 'claude-sonnet-4-5', usage: ANTHROPIC })], request, pricing);
    expect(cost.usage).toEqual({ prompt_tokens: 2000, completion_tokens: 500, total_tokens: 2500, prompt_tokens_details: { cached_tokens: 900, cache_write_tokens: 1000 } });
    expect(cost.costUsd).toBe(0.01182); // 100 × 3 + 900 × 0.3 + 1000 × 3.75 + 500 × 15
    expect(priceAttemptLog([record({ model: 'claude-sonnet-4-5', usage: ANTHROPIC })], 0, request, pricing, 0, false).usage).toBe(ANTHROPIC);
  });

  it('priceAttemptLog prices the log from start on, without copying it, and passes one usage through as is', () => {
    const log = [record({ usage: USAGE }), record({ outcome: 'error' }), record({ usage: USAGE })];
    const cost = priceAttemptLog(log, 1, request, pricing, 0, false);
    expect(cost.attempts.map((a) => [a.outcome, a.costUsd])).toEqual([['error', 0], ['ok', 0.0048]]);
    expect(cost.usage).toBe(USAGE);
    expect(cost.costUsd).toBe(0.0048);
    expect(priceAttemptLog(log, 0, request, pricing, 0, false).usage).toEqual({ prompt_tokens: 2000, completion_tokens: 1000, total_tokens: 3000, prompt_tokens_details: { cached_tokens: 1600, cache_write_tokens: 0 } });
  });

  it('attributes the completion seen to the last attempt that produced output without usage', () => {
    const log = [record({ timeToFirstTokenMs: 5, outcome: 'error' }), record({})];
    const cost = priceAttemptLog(log, 0, request, pricing, 40, false);
    // prompt: ceil(25 / 4) + 4 = 11 each; completion: 0 then ceil(40 / 4) = 10
    expect(cost.attempts.map((a) => [a.usage?.prompt_tokens, a.usage?.completion_tokens, a.costUsd])).toEqual([[11, 0, 0.000022], [11, 10, 0.000102]]);
    expect(cost.estimated).toBe(true);
    expect(cost.usage).toEqual({ prompt_tokens: 22, completion_tokens: 10, total_tokens: 32, estimated: true });
  });
});
