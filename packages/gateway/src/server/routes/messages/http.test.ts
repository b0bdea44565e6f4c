/** `/v1/messages` over HTTP: body checks in Anthropic's error shape, x-api-key, degraded answers. */
import { fallbackResponse, ServerError } from '@lifeline/core';
import { scriptedAdapter } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { post, startHarness, type Harness } from '../../../../test/harness.js';
import { turnsUntil } from '../../../../../../test-support/turns.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const KEY = 'gw-key-0123456789';
const hi = { model: 'fake-model', max_tokens: 32, messages: [{ role: 'user', content: 'Hi' }] };
const send = (body: unknown, headers: Record<string, string> = { 'x-api-key': KEY }) => post(h!.url, '/v1/messages', typeof body === 'string' ? body : JSON.stringify(body), headers);

describe('POST /v1/messages over HTTP', () => {
  it('authenticates with x-api-key or Authorization: Bearer, and refuses a wrong key', async () => {
    const adapter = scriptedAdapter('ok', { name: 'primary', text: 'Hello' });
    h = await startHarness({ adapter, auth: { keys: [KEY] } });
    expect((await send(hi)).json.content).toEqual([{ type: 'text', text: 'Hello', citations: null }]);
    expect((await send(hi, { authorization: `Bearer ${KEY}`, 'anthropic-version': '2023-06-01', 'anthropic-beta': 'prompt-caching-2024-07-31' })).status).toBe(200);
    const wrong = await send(hi, { 'x-api-key': 'nope' });
    expect([wrong.status, wrong.json.error]).toEqual([401, { type: 'authentication_error', message: "Incorrect API key provided: the key is not one of the gateway's auth.keys" }]);
    expect(adapter.calls[0]!.request).toEqual({ model: 'fake-model', max_tokens: 32, messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('answers body problems with 400 invalid_request_error naming the field', async () => {
    h = await startHarness({ adapter: scriptedAdapter() });
    const cases: Array<[unknown, string]> = [
      ['{"model":', 'The request body is not valid JSON: '],
      [{ ...hi, temperature: 1.5 }, 'Invalid request: temperature must be <= 1, got 1.5'],
      [{ ...hi, max_tokens: 0 }, 'Invalid request: max_tokens must be >= 1, got 0'],
      [{ ...hi, frequency_penalty: 1 }, 'Invalid request: frequency_penalty is not a recognised field'],
      [{ ...hi, messages: [{ role: 'tool', content: 'x' }] }, 'Invalid request: messages[0].role must be one of user, assistant, system, got "tool"'],
      [{ ...hi, tool_choice: { type: 'tool' } }, 'Invalid request: tool_choice.name is required'],
      [{ ...hi, metadata: { user_id: 'u', email: 'a@b.c' } }, 'Invalid request: metadata.email is not a recognised field'],
    ];
    for (const [body, message] of cases) {
      const res = await send(body);
      expect(res.status).toBe(400);
      expect(res.json.type).toBe('error');
      expect(res.json.error.type).toBe('invalid_request_error');
      expect(res.json.error.message.slice(0, message.length)).toBe(message);
      expect(res.json.request_id).toBe(res.headers.get('request-id'));
    }
  });

  it('answers 413 request_too_large over the body limit', async () => {
    h = await startHarness({ adapter: scriptedAdapter(), server: { bodyLimitBytes: 1024 } });
    const res = await send({ ...hi, messages: [{ role: 'user', content: 'x'.repeat(2048) }] });
    expect([res.status, res.json.error]).toEqual([413, { type: 'request_too_large', message: "The request body is larger than this gateway's limit of 1024 bytes (server.bodyLimitBytes)" }]);
  });

  it('flags a degraded answer in headers and body', async () => {
    const adapter = scriptedAdapter(() => { throw new ServerError('down', { provider: 'primary', status: 503 }); });
    h = await startHarness({ adapter, use: [fallbackResponse({ content: 'Busy, retry soon.' })] });
    const res = await send(hi);
    expect(res.status).toBe(200);
    expect(res.json.content).toEqual([{ type: 'text', text: 'Busy, retry soon.', citations: null }]);
    expect(res.headers.get('x-lifeline-degraded')).toBe('true');
    expect(res.json.lifeline).toMatchObject({ degraded: true, provider: 'fallback' });
  });

  it('aborts the upstream call when the client disconnects mid-stream', async () => {
    const adapter = scriptedAdapter({ pieces: ['a', 'b', 'c'], stallAfter: 1 });
    h = await startHarness({ adapter });
    const controller = new AbortController();
    const res = await fetch(`${h.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...hi, stream: true }), signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await turnsUntil(() => adapter.calls[0]!.call.signal.aborted, 'the upstream call aborted');
    await turnsUntil(() => adapter.closed === 1, 'the upstream stream closed');
  });

  it('count_tokens takes the same params as create, and refuses what create refuses', async () => {
    const adapter = scriptedAdapter();
    h = await startHarness({ adapter });
    const res = await post(h.url, '/v1/messages/count_tokens', JSON.stringify({ ...hi, stream: true, temperature: 0.5 }));
    // 'Hi' (1 token at 4 characters per token) + 4 for the message.
    expect([res.status, res.json]).toEqual([200, { input_tokens: 5, estimated: true }]);
    const refused = await post(h.url, '/v1/messages/count_tokens', JSON.stringify({ ...hi, mcp_servers: [{ type: 'url', url: 'https://mcp.example', name: 'x' }] }));
    expect([refused.status, refused.json.error]).toEqual([400, { type: 'invalid_request_error', message: 'Invalid request: mcp_servers is not supported by this gateway: MCP servers are called by Anthropic only' }]);
    expect(adapter.calls).toHaveLength(0);
  });
});
