import { ContentFilterError, ServerError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { fromGeminiResponse, toFinishReason, toUsage, type GeminiResponseContext } from './response.js';

const NOW = 1_750_000_000_000;
function context(): GeminiResponseContext {
  let n = 0;
  return { provider: 'gemini', label: 'gemini', model: 'gemini-2.5-flash', newId: () => `call_${n++}`, nowMs: NOW };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('fromGeminiResponse', () => {
  it('translates text, thought and functionCall parts, finishReason and usage', () => {
    const response = fromGeminiResponse(
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { text: 'Considering the cities.', thought: true },
                { text: 'Checking ' },
                { text: 'both.' },
                { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig==' },
                { functionCall: { id: 'fc_7', name: 'get_weather', args: { city: 'Rome' } } },
                { functionCall: { name: 'now' } },
              ],
            },
            finishReason: 'STOP',
            index: 0,
          },
        ],
        usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 198, thoughtsTokenCount: 405, toolUsePromptTokenCount: 5, cachedContentTokenCount: 8, totalTokenCount: 628 },
        modelVersion: 'gemini-2.5-flash-001',
        responseId: 'resp_1',
      },
      context(),
    );
    expect(response).toEqual({
      id: 'resp_1',
      object: 'chat.completion',
      created: 1_750_000_000,
      model: 'gemini-2.5-flash-001',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Checking both.',
            reasoning_content: 'Considering the cities.',
            tool_calls: [
              { id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: 'sig==' } } },
              { id: 'fc_7', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
              { id: 'call_1', type: 'function', function: { name: 'now', arguments: '{}' } },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 25,
        completion_tokens: 603,
        total_tokens: 628,
        prompt_tokens_details: { cached_tokens: 8 },
        completion_tokens_details: { reasoning_tokens: 405 },
        gemini: { promptTokenCount: 20, candidatesTokenCount: 198, thoughtsTokenCount: 405, toolUsePromptTokenCount: 5, cachedContentTokenCount: 8, totalTokenCount: 628 },
      },
    });
  });

  it('keeps several candidates as choices; one blocked candidate among others is a content_filter finish', () => {
    const response = fromGeminiResponse(
      {
        candidates: [
          { content: { parts: [{ text: 'A' }] }, finishReason: 'MAX_TOKENS', index: 0 },
          { finishReason: 'SAFETY', index: 1 },
        ],
      },
      context(),
    );
    expect(response.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'A', 'length'],
      [1, '', 'content_filter'],
    ]);
    expect(response.usage).toBeUndefined();
    expect(response.id).toBe(`gemini-${NOW.toString(36)}`);
  });

  it('throws ContentFilterError for a blocked prompt (HTTP 200, no candidates) naming the reason', () => {
    const err = thrown(() =>
      fromGeminiResponse({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT', blockReasonMessage: 'flagged' }, responseId: 'r9' }, context()),
    );
    expect(err).toBeInstanceOf(ContentFilterError);
    expect(err).toMatchObject({ message: 'gemini: prompt blocked by Gemini (PROHIBITED_CONTENT) — flagged', provider: 'gemini', providerCode: 'PROHIBITED_CONTENT', requestId: 'r9', retryable: false });
  });

  it('throws ContentFilterError when every candidate was blocked, and ServerError when there is nothing at all', () => {
    const blocked = thrown(() => fromGeminiResponse({ candidates: [{ finishReason: 'RECITATION', index: 0 }] }, context()));
    expect(blocked).toBeInstanceOf(ContentFilterError);
    expect((blocked as Error).message).toBe('gemini: response blocked by Gemini (RECITATION)');
    const empty = thrown(() => fromGeminiResponse({ candidates: [] }, context()));
    expect(empty).toBeInstanceOf(ServerError);
    expect(empty).toMatchObject({ message: 'gemini: response has no candidates and no block reason', retryable: true });
  });
});

describe('gemini toFinishReason / toUsage', () => {
  it('maps finish reasons per the table', () => {
    expect(toFinishReason('STOP', false)).toBe('stop');
    expect(toFinishReason('STOP', true)).toBe('tool_calls');
    expect(toFinishReason('MAX_TOKENS', true)).toBe('length');
    for (const r of ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']) expect(toFinishReason(r, false)).toBe('content_filter');
    expect(toFinishReason('MALFORMED_FUNCTION_CALL', false)).toBe('malformed_function_call');
    expect(toFinishReason(undefined, false)).toBeNull();
  });

  it('counts missing fields as 0 (candidatesTokenCount absent when only thoughts were produced)', () => {
    expect(toUsage({ promptTokenCount: 4, thoughtsTokenCount: 9 })).toMatchObject({ prompt_tokens: 4, completion_tokens: 9, total_tokens: 13, completion_tokens_details: { reasoning_tokens: 9 } });
  });
});
