import type { ChatResponse } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { toAnthropicMessage } from './response.js';
import { messageId, toDeltaUsage, toStopReason, toolUseId } from './usage.js';

const response = (message: Partial<ChatResponse['choices'][number]['message']>, finish: string | null = 'stop', usage?: ChatResponse['usage']): ChatResponse => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-4.1',
  choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: finish }],
  ...(usage !== undefined && { usage }),
});

describe('toAnthropicMessage', () => {
  it('orders thinking (with its signature), text and tool_use blocks', () => {
    const msg = toAnthropicMessage(
      response({
        content: 'Checking.',
        reasoning_content: 'Need the weather.',
        thinking_blocks: [{ type: 'thinking', thinking: 'Need the weather.', signature: 'sig' }, { type: 'redacted_thinking', data: 'xyz' }],
        tool_calls: [{ id: 'call.1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      }, 'tool_calls'),
      'claude-sonnet-4-5',
    );
    expect(msg).toMatchObject({ id: 'msg_chatcmpl-1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', stop_reason: 'tool_use', stop_sequence: null });
    expect(msg.content).toEqual([
      { type: 'thinking', thinking: 'Need the weather.', signature: 'sig' },
      { type: 'redacted_thinking', data: 'xyz' },
      { type: 'text', text: 'Checking.', citations: null },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' }, caller: { type: 'direct' } },
    ]);
  });

  it('gives another vendor’s reasoning as a thinking block without a signature', () => {
    expect(toAnthropicMessage(response({ content: '42', reasoning_content: 'Think.' }), 'deepseek-r1').content).toEqual([
      { type: 'thinking', thinking: 'Think.', signature: '' },
      { type: 'text', text: '42', citations: null },
    ]);
  });

  it('reports an OpenAI refusal as text with stop_reason refusal', () => {
    const msg = toAnthropicMessage(response({ content: null, refusal: 'I cannot help with that.' }), 'gpt-4.1');
    expect([msg.content, msg.stop_reason]).toEqual([[{ type: 'text', text: 'I cannot help with that.', citations: null }], 'refusal']);
  });

  it('maps usage: input excludes cache reads and writes; reasoning tokens as thinking_tokens', () => {
    const usage = { prompt_tokens: 100, completion_tokens: 30, total_tokens: 130, prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 15 }, completion_tokens_details: { reasoning_tokens: 12 } };
    expect(toAnthropicMessage(response({ content: 'x' }, 'stop', usage), 'm').usage).toEqual({
      input_tokens: 25,
      output_tokens: 30,
      cache_creation_input_tokens: 15,
      cache_read_input_tokens: 60,
      output_tokens_details: { thinking_tokens: 12 },
      cache_creation: null,
      server_tool_use: null,
      service_tier: null,
      inference_geo: null,
      speed: null,
    });
    expect(toDeltaUsage(undefined)).toEqual({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens_details: null, server_tool_use: null });
  });

  it('keeps tool arguments that are not a JSON object out of input', () => {
    const msg = toAnthropicMessage(response({ tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"cut' } }] }, 'length'), 'm');
    expect([msg.content, msg.stop_reason]).toEqual([[{ type: 'tool_use', id: 'c', name: 'f', input: {}, caller: { type: 'direct' } }], 'max_tokens']);
  });
});

describe('stop reasons and ids', () => {
  it('maps finish reasons honestly and passes the others through', () => {
    expect(['stop', 'length', 'tool_calls', 'content_filter', 'pause_turn', 'model_context_window_exceeded', null].map((f) => toStopReason(f, false))).toEqual([
      'end_turn',
      'max_tokens',
      'tool_use',
      'refusal',
      'pause_turn',
      'model_context_window_exceeded',
      'end_turn',
    ]);
    expect(toStopReason('stop', true)).toBe('tool_use');
    expect(toStopReason('length', true)).toBe('max_tokens');
  });

  it('makes ids Anthropic accepts', () => {
    expect(messageId('msg_01')).toBe('msg_01');
    expect(messageId('resp/1:2')).toBe('msg_resp_1_2');
    expect(messageId('')).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(toolUseId('functions.get_weather:0')).toBe('functions_get_weather_0');
    expect(toolUseId(undefined)).toMatch(/^toolu_[0-9a-f]{32}$/);
  });
});
