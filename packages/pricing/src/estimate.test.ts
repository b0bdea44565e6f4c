import { describe, expect, it } from 'vitest';
import { chatChunk as chunk } from '@lifeline/testing';
import { chunkChars, estimatePromptTokens, estimateTextTokens, estimateUsage, responseChars } from './estimate.js';
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

  it('counts refusals and every choice of a chunk; skips choices without a delta and chunks without choices', () => {
    const base = { id: 'x', object: 'chat.completion.chunk' as const, created: 1, model: 'm' };
    const choices = [
      { index: 0, delta: { refusal: 'no way' }, finish_reason: null },
      { index: 1, finish_reason: null },
      { index: 2, delta: { content: 'ab', tool_calls: [{ index: 0 }, { index: 1, function: { arguments: 'xyz' } }] }, finish_reason: null },
    ];
    expect(chunkChars({ ...base, choices } as never)).toBe(6 + 2 + 3);
    expect(chunkChars({ ...base } as never)).toBe(0);
  });

  it('counts completion characters of a response: content, reasoning, refusal and tool calls of every choice', () => {
    const message = (m: Record<string, unknown>) => ({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: null, ...m } });
    const response = {
      id: 'r', object: 'chat.completion', created: 1, model: 'm',
      choices: [
        message({ content: 'abcd', reasoning_content: 'xy' }),
        message({ refusal: 'nope' }),
        message({ tool_calls: [{ id: '1', type: 'function', function: { name: 'fn', arguments: '{"a":1}' } }] }),
      ],
    };
    expect(responseChars(response as never)).toBe(4 + 2 + 4 + 2 + 7);
    expect(responseChars({ ...response, choices: undefined } as never)).toBe(0);
  });

  it('counts only text parts of content, and no tools when the list is empty', () => {
    const request = {
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'input_audio', text: 'ignored' }, null, { type: 'text', text: 'abcd' }] }],
      tools: [],
    };
    expect(estimatePromptTokens(request as never)).toBe(4 + 1);
    const withTools = { ...request, tools: [{ type: 'function', function: { name: 'f' } }] };
    expect(estimatePromptTokens(withTools as never)).toBe(4 + Math.ceil((4 + JSON.stringify(withTools.tools).length) / 4));
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
