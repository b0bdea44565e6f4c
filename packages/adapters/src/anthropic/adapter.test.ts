import {
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  ContextLengthError,
  RateLimitError,
  ResponseAssembler,
  ServerError,
  StreamInterruptedError,
  type AdapterCall,
  type ChatChunk,
  type ChatRequest,
  type ResponseInfo,
} from '@lifeline/core';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { turnsUntil, watch } from '../../../../test-support/turns.js';
import { anthropic } from './adapter.js';

let mock: MockProvider | undefined;
let closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
  await mock?.close();
  mock = undefined;
});

async function setup(script?: Parameters<typeof startMockProvider>[0]) {
  mock = await startMockProvider({ flavor: 'anthropic', ...script });
  const adapter = anthropic({ apiKey: 'test-key', baseURL: mock.url, name: 'claude', defaultMaxTokens: 256 });
  closers.push(() => adapter.close!());
  return { mock, adapter };
}

function call(infos: ResponseInfo[] = []): AdapterCall {
  return { signal: new AbortController().signal, metadata: {}, onResponse: (info) => infos.push(info) };
}

async function collect(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

const weather: ChatRequest = {
  model: 'claude-sonnet-4-5',
  max_tokens: 200,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Paris?' },
  ],
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
};

describe('anthropic() over HTTP', () => {
  it('sends the translated body with x-api-key and anthropic-version, and translates the JSON reply', async () => {
    const { mock, adapter } = await setup({
      script: [
        {
          reply: { text: 'Checking.', toolCalls: [{ id: 'toolu_9', name: 'get_weather', arguments: { city: 'Paris' } }], usage: { promptTokens: 100, cachedTokens: 60, cacheWriteTokens: 30, completionTokens: 12 } },
          headers: { 'request-id': 'req_abc' },
          rateLimit: { limitRequests: 50, remainingRequests: 49, resetRequestsMs: 1000 },
        },
      ],
    });
    const infos: ResponseInfo[] = [];
    const response = await adapter.chat(weather, call(infos));
    const sent = mock.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('[redacted]');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
    });
    expect(response.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'toolu_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        finish_reason: 'tool_calls',
        logprobs: null,
      },
    ]);
    expect(response.usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 12, total_tokens: 112, prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 30 } });
    expect((response.usage as { anthropic?: unknown }).anthropic).toMatchObject({ input_tokens: 10, cache_read_input_tokens: 60, cache_creation_input_tokens: 30 });
    expect(infos).toHaveLength(1);
    expect(infos[0]).toMatchObject({ status: 200, requestId: 'req_abc', rateLimit: { limitRequests: 50, remainingRequests: 49 } });
    expect(infos[0]!.rateLimit!.resetRequestsAt).toBeGreaterThan(Date.now() - 5_000);
  });

  it('streams text and tool calls as OpenAI chunks: role first, usage last', async () => {
    const { mock, adapter } = await setup({
      script: [{ reply: { text: 'Let me check.', toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } }, { id: 'toolu_2', name: 'now' }], usage: { promptTokens: 40, completionTokens: 9 } }, stream: { keepAliveComments: true } }],
    });
    const chunks = await collect(await adapter.stream(weather, call()));
    expect((mock.requests[0]!.body as { stream?: unknown }).stream).toBe(true);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 40, completion_tokens: 9, total_tokens: 49 } });
    const asm = new ResponseAssembler();
    chunks.forEach((c) => asm.push(c));
    const assembled = asm.finish();
    expect(assembled.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '{}' } },
        ],
      },
      finish_reason: 'tool_calls',
      logprobs: null,
    });
  });

  it.each([
    [{ preset: 'overloaded' }, ServerError, 529, true, 'anthropic claude: 529 overloaded_error — Overloaded'],
    [{ preset: 'server_error' }, ServerError, 500, true, 'anthropic claude: 500 api_error — Internal server error'],
    [{ preset: 'timeout' }, ServerError, 504, true, 'anthropic claude: 504 timeout_error — Request timed out'],
    [{ preset: 'invalid_api_key' }, AuthenticationError, 401, false, 'anthropic claude: 401 authentication_error — invalid x-api-key'],
    [{ status: 403 }, AuthenticationError, 403, false, 'anthropic claude: 403 permission_error — Your API key does not have permission to use the specified resource.'],
    [{ status: 402 }, RateLimitError, 402, false, 'anthropic claude: 402 billing_error — Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.'],
    [{ preset: 'model_not_found' }, BadRequestError, 404, false, 'anthropic claude: 404 not_found_error — model: claude-sonnet-4-5'],
    [{ status: 413 }, BadRequestError, 413, false, 'anthropic claude: 413 request_too_large — Request exceeds the maximum allowed number of bytes.'],
  ] as const)('maps %j to %o', async (step, Class, status, retryable, message) => {
    const { adapter } = await setup({ script: [{ ...step, requestId: 'req_err' }] });
    const err = await rejection(adapter.chat(weather, call()));
    expect(err).toBeInstanceOf(Class);
    expect(err).toMatchObject({ message, status, retryable, provider: 'claude', requestId: 'req_err' });
  });

  it('maps a 429 to a retryable RateLimitError with retry-after and the rate-limit state', async () => {
    const { adapter } = await setup({ script: [{ preset: 'rate_limit', requestId: 'req_429' }] });
    const infos: ResponseInfo[] = [];
    const err = await rejection(adapter.chat(weather, call(infos)));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, retryable: true, retryAfterMs: 1000, requestId: 'req_429', providerCode: 'rate_limit_error' });
    expect((err as Error).message).toMatch(/^anthropic claude: 429 rate_limit_error — This request would exceed the rate limit .* \(retry after 1000 ms\)$/);
    expect(infos[0]).toMatchObject({ status: 429, requestId: 'req_429', rateLimit: { limitRequests: 50, remainingRequests: 0, limitTokens: 40_000 } });
  });

  it('maps "prompt is too long" to ContextLengthError', async () => {
    const { adapter } = await setup({ script: [{ preset: 'context_length_exceeded' }] });
    const err = await rejection(adapter.chat(weather, call()));
    expect(err).toBeInstanceOf(ContextLengthError);
    expect((err as Error).message).toMatch(/^anthropic claude: 400 invalid_request_error — prompt is too long: \d+ tokens > 200000 maximum$/);
  });

  it('treats a refusal as a content_filter finish, not an error', async () => {
    const { adapter } = await setup({ script: [{ preset: 'content_policy' }] });
    const response = await adapter.chat(weather, call());
    expect(response.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: '' } });
  });

  it('rejects a stream whose HTTP status is an error before any chunk', async () => {
    const { adapter } = await setup({ script: [{ preset: 'overloaded' }] });
    const err = await rejection(adapter.stream(weather, call()));
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toBe('anthropic claude: 529 overloaded_error — Overloaded');
  });

  it('throws a retryable ServerError from the iterator on an in-band overloaded_error after HTTP 200', async () => {
    const { adapter } = await setup({ script: [{ stream: { errorAfter: 1 }, headers: { 'request-id': 'req_sse' } }] });
    const stream = await adapter.stream(weather, call());
    const seen: ChatChunk[] = [];
    const err = await rejection(
      (async () => {
        for await (const c of stream) seen.push(c);
      })(),
    );
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ message: 'anthropic claude: error in stream overloaded_error — Overloaded', retryable: true, providerCode: 'overloaded_error', requestId: 'req_sse', status: undefined });
    expect(seen.map((c) => c.choices[0]?.delta.content).join('')).toBe('Hello');
  });

  it('reports a stream without message_stop, and a cut stream, as StreamInterruptedError', async () => {
    const { adapter } = await setup({ script: [{ stream: { noDone: true } }, { stream: { cutAfter: 2 } }] });
    const noStop = await rejection(collect(await adapter.stream(weather, call())));
    expect(noStop).toBeInstanceOf(StreamInterruptedError);
    expect(noStop).toMatchObject({ message: 'anthropic claude: stream ended before message_stop', contentDelivered: true, retryable: true });
    const cut = await rejection(collect(await adapter.stream(weather, call())));
    expect(cut).toBeInstanceOf(StreamInterruptedError);
    expect(cut).toMatchObject({ contentDelivered: true, retryable: true });
    expect((cut as Error).message).toMatch(/^anthropic claude: stream/);
  });

  it('handles a malformed JSON body, an error body with status 200, and a garbage stream event', async () => {
    const { adapter } = await setup({ script: [{ malformedJson: true }, { errorBody200: { type: 'overloaded_error', message: 'Overloaded' } }, { stream: { malformedAfter: 1 } }] });
    const malformed = await rejection(adapter.chat(weather, call()));
    expect(malformed).toBeInstanceOf(ServerError);
    expect((malformed as Error).message).toMatch(/^anthropic claude: 200 response is not valid JSON \(\d+ characters\)$/);
    const body200 = await rejection(adapter.chat(weather, call()));
    expect(body200).toBeInstanceOf(ServerError);
    expect(body200).toMatchObject({ message: 'anthropic claude: 200 with an error body overloaded_error — Overloaded', retryable: true });
    const garbage = await rejection(collect(await adapter.stream(weather, call())));
    expect(garbage).toBeInstanceOf(StreamInterruptedError);
    expect((garbage as Error).message).toBe('anthropic claude: stream received an unparsable content_block_delta event');
  });

  it('rejects a request without max tokens before sending anything', async () => {
    mock = await startMockProvider({ flavor: 'anthropic' });
    const adapter = anthropic({ apiKey: 'test-key', baseURL: mock.url });
    closers.push(() => adapter.close!());
    const err = await rejection(adapter.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, call()));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).field).toBe('max_tokens');
    expect(mock.requests).toHaveLength(0);
  });

  it('never puts the API key in an error', async () => {
    // A server that echoes the key it received.
    mock = await startMockProvider({ flavor: 'anthropic', apiKey: false, script: [{ status: 401, error: { message: 'invalid x-api-key my-proxy-key-0042' } }] });
    const adapter = anthropic({ apiKey: 'my-proxy-key-0042', baseURL: mock.url, defaultMaxTokens: 10 });
    closers.push(() => adapter.close!());
    const err = await rejection(adapter.chat(weather, call()));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toBe('anthropic: 401 authentication_error — invalid x-api-key [redacted]');
    expect(JSON.stringify({ message: (err as Error).message, json: (err as AuthenticationError).toJSON() })).not.toContain('my-proxy-key-0042');
  });

  it('validates its options', () => {
    expect(() => anthropic({ apiKey: '' })).toThrow(new ConfigurationError('anthropic: apiKey must be a non-empty string or a non-empty list of keys, got a blank string'));
    expect(() => anthropic({ apiKey: 'k', baseURL: 'https://api.anthropic.com/v1' })).toThrow(
      'anthropic: baseURL must be the bare origin as in the official SDK (the adapter appends /v1/messages); drop the trailing /v1, got "https://api.anthropic.com/v1"',
    );
    expect(() => anthropic({ apiKey: 'k', baseURL: 'ftp://x' })).toThrow('anthropic: baseURL must be an absolute http(s) URL, got "ftp://x"');
    expect(() => anthropic({ apiKey: 'k', defaultMaxTokens: 0 })).toThrow('anthropic: defaultMaxTokens must be a positive integer, got 0');
    expect(() => anthropic({ apiKey: 'k', connectTimeoutMs: -1 })).toThrow(ConfigurationError);
    const a = anthropic({ apiKey: 'k' });
    expect([a.name, a.kind, a.capabilities]).toEqual(['anthropic', 'anthropic', { prefill: true }]);
  });
});

