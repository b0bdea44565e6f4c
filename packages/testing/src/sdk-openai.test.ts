import OpenAI, { APIError, AuthenticationError, BadRequestError, InternalServerError, RateLimitError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockProvider } from './server.js';
import type { MockProvider, MockProviderOptions } from './types.js';

let mock: MockProvider;
afterEach(() => mock?.close());

async function client(options: MockProviderOptions, maxRetries = 0) {
  mock = await startMockProvider(options);
  return new OpenAI({ baseURL: mock.url, apiKey: 'test-key', maxRetries });
}

const messages = [{ role: 'user' as const, content: 'Say hello' }];

describe('official openai SDK against the mock', () => {
  it('runs the README happy path', async () => {
    mock = await startMockProvider({ script: [{ preset: 'rate_limit', retryAfterMs: 10 }, 'ok'] });
    const sdk = new OpenAI({ baseURL: mock.url, apiKey: 'test-key' });
    const res = await sdk.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] });
    expect(res.choices[0]!.message.content).toBe('Hello from the mock provider.');
    expect(mock.requests.length).toBe(2);
  });

  it('parses a JSON reply with usage', async () => {
    const sdk = await client({ text: 'Hello world' });
    const res = await sdk.chat.completions.create({ model: 'gpt-4.1', messages });
    expect(res.choices[0]!.message.content).toBe('Hello world');
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 });
    expect(mock.requests[0]!.headers.authorization).toBe('[redacted]');
  });

  it('parses a streamed reply including the usage chunk', async () => {
    const sdk = await client({ text: 'one two three' });
    const stream = await sdk.chat.completions.create({ model: 'gpt-4.1', messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('one two three');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
  });

  it('assembles streamed tool calls with the stream helper', async () => {
    const sdk = await client({
      script: [{ reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } }, { name: 'noop' }] } }],
    });
    const final = await sdk.chat.completions.stream({ model: 'gpt-4.1', messages }).finalChatCompletion();
    const msg = final.choices[0]!.message;
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(msg.tool_calls?.map((c) => c.type === 'function' && [c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ['get_weather', { city: 'Paris', unit: 'celsius' }],
      ['noop', {}],
    ]);
  });

  it('raises RateLimitError for a 429 with status, code, type, request id and exact message', async () => {
    const sdk = await client({ script: [{ preset: 'rate_limit' }] });
    const err = await sdk.chat.completions.create({ model: 'gpt-4.1', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    const e = err as RateLimitError;
    expect(e.status).toBe(429);
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.type).toBe('requests');
    expect(e.requestID).toBe('req_mock1');
    expect(e.headers.get('x-ratelimit-reset-requests')).toBe('1s');
    expect(e.message).toBe(
      '429 Rate limit reached for gpt-4.1 in organization org-mock on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more.',
    );
  });

  it('raises InternalServerError for 500/503, AuthenticationError for 401, BadRequestError for context length', async () => {
    const sdk = await client({
      script: [{ preset: 'server_error' }, { preset: 'unavailable' }, { preset: 'context_length_exceeded' }],
    });
    const e500 = await sdk.chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
    expect(e500).toBeInstanceOf(InternalServerError);
    expect((e500 as APIError).message).toBe('500 The server had an error while processing your request. Sorry about that!');
    const e503 = await sdk.chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
    expect(e503).toBeInstanceOf(InternalServerError);
    expect((e503 as APIError).status).toBe(503);
    const e400 = await sdk.chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
    expect(e400).toBeInstanceOf(BadRequestError);
    expect((e400 as APIError).code).toBe('context_length_exceeded');
    const bad = new OpenAI({ baseURL: mock.url, apiKey: 'sk-nope-0000', maxRetries: 0 });
    const e401 = await bad.chat.completions.create({ model: 'm', messages }).catch((e: unknown) => e);
    expect(e401).toBeInstanceOf(AuthenticationError);
    expect((e401 as APIError).code).toBe('invalid_api_key');
  });

  it('honours retry-after-ms: the SDK retries and succeeds, and every attempt is recorded', async () => {
    const sdk = await client({ script: [{ status: 503, retryAfterMs: 10 }, { preset: 'rate_limit', retryAfterMs: 10 }] }, 2);
    const res = await sdk.chat.completions.create({ model: 'm', messages });
    expect(res.choices[0]!.message.content).toBe('Hello from the mock provider.');
    expect(mock.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '1', '2']);
  });

  it('x-should-retry: false stops the SDK from retrying a 503', async () => {
    const sdk = await client({ script: [{ status: 503, shouldRetry: false }] }, 2);
    await expect(sdk.chat.completions.create({ model: 'm', messages })).rejects.toBeInstanceOf(InternalServerError);
    expect(mock.requests).toHaveLength(1);
  });

  it('raises APIError (no status) for an in-band stream error', async () => {
    const sdk = await client({ text: 'a b c', script: [{ stream: { errorAfter: 1 } }] });
    const stream = await sdk.chat.completions.create({ model: 'm', messages, stream: true });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBeUndefined();
    expect((err as APIError).message).toBe('The server had an error while processing your request. Sorry about that!');
    expect(seen.join('')).toBe('a');
  });

  it('treats a stream without [DONE] as a normal end (as openai-node does)', async () => {
    const sdk = await client({ text: 'a b', script: [{ stream: { noDone: true } }] });
    const stream = await sdk.chat.completions.create({ model: 'm', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('a b');
  });

  it('a cut stream makes the SDK iteration throw', async () => {
    const sdk = await client({ text: 'a b c d', script: [{ stream: { cutAfter: 2 } }] });
    const stream = await sdk.chat.completions.create({ model: 'm', messages, stream: true });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow();
  });
});
