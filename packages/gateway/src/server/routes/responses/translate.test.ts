import type { ChatResponse } from '@lifeline/core';
import { chatResponse, scriptedAdapter } from '@lifeline/testing';
import OpenAI, { APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { post, startHarness, type Harness } from '../../../../test/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const PDF = 'data:application/pdf;base64,JVBERi0xLjQ=';

describe('POST /v1/responses: the request the pipeline gets', () => {
  it('translates input items, instructions, tools and settings into one ChatRequest', async () => {
    const adapter = scriptedAdapter();
    h = await startHarness({ adapter });
    await h.openai.responses.create({
      model: 'fake-model',
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Use metric units.' },
        { role: 'user', content: [{ type: 'input_text', text: 'What is on these?' }, { type: 'input_image', image_url: PNG, detail: 'low' }, { type: 'input_file', file_data: PDF, filename: 'a.pdf' }] },
        { type: 'message', role: 'assistant', id: 'msg_1', status: 'completed', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"q":"a"}' },
        { type: 'function_call', call_id: 'call_2', name: 'lookup', arguments: '{"q":"b"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'A' },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'B' }] },
        { type: 'reasoning', id: 'rs_1', summary: [] },
      ],
      tools: [{ type: 'function', name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: false }],
      tool_choice: { type: 'function', name: 'lookup' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_object' }, verbosity: 'low' },
      max_output_tokens: 300,
      temperature: 0.5,
      top_p: 0.9,
      reasoning: { effort: 'low' },
      user: 'user-7',
      metadata: { ticket: 'T-1' },
      service_tier: 'flex',
      include: ['reasoning.encrypted_content'],
      truncation: 'disabled',
    });
    expect(adapter.calls[0]!.request).toEqual({
      model: 'fake-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: 'Use metric units.' },
        { role: 'user', content: [{ type: 'text', text: 'What is on these?' }, { type: 'image_url', image_url: { url: PNG, detail: 'low' } }, { type: 'file', file: { file_data: PDF, filename: 'a.pdf' } }] },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"a"}' } },
            { id: 'call_2', type: 'function', function: { name: 'lookup', arguments: '{"q":"b"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'A' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'B' }] },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: false } }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_object' },
      verbosity: 'low',
      max_completion_tokens: 300,
      temperature: 0.5,
      top_p: 0.9,
      reasoning_effort: 'low',
      user: 'user-7',
      service_tier: 'flex',
    });
  });

  it('a string input is one user message; allowed_tools narrows the tools', async () => {
    const adapter = scriptedAdapter();
    h = await startHarness({ adapter });
    const tool = (name: string) => ({ type: 'function' as const, name, parameters: { type: 'object' }, strict: null });
    await h.openai.responses.create({ model: 'fake-model', input: 'Hi', tools: [tool('a'), tool('b'), tool('c')], tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'b' }] } });
    expect(adapter.calls[0]!.request).toEqual({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [{ type: 'function', function: { name: 'b', parameters: { type: 'object' } } }],
      tool_choice: 'required',
    });
  });
});

