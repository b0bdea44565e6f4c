import { BadRequestError, type ChatRequest } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { toAnthropicRequest } from './request.js';

const opts = { provider: 'anthropic' };
const base = { model: 'claude-sonnet-4-5', max_tokens: 100 };

function badRequest(request: ChatRequest, options: Parameters<typeof toAnthropicRequest>[1] = opts): BadRequestError {
  try {
    toAnthropicRequest(request, options);
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    return err as BadRequestError;
  }
  throw new Error('expected a BadRequestError');
}

describe('toAnthropicRequest', () => {
  it('translates a full tool-use conversation into the exact wire body', () => {
    const request: ChatRequest = {
      model: 'claude-sonnet-4-5',
      max_completion_tokens: 512,
      max_tokens: 9999,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END'],
      user: 'user-42',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use tools.' }] },
        { role: 'user', content: 'Weather in Paris and Rome?' },
        { role: 'user', content: [{ type: 'text', text: 'Celsius please.' }] },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call.2', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
        { role: 'tool', tool_call_id: 'call.2', content: [{ type: 'text', text: '21C' }] },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        },
        { type: 'function', function: { name: 'noop' } },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
      presence_penalty: 0.5,
      logprobs: true,
      reasoning_effort: 'high',
      stream_options: { include_usage: true },
    };
    expect(toAnthropicRequest(request, { provider: 'anthropic', stream: true })).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 512,
      system: 'You are terse.\n\nUse tools.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }, { type: 'text', text: 'Celsius please.' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'call_2', name: 'get_weather', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '18C' },
            { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '21C' }] },
            { type: 'text', text: 'Thanks' },
          ],
        },
      ],
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
      tools: [
        { name: 'get_weather', description: 'Weather by city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
        { name: 'noop', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      metadata: { user_id: 'user-42' },
      stream: true,
    });
  });

  it('sends a single-text turn as a string and omits what was not asked for', () => {
    expect(toAnthropicRequest({ ...base, messages: [{ role: 'user', content: 'Hi' }] }, opts)).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi' }],
    });
  });

  it('maps every tool_choice', () => {
    const tools: ChatRequest['tools'] = [{ type: 'function', function: { name: 'f' } }];
    const choice = (tool_choice: ChatRequest['tool_choice'], parallel_tool_calls?: boolean) =>
      toAnthropicRequest({ ...base, messages: [{ role: 'user', content: 'x' }], tools, tool_choice, ...(parallel_tool_calls === undefined ? {} : { parallel_tool_calls }) }, opts).tool_choice;
    expect(choice('auto')).toEqual({ type: 'auto' });
    expect(choice('none')).toEqual({ type: 'none' });
    expect(choice('none', false)).toEqual({ type: 'none' });
    expect(choice('required')).toEqual({ type: 'any' });
    expect(choice({ type: 'function', function: { name: 'f' } })).toEqual({ type: 'tool', name: 'f' });
    expect(choice({ type: 'function', function: { name: 'f' } }, false)).toEqual({ type: 'tool', name: 'f', disable_parallel_tool_use: true });
    expect(choice(undefined, false)).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(choice(undefined)).toBeUndefined();
    // No tools: no tool_choice (the API rejects one without tools).
    expect(toAnthropicRequest({ ...base, messages: [{ role: 'user', content: 'x' }], tool_choice: 'auto' }, opts).tool_choice).toBeUndefined();
  });

  it('translates images, PDFs and cache_control, and passes native blocks through', () => {
    const body = toAnthropicRequest(
      {
        ...base,
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'Long policy', cache_control: { type: 'ephemeral' } } as never] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
              { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'spec.pdf' } },
              { type: 'search_result', source: 's', title: 't', content: [] },
            ],
          },
        ],
      },
      opts,
    );
    expect(body.system).toEqual([{ type: 'text', text: 'Long policy', cache_control: { type: 'ephemeral' } }]);
    expect(body.messages[0]?.content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'spec.pdf' },
      { type: 'search_result', source: 's', title: 't', content: [] },
    ]);
  });

  it('sends thinking blocks back before text and tool_use, and trims a final prefill', () => {
    const body = toAnthropicRequest(
      {
        ...base,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [
          { role: 'user', content: 'Solve it' },
          {
            role: 'assistant',
            content: null,
            reasoning_content: 'dropped: no signature here',
            thinking_blocks: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'redacted_thinking', data: 'xx' }],
            tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'calc', arguments: '{"x":1}' } }],
          } as never,
          { role: 'tool', tool_call_id: 'toolu_1', content: '2' },
          { role: 'assistant', content: 'The answer is ' },
        ],
      },
      opts,
    );
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(body.messages).toEqual([
      { role: 'user', content: 'Solve it' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig' },
          { type: 'redacted_thinking', data: 'xx' },
          { type: 'tool_use', id: 'toolu_1', name: 'calc', input: { x: 1 } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '2' }] },
      { role: 'assistant', content: 'The answer is' },
    ]);
  });

  it('maps response_format json_schema to output_config and merges the anthropic escape hatch last', () => {
    const body = toAnthropicRequest(
      {
        ...base,
        messages: [{ role: 'user', content: 'x' }],
        top_k: 5,
        response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object' } } },
        anthropic: { service_tier: 'standard_only', stream: true },
      },
      opts,
    );
    expect(body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'x' }],
      top_k: 5,
      output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
      service_tier: 'standard_only',
    });
  });

  it('keeps is_error on a tool result', () => {
    const body = toAnthropicRequest(
      {
        ...base,
        messages: [
          { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 't1', content: 'boom', is_error: true } as never,
        ],
      },
      opts,
    );
    expect(body.messages[1]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'boom', is_error: true }] });
  });

  it('uses defaultMaxTokens when the request sets no limit', () => {
    expect(toAnthropicRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { provider: 'a', defaultMaxTokens: 64 }).max_tokens).toBe(64);
  });

  it('rejects a request without any max tokens, naming the field', () => {
    const err = badRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { provider: 'claude' });
    expect(err.message).toBe(
      'claude: max_tokens is required by the Anthropic Messages API: set max_completion_tokens or max_tokens on the request, or defaultMaxTokens on the adapter',
    );
    expect(err.field).toBe('max_tokens');
    expect(err.provider).toBe('claude');
    expect(err.retryable).toBe(false);
  });

  it('rejects temperature above 1 instead of clamping it', () => {
    const err = badRequest({ ...base, temperature: 1.5, messages: [{ role: 'user', content: 'x' }] });
    expect(err.message).toBe('anthropic: temperature must be a number between 0 and 1 (Anthropic accepts 0–1, not OpenAI’s 0–2), got 1.5');
    expect(err.field).toBe('temperature');
  });

  it('rejects n > 1, non-object tool arguments, audio parts and malformed images', () => {
    expect(badRequest({ ...base, n: 2, messages: [{ role: 'user', content: 'x' }] }).message).toBe(
      'anthropic: n must be 1: Anthropic returns a single choice, got 2',
    );
    const args = badRequest({
      ...base,
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1,2]' } }] },
      ],
    });
    expect(args.message).toBe('anthropic: messages[1].tool_calls[0].function.arguments must be a JSON object (Anthropic needs tool_use input as an object)');
    expect(args.field).toBe('messages[1].tool_calls[0].function.arguments');
    expect(
      badRequest({
        ...base,
        messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }] }],
      }).message,
    ).toBe('anthropic: messages[0].tool_calls[0].function.arguments must be valid JSON (Anthropic needs tool_use input as an object)');
    expect(badRequest({ ...base, messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }).message).toBe(
      'anthropic: messages[0].content[0].type "input_audio" is not supported by the Anthropic Messages API',
    );
    expect(badRequest({ ...base, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }] }).message).toBe(
      'anthropic: messages[0].content[0].image_url.url must be a base64 data: URL or an http(s) URL, got "ftp://x/y.png"',
    );
    expect(badRequest({ ...base, messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'x' } }] as never }] }).message).toBe(
      'anthropic: messages[0].content[0].type must be "text" in a system message, got "image_url"',
    );
  });
});
