import { describe, expect, it } from 'vitest';
import { fromAnthropicMessage, toFinishReason, toUsage } from './response.js';

const NOW = 1_750_000_000_123;

describe('fromAnthropicMessage', () => {
  it('translates text, thinking and tool_use blocks, stop_reason and usage', () => {
    const response = fromAnthropicMessage(
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [
          { type: 'thinking', thinking: 'Paris first.', signature: 'sig1' },
          { type: 'redacted_thinking', data: 'enc' },
          { type: 'text', text: 'Let me ' },
          { type: 'text', text: 'check.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} },
          { type: 'server_tool_use', id: 'srv_1', name: 'web_search', input: {} },
        ],
        stop_reason: 'tool_use',
        stop_sequence: null,
        usage: {
          input_tokens: 10,
          cache_creation_input_tokens: 20,
          cache_read_input_tokens: 30,
          output_tokens: 40,
          output_tokens_details: { thinking_tokens: 12 },
          service_tier: 'standard',
        },
      },
      NOW,
    );
    expect(response).toEqual({
      id: 'msg_1',
      object: 'chat.completion',
      created: 1_750_000_000,
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me check.',
            reasoning_content: 'Paris first.',
            thinking_blocks: [
              { type: 'thinking', thinking: 'Paris first.', signature: 'sig1' },
              { type: 'redacted_thinking', data: 'enc' },
            ],
            tool_calls: [
              { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '{}' } },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 60,
        completion_tokens: 40,
        total_tokens: 100,
        prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 20 },
        completion_tokens_details: { reasoning_tokens: 12 },
        anthropic: {
          input_tokens: 10,
          cache_creation_input_tokens: 20,
          cache_read_input_tokens: 30,
          output_tokens: 40,
          output_tokens_details: { thinking_tokens: 12 },
          service_tier: 'standard',
        },
      },
    });
  });

  it('answers content null for tool calls without text, and "" for an empty answer', () => {
    const msg = (content: never[]) =>
      fromAnthropicMessage({ id: 'm', type: 'message', role: 'assistant', model: 'x', content, stop_reason: 'end_turn' }, NOW).choices[0]?.message.content;
    expect(msg([{ type: 'tool_use', id: 't', name: 'f', input: {} }] as never[])).toBeNull();
    expect(msg([])).toBe('');
  });
});

describe('toFinishReason', () => {
  it('follows the mapping table; unmapped reasons pass through', () => {
    expect(toFinishReason('end_turn')).toBe('stop');
    expect(toFinishReason('stop_sequence')).toBe('stop');
    expect(toFinishReason('max_tokens')).toBe('length');
    expect(toFinishReason('model_context_window_exceeded')).toBe('length');
    expect(toFinishReason('tool_use')).toBe('tool_calls');
    expect(toFinishReason('refusal')).toBe('content_filter');
    expect(toFinishReason('pause_turn')).toBe('pause_turn');
    expect(toFinishReason(null)).toBeNull();
  });
});

describe('toUsage', () => {
  it('treats null cache fields as 0', () => {
    expect(toUsage({ input_tokens: 7, output_tokens: 3, cache_creation_input_tokens: null, cache_read_input_tokens: null })).toEqual({
      prompt_tokens: 7,
      completion_tokens: 3,
      total_tokens: 10,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      anthropic: { input_tokens: 7, output_tokens: 3, cache_creation_input_tokens: null, cache_read_input_tokens: null },
    });
  });
});
