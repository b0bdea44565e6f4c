import { describe, expect, it } from 'vitest';
import { chatChunk as chunk } from '@lifeline/testing';
import { chunkChars, estimatePromptTokens, estimateTextTokens, estimateUsage } from './estimate.js';
import { canonicalModelId, modelCandidates, parseModelName } from './model-name.js';

describe('estimates (chars / 4)', () => {
  it('estimates prompts from text, tool calls, tools and images', () => {
    expect(estimateTextTokens('12345678')).toBe(2);
    expect(estimateTextTokens('123456789')).toBe(3);
    const tokens = estimatePromptTokens({
      model: 'm',
      messages: [
        { role: 'system', content: 'abcd' },
        { role: 'user', content: [{ type: 'text', text: 'abcdefgh' }, { type: 'image_url', image_url: { url: 'data:' } }] },
        { role: 'assistant', tool_calls: [{ id: '1', type: 'function', function: { name: 'ab', arguments: '{}' } }] },
      ],
    });
    expect(tokens).toBe(3 * 4 + 85 + Math.ceil((4 + 8 + 4) / 4));
    expect(estimateUsage({ model: 'm', messages: [{ role: 'user', content: 'abcd' }] }, 9)).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8, estimated: true });
  });

  it('counts completion characters in content, reasoning and tool-call fragments', () => {
    expect(chunkChars(chunk({ content: 'abc', reasoning_content: 'de', tool_calls: [{ index: 0, function: { name: 'f', arguments: '{"a"' } }] }))).toBe(10);
    expect(chunkChars({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })).toBe(0);
  });
});

describe('model names', () => {
  it('splits provider prefixes and canonicalises dotted versions', () => {
    expect(parseModelName('OpenAI/GPT-4.1')).toEqual({ provider: 'openai', id: 'gpt-4.1' });
    expect(parseModelName('models/gemini-2.5-flash')).toEqual({ provider: undefined, id: 'gemini-2.5-flash' });
    expect(canonicalModelId('claude-sonnet-4.5')).toBe('claude-sonnet-4-5');
    expect(modelCandidates('gpt-4.1-2025-04-14')).toEqual(['gpt-4-1-2025-04-14', 'gpt-4-1']);
    expect(modelCandidates('claude-sonnet-4-5@20250929')).toEqual(['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5']);
    expect(modelCandidates('claude-3-5-sonnet-latest')).toEqual(['claude-3-5-sonnet-latest', 'claude-3-5-sonnet']);
  });
});
