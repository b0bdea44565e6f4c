/**
 * aiSdkAdapter around @ai-sdk/openai-compatible and @ai-sdk/anthropic, pointed at the mock
 * provider over real HTTP: JSON and streamed answers, tool calls, request translation.
 */
import { createClient, type ChatChunk, type ChatRequest } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { aiSdkAnthropic, aiSdkCompatible, body, closeAfterEach, mock } from '../../test/mocks.js';
import { aiSdkAdapter } from './adapter.js';

closeAfterEach();

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'gpt-4.1', messages: [{ role: 'user', content }], ...extra });

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('aiSdkAdapter — @ai-sdk/openai-compatible', () => {
  it('answers a chat call with text, finish reason, usage and the model id', async () => {
    const server = await mock({ text: 'Hello via the AI SDK.', script: [{ reply: { usage: { promptTokens: 30, completionTokens: 5, cachedTokens: 10, reasoningTokens: 1 } } }] });
    const client = createClient({ adapter: aiSdkAdapter(aiSdkCompatible(server)('gpt-4.1'), { name: 'compat' }) });
    const { response, meta } = await client.chat(ask('Hi', { temperature: 0.3, max_tokens: 40, stop: 'END', seed: 3, top_p: 0.8 }));

    expect(response.choices[0]?.message.content).toBe('Hello via the AI SDK.');
    expect(response.choices[0]?.finish_reason).toBe('stop');
    expect(response.model).toBe('gpt-4.1');
    expect(response.usage).toEqual({
      prompt_tokens: 30,
      completion_tokens: 5,
      total_tokens: 35,
      prompt_tokens_details: { cached_tokens: 10 },
      completion_tokens_details: { reasoning_tokens: 1 },
    });
    expect(meta).toMatchObject({ provider: 'compat', model: 'gpt-4.1', attempts: 1 });
    expect(server.requests).toHaveLength(1);
    expect(body(server)).toMatchObject({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }], temperature: 0.3, max_tokens: 40, stop: ['END'], seed: 3, top_p: 0.8 });
  });

  it('streams text deltas, a finish chunk and a usage chunk', async () => {
    const server = await mock({ text: 'One two three', script: [{ reply: { usage: { promptTokens: 8, completionTokens: 3 } } }] });
    const client = createClient({ adapter: aiSdkAdapter(aiSdkCompatible(server)('gpt-4.1')) });
    const stream = client.stream(ask('Count'));
    const chunks = await collect(stream);

    expect(chunks.map((c) => c.choices[0]?.delta.content).filter(Boolean)).toEqual(['One', ' two', ' three']);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 8, completion_tokens: 3, total_tokens: 11 } });
    const { response, meta } = await stream.result;
    expect(response.choices[0]?.message.content).toBe('One two three');
    expect(meta).toMatchObject({ provider: 'relay', attempts: 1, usage: { prompt_tokens: 8 } });
    expect(server.requests[0]?.stream).toBe(true);
  });

  it('translates tools, tool choice, JSON schema output and a tool-call conversation', async () => {
    const server = await mock({ script: [{ reply: { toolCalls: [{ name: 'lookup', arguments: { q: 'lifeline' }, id: 'call_7' }] } }] });
    const client = createClient({ adapter: aiSdkAdapter(aiSdkCompatible(server)('gpt-4.1')) });
    const request: ChatRequest = {
      model: 'gpt-4.1',
      messages: [
        { role: 'system', content: 'You look things up.' },
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"png"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'an image format' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', description: 'Search', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } } }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
      reasoning_effort: 'low',
    };
    const { response } = await client.chat(request);

    expect(response.choices[0]?.message.tool_calls).toEqual([{ id: 'call_7', type: 'function', function: { name: 'lookup', arguments: '{"q":"lifeline"}' } }]);
    expect(response.choices[0]?.finish_reason).toBe('tool_calls');
    const sent = body(server);
    expect(sent.messages).toEqual([
      { role: 'system', content: 'You look things up.' },
      { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"png"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'an image format' },
    ]);
    expect(sent.tools).toEqual([{ type: 'function', function: { name: 'lookup', description: 'Search', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } } }]);
    expect(sent.tool_choice).toEqual({ type: 'function', function: { name: 'lookup' } });
    expect(sent.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } } });
    expect(sent.reasoning_effort).toBe('low');
  });

  it('streams a tool call by index, assembled into the response', async () => {
    const server = await mock({ script: [{ reply: { toolCalls: [{ name: 'lookup', arguments: { q: 'x' }, id: 'call_3' }] } }] });
    const client = createClient({ adapter: aiSdkAdapter(aiSdkCompatible(server)('gpt-4.1')) });
    const stream = client.stream(ask('Look it up'));
    await collect(stream);
    const { response } = await stream.result;
    expect(response.choices[0]?.message.tool_calls).toEqual([{ id: 'call_3', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }]);
    expect(response.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('a provider function honours the requested model (failover model mapping)', async () => {
    const server = await mock();
    const client = createClient({ adapter: aiSdkAdapter(aiSdkCompatible(server), { name: 'compat' }) });
    const { meta } = await client.chat(ask('Hi', { model: 'deepseek-v3.2' }));
    expect(body(server).model).toBe('deepseek-v3.2');
    expect(meta.model).toBe('deepseek-v3.2');
  });
});

describe('aiSdkAdapter — @ai-sdk/anthropic', () => {
  it('answers a chat call; cache and reasoning tokens land in the OpenAI-shaped usage', async () => {
    const server = await mock({ flavor: 'anthropic', text: 'Claude via the AI SDK.', script: [{ reply: { usage: { promptTokens: 100, completionTokens: 20, cachedTokens: 30, cacheWriteTokens: 10 } } }] });
    const client = createClient({ adapter: aiSdkAdapter(aiSdkAnthropic(server)('claude-sonnet-4-5')) });
    const { response, meta } = await client.chat({ model: 'claude-sonnet-4-5', messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hi' }], max_tokens: 64 });

    expect(response.choices[0]?.message.content).toBe('Claude via the AI SDK.');
    expect(response.usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 10 } });
    expect(meta).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5', attempts: 1 });
    expect(body(server)).toMatchObject({ model: 'claude-sonnet-4-5', system: [{ type: 'text', text: 'Be kind.' }], max_tokens: 64 });
  });

  it('streams text and reports usage', async () => {
    const server = await mock({ flavor: 'anthropic', text: 'Streaming from Claude', script: [{ reply: { usage: { promptTokens: 9, completionTokens: 3 } } }] });
    const client = createClient({ adapter: aiSdkAdapter(aiSdkAnthropic(server)('claude-sonnet-4-5'), { name: 'claude' }) });
    const stream = client.stream({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 64 });
    const chunks = await collect(stream);

    expect(chunks.map((c) => c.choices[0]?.delta.content).filter(Boolean)).toEqual(['Streaming', ' from', ' Claude']);
    const { meta } = await stream.result;
    expect(meta).toMatchObject({ provider: 'claude', usage: { prompt_tokens: 9, completion_tokens: 3 } });
  });

  it('declares the prefill capability for Anthropic models, not for others', async () => {
    const server = await mock();
    expect(aiSdkAdapter(aiSdkAnthropic(server)('claude-sonnet-4-5')).capabilities).toEqual({ prefill: true });
    expect(aiSdkAdapter(aiSdkCompatible(server)('gpt-4.1')).capabilities).toEqual({ prefill: false });
    expect(aiSdkAdapter(aiSdkCompatible(server)('gpt-4.1'), { prefill: true }).capabilities).toEqual({ prefill: true });
  });
});
