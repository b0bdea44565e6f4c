import { afterEach, describe, expect, it } from 'vitest';
import { startMockProvider } from './server.js';
import { authHeaders, chat, jsonOf, parseSse } from './test-utils.js';
import type { MockProvider } from './types.js';

let mock: MockProvider;
afterEach(() => mock?.close());

describe('anthropic flavour: wire format', () => {
  it('uses the bare origin and answers a message with usage', async () => {
    mock = await startMockProvider({ flavor: 'anthropic', text: 'Hi there friend' });
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    const res = await chat(mock);
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(await jsonOf(res)).toEqual({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      content: [{ type: 'text', text: 'Hi there friend' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 4,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        output_tokens: 3,
        service_tier: 'standard',
      },
    });
  });

  it('input_tokens excludes cache reads and writes', async () => {
    mock = await startMockProvider({
      flavor: 'anthropic',
      script: [{ reply: { usage: { promptTokens: 1000, cachedTokens: 600, cacheWriteTokens: 300, completionTokens: 20 } } }],
    });
    const body = await jsonOf(chat(mock));
    expect(body.usage).toMatchObject({
      input_tokens: 100,
      cache_read_input_tokens: 600,
      cache_creation_input_tokens: 300,
      output_tokens: 20,
    });
  });

  it('replies with tool_use blocks whose input is an object, stop_reason tool_use', async () => {
    mock = await startMockProvider({
      flavor: 'anthropic',
      script: [{ reply: { text: 'Let me check.', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] } }],
    });
    const body = await jsonOf(chat(mock));
    expect(body.stop_reason).toBe('tool_use');
    expect(body.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'get_weather', input: { city: 'Paris' } },
    ]);
  });

  it('streams the named events in order, with cumulative usage in message_delta and no [DONE]', async () => {
    mock = await startMockProvider({ flavor: 'anthropic', text: 'a b c' });
    const res = await chat(mock, { stream: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    const start = JSON.parse(events[0]!.data);
    expect(start.message).toMatchObject({ role: 'assistant', content: [], stop_reason: null, usage: { input_tokens: 4, output_tokens: 1 } });
    const texts = events.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data).delta);
    expect(texts).toEqual([
      { type: 'text_delta', text: 'a' },
      { type: 'text_delta', text: ' b' },
      { type: 'text_delta', text: ' c' },
    ]);
    const delta = JSON.parse(events[7]!.data);
    expect(delta).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 4, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 3 },
    });
  });

  it('streams tool_use input as input_json_delta fragments', async () => {
    mock = await startMockProvider({
      flavor: 'anthropic',
      script: [{ reply: { toolCalls: [{ name: 'lookup', arguments: { query: 'a fairly long query string' } }, { name: 'noop' }] } }],
    });
    const events = parseSse(await (await chat(mock, { stream: true })).text()).map((e) => JSON.parse(e.data));
    const starts = events.filter((e) => e.type === 'content_block_start');
    expect(starts.map((s) => s.content_block)).toEqual([
      { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'lookup', input: {} },
      { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'noop', input: {} },
    ]);
    const json0 = events.filter((e) => e.type === 'content_block_delta' && e.index === 0).map((e) => e.delta.partial_json);
    expect(json0.length).toBeGreaterThan(2);
    expect(JSON.parse(json0.join(''))).toEqual({ query: 'a fairly long query string' });
    const json1 = events.filter((e) => e.type === 'content_block_delta' && e.index === 1).map((e) => e.delta);
    expect(json1).toEqual([{ type: 'input_json_delta', partial_json: '' }]);
    expect(events.find((e) => e.type === 'message_delta').delta.stop_reason).toBe('tool_use');
  });

  it('requires x-api-key and anthropic-version with the real error bodies', async () => {
    mock = await startMockProvider({ flavor: 'anthropic' });
    const missing = await chat(mock, { headers: { 'anthropic-version': '2023-06-01' } });
    expect(missing.status).toBe(401);
    const requestId = missing.headers.get('request-id');
    expect(await jsonOf(missing)).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'x-api-key header is required' },
      request_id: requestId,
    });
    const wrong = await chat(mock, { headers: authHeaders('anthropic', 'nope') });
    expect(wrong.status).toBe(401);
    expect((await jsonOf(wrong)).error).toEqual({ type: 'authentication_error', message: 'invalid x-api-key' });
    const noVersion = await chat(mock, { headers: { 'x-api-key': 'test-key' } });
    expect(noVersion.status).toBe(400);
    expect((await jsonOf(noVersion)).error).toEqual({
      type: 'invalid_request_error',
      message: 'anthropic-version: header is required',
    });
  });

  it('requires max_tokens and answers unknown paths with not_found_error', async () => {
    mock = await startMockProvider({ flavor: 'anthropic' });
    const res = await chat(mock, { body: { model: 'c', messages: [{ role: 'user', content: 'x' }] } });
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).error).toEqual({ type: 'invalid_request_error', message: 'max_tokens: Field required' });
    const nf = await fetch(`${mock.url}/v1/complete`, { method: 'POST', headers: authHeaders('anthropic') });
    expect(nf.status).toBe(404);
    expect((await jsonOf(nf)).error).toEqual({ type: 'not_found_error', message: 'Not Found' });
  });
});
