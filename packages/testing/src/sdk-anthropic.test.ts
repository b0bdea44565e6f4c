import Anthropic, { APIError, InternalServerError, OverloadedError, RateLimitError } from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockProvider } from './server.js';
import type { MockProvider, MockProviderOptions } from './types.js';

let mock: MockProvider;
afterEach(() => mock?.close());

async function client(options: MockProviderOptions, maxRetries = 0) {
  mock = await startMockProvider({ flavor: 'anthropic', ...options });
  return new Anthropic({ baseURL: mock.url, apiKey: 'test-key', maxRetries });
}

const params = { model: 'claude-mock-1', max_tokens: 256, messages: [{ role: 'user' as const, content: 'Say hello' }] };

describe('official Anthropic SDK against the mock', () => {
  it('parses a JSON message with usage', async () => {
    const sdk = await client({ text: 'Hello world' });
    const msg = await sdk.messages.create(params);
    expect(msg.content).toEqual([{ type: 'text', text: 'Hello world' }]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage).toMatchObject({ input_tokens: 4, output_tokens: 2, cache_read_input_tokens: 0 });
    // SDK 1.x sends API version 2026-10-21 and Bearer auth (0.x sent 2023-06-01 and x-api-key).
    expect(mock.requests[0]!.headers['anthropic-version']).toBe('2026-10-21');
    expect(mock.requests[0]!.headers.authorization).toBe('[redacted]');
  });

  it('streams with messages.stream() and finalMessage(), taking the cumulative usage', async () => {
    const sdk = await client({
      text: 'one two three',
      script: [{ reply: { usage: { promptTokens: 50, cachedTokens: 20, completionTokens: 3 } } }],
    });
    const stream = sdk.messages.stream(params);
    const deltas: string[] = [];
    stream.on('text', (t) => deltas.push(t));
    const msg = await stream.finalMessage();
    expect(deltas).toEqual(['one', ' two', ' three']);
    expect(msg.content).toEqual([expect.objectContaining({ type: 'text', text: 'one two three' })]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage).toMatchObject({ input_tokens: 30, cache_read_input_tokens: 20, output_tokens: 3 });
  });

  it('assembles streamed tool_use input (including an empty input) into objects', async () => {
    const sdk = await client({
      script: [{ reply: { text: 'Checking.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'noop' }] } }],
    });
    const msg = await sdk.messages.stream(params).finalMessage();
    expect(msg.stop_reason).toBe('tool_use');
    const tools = msg.content.filter((b) => b.type === 'tool_use');
    expect(tools.map((b) => b.type === 'tool_use' && [b.name, b.input])).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['noop', {}],
    ]);
  });

  it('raises RateLimitError for 429 with the exact message and request id', async () => {
    const sdk = await client({ script: [{ status: 429, error: { message: 'Number of requests has exceeded your rate limit' } }] });
    const err = await sdk.messages.create(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    const e = err as RateLimitError;
    expect(e.status).toBe(429);
    expect(e.requestID).toBe('req_mock1');
    expect(e.message).toBe(
      '429 {"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"},"request_id":"req_mock1"}',
    );
  });

  it('raises OverloadedError (an InternalServerError) for 529 overloaded_error', async () => {
    const sdk = await client({ script: [{ preset: 'overloaded' }] });
    const err = await sdk.messages.create(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OverloadedError);
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as APIError).status).toBe(529);
    expect((err as APIError).message).toBe(
      '529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_mock1"}',
    );
  });

  it('retries a 529 honouring retry-after, then succeeds', async () => {
    const sdk = await client({ script: [{ preset: 'overloaded', retryAfter: 0, retryAfterMs: 10 }] }, 1);
    const msg = await sdk.messages.create(params);
    expect(msg.type).toBe('message');
    expect(mock.requests).toHaveLength(2);
  });

  it('raises APIError (no status, type overloaded_error) for an in-band event: error and does not retry it', async () => {
    const sdk = await client({ text: 'a b c', script: [{ stream: { errorAfter: 1 } }] }, 2);
    const stream = sdk.messages.stream(params);
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBeUndefined();
    expect((err as APIError).message).toBe(
      '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_mock1"}',
    );
    expect(mock.requests).toHaveLength(1);
  });

  it('a cut stream rejects finalMessage()', async () => {
    const sdk = await client({ text: 'a b c d', script: [{ stream: { cutAfter: 2 } }] });
    await expect(sdk.messages.stream(params).finalMessage()).rejects.toThrow();
  });
});