describe('anthropic() stream lifecycle', () => {
  it('aborting mid-stream rejects the iteration with the abort reason and frees the connection', async () => {
    mock = await startMockProvider({ flavor: 'anthropic', script: [{ stream: { stallAfter: 1 } }, 'ok'] });
    const adapter = anthropic({ apiKey: 'test-key', baseURL: mock.url, name: 'claude', defaultMaxTokens: 256, connections: 1 });
    closers.push(() => adapter.close!());
    const controller = new AbortController();
    const stream = await adapter.stream(weather, { signal: controller.signal, metadata: {} });
    const it = stream[Symbol.asyncIterator]();
    expect((await it.next()).value.choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect((await it.next()).value.choices[0].delta).toEqual({ content: 'Hello' });
    const pending = it.next();
    controller.abort();
    const err = await rejection(pending);
    expect(err).toMatchObject({ name: 'AbortError', provider: 'claude' });
    // One socket: had the aborted stream kept it, the next call would never get it.
    const next = watch(adapter.chat(weather, call()));
    await turnsUntil(next.settled, 'the next call on the one connection');
    expect((await next.promise).choices[0]!.message.content).toBe('Hello from the mock provider.');
  });

  it('a stream returned before it is read releases its body', { timeout: 5_000 }, async () => {
    mock = await startMockProvider({ flavor: 'anthropic', script: [{ stream: { stallAfter: 0 } }, 'ok'] });
    // One socket: had the stalled body not been released, the next call would wait forever.
    const adapter = anthropic({ apiKey: 'test-key', baseURL: mock.url, connections: 1 });
    closers.push(() => adapter.close!());
    const stream = (await adapter.stream(weather, call())) as AsyncGenerator<ChatChunk>;
    await stream.return(undefined);
    // The connection was released: the next call goes through at once.
    const response = await adapter.chat(weather, call());
    expect(response.choices[0]!.message.content).toBe('Hello from the mock provider.');
  });
});

describe('anthropic() against a local server (what the mock does not send)', () => {
  it('replays a whole JSON message sent in answer to a stream request (a gateway without SSE)', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'msg_j', type: 'message', role: 'assistant', model: 'claude-x', content: [{ type: 'text', text: 'Whole' }], stop_reason: 'end_turn', usage: { input_tokens: 2, output_tokens: 1 } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const adapter = anthropic({ apiKey: 'k', baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, defaultMaxTokens: 5 });
    try {
      const chunks = await collect(await adapter.stream(weather, call()));
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? c.choices[0]?.finish_reason ?? c.usage?.total_tokens)).toEqual(['Whole', 'stop', 3]);
    } finally {
      await adapter.close!();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
