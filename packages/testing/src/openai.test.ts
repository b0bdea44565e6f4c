import { afterEach, describe, expect, it } from 'vitest';
import { startMockProvider } from './server.js';
import { authHeaders, chat, jsonOf, parseSse } from './test-utils.js';
import type { MockProvider } from './types.js';

let mock: MockProvider;
afterEach(() => mock?.close());

describe('openai flavour: wire format', () => {
  it('serves /v1 as the base URL and answers a chat.completion with usage', async () => {
    mock = await startMockProvider({ text: 'Hi there friend' });
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}/v1`);
    const res = await chat(mock);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const body = await jsonOf(res);
    expect(body).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'gpt-test',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hi there friend', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
    });
    // "Say hello" + "user" = 13 chars → ceil(13/4) = 4 prompt tokens; 3 words.
    expect(body.usage).toEqual({
      prompt_tokens: 4,
      completion_tokens: 3,
      total_tokens: 7,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
  });

  it('reports scripted usage with cached ⊂ prompt and reasoning ⊂ completion', async () => {
    mock = await startMockProvider({
      script: [{ reply: { usage: { promptTokens: 100, cachedTokens: 60, completionTokens: 50, reasoningTokens: 30 } } }],
    });
    const body = await jsonOf(chat(mock));
    expect(body.usage).toMatchObject({
      prompt_tokens: 100,
      completion_tokens: 50,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 60 },
      completion_tokens_details: { reasoning_tokens: 30 },
    });
  });

  it('replies with tool calls whose arguments are a JSON string', async () => {
    mock = await startMockProvider({
      script: [{ reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] } }],
    });
    const body = await jsonOf(chat(mock));
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(body.choices[0].message.content).toBeNull();
    expect(body.choices[0].message.tool_calls).toEqual([
      { id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
  });

  it('streams data: chunks with one id/created, a role first delta, finish chunk and [DONE]; no usage without include_usage', async () => {
    mock = await startMockProvider({ text: 'one two three' });
    const res = await chat(mock, { stream: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && !('usage' in c))).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.slice(1, 4).map((c) => c.choices[0].delta.content)).toEqual(['one', ' two', ' three']);
    expect(chunks.at(-1).choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
  });

  it('adds usage:null to every chunk and a final choices:[] usage chunk with include_usage', async () => {
    mock = await startMockProvider({ text: 'one two' });
    const res = await chat(mock, { stream: true, body: { model: 'm', messages: [{ role: 'user', content: 'abcd' }], stream_options: { include_usage: true } } });
    const events = parseSse(await res.text());
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
  });

  it('streams tool calls: id/type/name in the first delta per index, arguments in fragments', async () => {
    mock = await startMockProvider({
      script: [
        {
          reply: {
            toolCalls: [
              { name: 'lookup', arguments: { query: 'a fairly long query string' } },
              { name: 'noop', id: 'call_fixed' },
            ],
          },
        },
      ],
    });
    const events = parseSse(await (await chat(mock, { stream: true })).text());
    const deltas = events
      .slice(0, -1)
      .map((e) => JSON.parse(e.data).choices[0])
      .filter((c) => c.delta.tool_calls);
    const byIndex = new Map<number, string>();
    for (const d of deltas) {
      const tc = d.delta.tool_calls[0];
      byIndex.set(tc.index, (byIndex.get(tc.index) ?? '') + tc.function.arguments);
    }
    expect(JSON.parse(byIndex.get(0)!)).toEqual({ query: 'a fairly long query string' });
    expect(byIndex.get(1)).toBe('{}');
    const firsts = deltas.filter((d) => d.delta.tool_calls[0].id);
    expect(firsts.map((d) => d.delta.tool_calls[0])).toEqual([
      { index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'lookup', arguments: '' } },
      { index: 1, id: 'call_fixed', type: 'function', function: { name: 'noop', arguments: '' } },
    ]);
    expect(deltas.filter((d) => d.delta.tool_calls[0].index === 0).length).toBeGreaterThan(2);
    const finish = JSON.parse(events.at(-2)!.data);
    expect(finish.choices[0].finish_reason).toBe('tool_calls');
  });

  it('lists models on GET /v1/models', async () => {
    mock = await startMockProvider({ routes: { 'gpt-a': 'ok', 'gpt-b': 'ok' } });
    const res = await fetch(`${mock.url}/models`, { headers: authHeaders('openai') });
    const body = await jsonOf(res);
    expect(body.object).toBe('list');
    expect(body.data.map((m: { id: string }) => m.id)).toEqual(['gpt-a', 'gpt-b']);
  });

  it('answers an unknown path with 404 and the OpenAI error envelope', async () => {
    mock = await startMockProvider();
    const res = await fetch(`${mock.url}/completions-nope`, { method: 'POST', headers: authHeaders('openai') });
    expect(res.status).toBe(404);
    expect(await jsonOf(res)).toEqual({
      error: { message: 'Invalid URL (POST /v1/completions-nope)', type: 'invalid_request_error', param: null, code: null },
    });
  });

  it('rejects a missing or wrong key with 401 and the real bodies, never echoing the key', async () => {
    mock = await startMockProvider();
    const missing = await chat(mock, { headers: {} });
    expect(missing.status).toBe(401);
    const m = await jsonOf(missing);
    expect(m.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    expect(m.error.message).toMatch(/^You didn't provide an API key\./);
    const wrong = await chat(mock, { headers: authHeaders('openai', 'sk-wrong-secret-key-1234') });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('x-request-id')).toMatch(/^req_/);
    const w = await jsonOf(wrong);
    expect(w.error).toMatchObject({ type: 'invalid_request_error', param: null, code: 'invalid_api_key' });
    expect(w.error.message).toMatch(/^Incorrect API key provided: \*+1234\./);
    expect(w.error.message).not.toContain('sk-wrong-secret-key');
  });

  it('rejects requests the real API rejects (stream_options without stream, missing model, bad JSON)', async () => {
    mock = await startMockProvider();
    const so = await chat(mock, { body: { model: 'm', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } } });
    expect(so.status).toBe(400);
    expect(await jsonOf(so)).toEqual({
      error: {
        message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        type: 'invalid_request_error',
        param: 'stream_options',
        code: null,
      },
    });
    const noModel = await chat(mock, { body: { messages: [] } });
    expect((await jsonOf(noModel)).error.message).toBe('you must provide a model parameter');
    const bad = await fetch(`${mock.url}/chat/completions`, { method: 'POST', headers: authHeaders('openai'), body: '{nope' });
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).error.message).toMatch(/^We could not parse the JSON body/);
    expect(mock.requests.at(-1)!.body).toBe('{nope');
  });

  it('validate:false and apiKey:false accept anything', async () => {
    mock = await startMockProvider({ validate: false, apiKey: false });
    const res = await chat(mock, { headers: {}, body: { hello: 'world' } });
    expect(res.status).toBe(200);
  });
});