describe('POST /v1/responses: the response object', () => {
  it('answers with the response object, usage with cached and reasoning tokens, the lifeline summary and headers', async () => {
    const usage = { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29, prompt_tokens_details: { cached_tokens: 12, cache_write_tokens: 3 }, completion_tokens_details: { reasoning_tokens: 4 } };
    const answer: ChatResponse = { ...chatResponse('Hello there', { model: 'fake-model-2025', usage }), choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Hello there', reasoning_content: 'Greet back.' } }] };
    h = await startHarness({ adapter: scriptedAdapter(answer, { name: 'primary' }) });
    const { data, response } = await h.openai.responses.create({ model: 'fake-model', input: 'Hi', metadata: { ticket: 'T-1' }, temperature: 0.2 }).withResponse();
    const hex = data.id.slice('resp_'.length);
    expect(data).toEqual({
      id: data.id,
      object: 'response',
      created_at: data.created_at,
      status: 'completed',
      background: false,
      completed_at: data.completed_at,
      error: null,
      incomplete_details: null,
      instructions: null,
      max_output_tokens: null,
      max_tool_calls: null,
      model: 'fake-model-2025',
      output: [
        { id: `rs_${hex}_0`, type: 'reasoning', status: 'completed', summary: [], content: [{ type: 'reasoning_text', text: 'Greet back.' }] },
        { id: `msg_${hex}_1`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello there', annotations: [], logprobs: [] }] },
      ],
      output_text: 'Hello there',
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: true,
      temperature: 0.2,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: null,
      truncation: 'disabled',
      usage: { input_tokens: 20, input_tokens_details: { cached_tokens: 12, cache_write_tokens: 3 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 4 }, total_tokens: 29 },
      user: null,
      metadata: { ticket: 'T-1' },
      lifeline: { provider: 'primary', model: 'fake-model-2025', attempts: 1, cache: 'none', costUsd: null, degraded: false, latencyMs: expect.any(Number), route: ['primary:ok'] },
    });
    expect(data.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(data.completed_at).toBeGreaterThanOrEqual(data.created_at);
    expect(response.headers.get('x-lifeline-provider')).toBe('primary');
    expect(response.headers.get('x-lifeline-attempts')).toBe('1');
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/lifeline_requests_total\{endpoint="responses",status="200",stream="false",provider="primary"/);
  });

  it.each([
    ['length', 'max_output_tokens'],
    ['content_filter', 'content_filter'],
  ] as const)('finish reason %s → status incomplete (%s)', async (finishReason, reason) => {
    h = await startHarness({ adapter: scriptedAdapter({ text: 'Cut', finishReason }) });
    const data = await h.openai.responses.create({ model: 'fake-model', input: 'Hi' });
    expect(data.status).toBe('incomplete');
    expect(data.incomplete_details).toEqual({ reason });
    expect(data.completed_at).toBeNull();
    expect(data.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it('tool calls become function_call items with their call ids', async () => {
    const answer = chatResponse('', { finishReason: 'tool_calls' });
    answer.choices[0]!.message = { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }, { id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } }] };
    h = await startHarness({ adapter: scriptedAdapter(answer) });
    const data = await h.openai.responses.create({ model: 'fake-model', input: 'Hi', tools: [{ type: 'function', name: 'f', parameters: null, strict: null }] });
    expect(data.output.map((o) => (o.type === 'function_call' ? [o.call_id, o.name, o.arguments, o.status] : o.type))).toEqual([
      ['call_a', 'f', '{"x":1}', 'completed'],
      ['call_b', 'g', '{}', 'completed'],
    ]);
  });
});

describe('POST /v1/responses: what gets a 400', () => {
  const cases: Array<[string, Record<string, unknown>, string, string | null]> = [
    ['a built-in tool choice', { input: 'Hi', tool_choice: { type: 'web_search_preview' } }, 'tool_choice must be none, auto, required, { type: "function", name } or { type: "allowed_tools", … }, got "web_search_preview" (built-in tools are not supported)', 'tool_choice'],
    ['background mode', { input: 'Hi', background: true }, 'background background mode is not supported by this gateway: answer in the foreground (stream: true for long answers)', 'background'],
    ['a conversation', { input: 'Hi', conversation: 'conv_1' }, 'conversation the Conversations API is not supported by this gateway: continue with previous_response_id, or send the history in input', 'conversation'],
    ['a stored prompt template', { prompt: { id: 'pmpt_1' } }, 'prompt prompt templates are stored by OpenAI and cannot be served by this gateway: send instructions and input instead', 'prompt'],
    ['an item type it cannot serve', { input: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }] }, 'input[0].type "web_search_call" items are not supported by this gateway: send messages, function_call, function_call_output, reasoning or item_reference items', 'input[0].type'],
    ['an image by file id', { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1', detail: 'auto' }] }] }, 'input[0].content[0].image_url is required: send the image as an http(s) or data: URL (file_id images are stored by OpenAI and cannot be served by other vendors)', 'input[0].content[0].image_url'],
    ['a file by URL', { input: [{ role: 'user', content: [{ type: 'input_file', file_url: 'https://example.com/a.pdf' }] }] }, 'input[0].content[0].file_url is not supported: send the file inline as file_data (a data: URL)', 'input[0].content[0].file_url'],
    ['an image in a tool result', { input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: PNG }] }] }, 'input[0].output[0].type "input_image" is not supported in a function_call_output: the gateway carries tool results as text (the one form every vendor takes)', 'input[0].output[0].type'],
    ['an unknown text format', { input: 'Hi', text: { format: { type: 'xml' } } }, 'text.format.type must be text, json_object or json_schema, got "xml"', 'text.format.type'],
    ['a json_schema without a schema', { input: 'Hi', text: { format: { type: 'json_schema', name: 'x' } } }, 'text.format.schema must be a JSON schema object, got nothing', 'text.format.schema'],
    ['no input', {}, 'input is required: give input (or previous_response_id and input)', 'input'],
    ['an unknown role', { input: [{ role: 'robot', content: 'beep' }] }, 'input[0].role must be one of user, assistant, system, developer, got "robot"', 'input[0].role'],
  ];

  it.each(cases)('%s', async (_name, body, message, param) => {
    const adapter = scriptedAdapter();
    h = await startHarness({ adapter });
    const err = await h.openai.responses.create({ model: 'fake-model', ...body } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).message).toBe(`400 Invalid request: ${message}`);
    expect((err as APIError).param).toBe(param);
    expect(adapter.calls).toHaveLength(0);
  });

  it('schema violations name the field', async () => {
    h = await startHarness({ adapter: scriptedAdapter() });
    const hot = await post(h.url, '/v1/responses', JSON.stringify({ model: 'fake-model', input: 'Hi', temperature: 3 }));
    expect(hot.status).toBe(400);
    expect(hot.json.error).toEqual({ message: 'Invalid request: temperature must be <= 2, got 3', type: 'invalid_request_error', param: 'temperature', code: 'invalid_request' });
    const noModel = await post(h.url, '/v1/responses', JSON.stringify({ input: 'Hi' }));
    expect(noModel.json.error).toMatchObject({ message: 'Invalid request: model is required', param: 'model' });
  });
});
