/**
 * The same OpenAI-shaped request, with a tool-use history, sent to the OpenAI, Anthropic and
 * Gemini mocks through a Lifeline client: every vendor must answer with an equivalent response.
 */
import { createClient, type Adapter, type ChatRequest, type ChatResponse } from '@lifeline/core';
import { startMockProvider, type Flavor, type MockProvider, type ReplyStep } from '@lifeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropic } from './anthropic/index.js';
import { gemini } from './gemini/index.js';
import { openai } from './openai/index.js';

const REPLY: ReplyStep = {
  reply: {
    text: 'Checking both cities.',
    toolCalls: [
      { id: 'call_paris', name: 'get_weather', arguments: { city: 'Paris', unit: 'c' } },
      { id: 'call_rome', name: 'get_weather', arguments: { city: 'Rome', unit: 'c' } },
    ],
    usage: { promptTokens: 120, completionTokens: 30, cachedTokens: 40 },
  },
};

const REQUEST: ChatRequest = {
  model: 'any-model',
  max_tokens: 300,
  temperature: 0.3,
  messages: [
    { role: 'system', content: 'You answer weather questions with tools.' },
    { role: 'user', content: 'Is it warm in Oslo?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_oslo', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo","unit":"c"}' } }] },
    { role: 'tool', tool_call_id: 'call_oslo', content: '{"temp":4}' },
    { role: 'assistant', content: 'No, 4°C.' },
    { role: 'user', content: 'And Paris and Rome?' },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather of a city',
        parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] },
      },
    },
  ],
  tool_choice: 'auto',
};

const mocks = new Map<Flavor, MockProvider>();
const adapters = new Map<Flavor, Adapter>();

beforeAll(async () => {
  for (const flavor of ['openai', 'anthropic', 'gemini'] as const) {
    const mock = await startMockProvider({ flavor, script: () => REPLY });
    mocks.set(flavor, mock);
    const options = { apiKey: 'test-key', baseURL: mock.url, name: `${flavor}-mock` };
    adapters.set(flavor, flavor === 'openai' ? openai(options) : flavor === 'anthropic' ? anthropic(options) : gemini(options));
  }
});

afterAll(async () => {
  await Promise.all([...adapters.values()].map((a) => a.close?.()));
  await Promise.all([...mocks.values()].map((m) => m.close()));
});

/** What must be the same whoever answered. */
function essence(response: ChatResponse) {
  const choice = response.choices[0]!;
  return {
    object: response.object,
    choices: response.choices.length,
    content: choice.message.content,
    toolCalls: choice.message.tool_calls?.map((c) => ({ id: c.id, type: c.type, name: c.function.name, args: JSON.parse(c.function.arguments) as unknown })),
    finish: choice.finish_reason,
    usage: {
      prompt: response.usage?.prompt_tokens,
      completion: response.usage?.completion_tokens,
      total: response.usage?.total_tokens,
      cached: response.usage?.prompt_tokens_details?.cached_tokens,
    },
  };
}

const EXPECTED = {
  object: 'chat.completion',
  choices: 1,
  content: 'Checking both cities.',
  toolCalls: [
    { id: 'call_paris', type: 'function', name: 'get_weather', args: { city: 'Paris', unit: 'c' } },
    { id: 'call_rome', type: 'function', name: 'get_weather', args: { city: 'Rome', unit: 'c' } },
  ],
  finish: 'tool_calls',
  usage: { prompt: 120, completion: 30, total: 150, cached: 40 },
};

describe('cross-vendor equivalence', () => {
  it.each(['openai', 'anthropic', 'gemini'] as const)('%s answers the tool-use conversation equivalently (JSON)', async (flavor) => {
    const client = createClient({ adapter: adapters.get(flavor)! });
    const { response, meta } = await client.chat(REQUEST);
    expect(essence(response)).toEqual(EXPECTED);
    expect(meta.provider).toBe(`${flavor}-mock`);
  });

  it.each(['openai', 'anthropic', 'gemini'] as const)('%s answers the tool-use conversation equivalently (stream)', async (flavor) => {
    const client = createClient({ adapter: adapters.get(flavor)! });
    const stream = client.stream(REQUEST);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    const { response } = await stream.result;
    expect(text).toBe('Checking both cities.');
    expect(essence(response)).toEqual(EXPECTED);
  });

  it.each(['openai', 'anthropic', 'gemini'] as const)('%s sends the per-attempt headers (trace context) but keeps its own credentials, and exposes its baseURL', async (flavor) => {
    const adapter = adapters.get(flavor)!;
    const mock = mocks.get(flavor)!;
    const from = mock.requests.length;
    const headers = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', authorization: 'Bearer not-the-key', 'x-api-key': 'not-the-key', 'x-goog-api-key': 'not-the-key' };
    const call = { signal: new AbortController().signal, metadata: {}, headers };
    await adapter.chat(REQUEST, call);
    const stream = await adapter.stream(REQUEST, call);
    for await (const chunk of stream) void chunk;
    const seen = mock.requests.slice(from);
    expect(seen.map((r) => r.headers.traceparent)).toEqual([headers.traceparent, headers.traceparent]);
    // The mock rejects a wrong key with 401: both calls answered, so the adapter's own key was sent.
    expect(seen).toHaveLength(2);
    expect(adapter.baseURL).toBe(mock.url);
  });

  it('each vendor received the conversation in its own wire format', () => {
    const body = (flavor: Flavor) => mocks.get(flavor)!.requests[0]!.body as Record<string, unknown>;
    expect(body('openai').messages).toEqual(REQUEST.messages);
    expect(body('anthropic')).toMatchObject({
      system: 'You answer weather questions with tools.',
      messages: [
        { role: 'user', content: 'Is it warm in Oslo?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_oslo', name: 'get_weather', input: { city: 'Oslo', unit: 'c' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_oslo', content: '{"temp":4}' }] },
        { role: 'assistant', content: 'No, 4°C.' },
        { role: 'user', content: 'And Paris and Rome?' },
      ],
    });
    expect(body('gemini')).toMatchObject({
      systemInstruction: { parts: [{ text: 'You answer weather questions with tools.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Is it warm in Oslo?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo', unit: 'c' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 4 } } }] },
        { role: 'model', parts: [{ text: 'No, 4°C.' }] },
        { role: 'user', parts: [{ text: 'And Paris and Rome?' }] },
      ],
    });
  });
});
