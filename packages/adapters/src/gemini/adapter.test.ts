import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  ContentFilterError,
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
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { turnsUntil, watch } from '../../../../test-support/turns.js';
import { gemini } from './adapter.js';

let mock: MockProvider | undefined;
let server: Server | undefined;
let closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
  await mock?.close();
  mock = undefined;
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = undefined;
});

async function setup(options?: Parameters<typeof startMockProvider>[0]) {
  mock = await startMockProvider({ flavor: 'gemini', ...options });
  const adapter = gemini({ apiKey: 'test-key', baseURL: mock.url });
  closers.push(() => adapter.close!());
  return { mock, adapter };
}

/** A local server for what the mock does not send (thought parts, unframed errors, clean ends without finishReason). */
async function raw(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const adapter = gemini({ apiKey: 'test-key', baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  closers.push(() => adapter.close!());
  return adapter;
}

function sse(res: ServerResponse, events: string[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(events.join(''));
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
  model: 'gemini-2.5-flash',
  max_tokens: 200,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Paris?' },
  ],
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
  tool_choice: 'auto',
};

describe('gemini() over HTTP', () => {
  it('puts the model in the path and the key in x-goog-api-key, and translates the JSON reply', async () => {
    const { mock, adapter } = await setup({
      script: [{ reply: { text: 'Checking.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], usage: { promptTokens: 30, completionTokens: 20, reasoningTokens: 5, cachedTokens: 10 } } }],
    });
    const infos: ResponseInfo[] = [];
    const response = await adapter.chat(weather, call(infos));
    const sent = mock.requests[0]!;
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.query).toBeUndefined();
    expect(sent.headers['x-goog-api-key']).toBe('[redacted]');
    expect(sent.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } } }] }],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
      generationConfig: { maxOutputTokens: 200 },
    });
    expect(response).toMatchObject({ id: 'mockresp1', object: 'chat.completion', model: 'gemini-2.5-flash' });
    const message = response.choices[0]!.message;
    expect(message.content).toBe('Checking.');
    expect(message.tool_calls).toEqual([{ id: expect.stringMatching(/^call_[0-9a-f]{24}$/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    expect(response.choices[0]!.finish_reason).toBe('tool_calls');
    expect(response.usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 20, total_tokens: 50, prompt_tokens_details: { cached_tokens: 10 }, completion_tokens_details: { reasoning_tokens: 5 } });
    expect(infos).toEqual([{ status: 200, requestId: undefined, rateLimit: undefined }]);
  });

  it('streams with alt=sse: role first, tool calls with ids, tool_calls finish, last usage', async () => {
    const { mock, adapter } = await setup({
      script: [{ reply: { text: 'One two three', toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' }, id: 'fc_1' }], usage: { promptTokens: 12, completionTokens: 7 } } }],
    });
    const chunks = await collect(await adapter.stream(weather, call()));
    expect(mock.requests[0]).toMatchObject({ path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent', query: { alt: 'sse' } });
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 } });
    const asm = new ResponseAssembler();
    chunks.forEach((c) => asm.push(c));
    expect(asm.finish().choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'One two three', tool_calls: [{ id: 'fc_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] },
      finish_reason: 'tool_calls',
      logprobs: null,
    });
  });

  it.each([
    [{ preset: 'unavailable' }, ServerError, 503, true, 'gemini: 503 UNAVAILABLE — The service is currently unavailable.'],
    [{ preset: 'server_error' }, ServerError, 500, true, 'gemini: 500 INTERNAL — An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'],
    [{ preset: 'timeout' }, ServerError, 504, true, 'gemini: 504 DEADLINE_EXCEEDED — Deadline expired before operation could complete.'],
    [{ preset: 'invalid_api_key' }, AuthenticationError, 400, false, 'gemini: 400 INVALID_ARGUMENT — API key not valid. Please pass a valid API key.'],
    [{ status: 403 }, AuthenticationError, 403, false, 'gemini: 403 PERMISSION_DENIED — The caller does not have permission'],
    [{ status: 400 }, BadRequestError, 400, false, 'gemini: 400 INVALID_ARGUMENT — Request contains an invalid argument.'],
    [{ status: 502, body: '<html><title>502 Bad Gateway</title></html>' }, ServerError, 502, true, 'gemini: 502 — 502 Bad Gateway'],
  ] as const)('maps %j to %o', async (step, Class, status, retryable, message) => {
    const { adapter } = await setup({ script: [step] });
    const err = await rejection(adapter.chat(weather, call()));
    expect(err).toBeInstanceOf(Class);
    expect(err).toMatchObject({ message, status, retryable, provider: 'gemini' });
  });

  it('maps RESOURCE_EXHAUSTED with RetryInfo to a retryable RateLimitError, and a per-day quota to a final one', async () => {
    const { adapter } = await setup({ script: [{ preset: 'rate_limit' }, { preset: 'quota_per_day', retryAfterMs: 3_600_000 }] });
    const minute = await rejection(adapter.chat(weather, call()));
    expect(minute).toBeInstanceOf(RateLimitError);
    expect(minute).toMatchObject({ status: 429, retryable: true, retryAfterMs: 45_800, providerCode: 'RESOURCE_EXHAUSTED' });
    expect((minute as Error).message).toMatch(/^gemini: 429 RESOURCE_EXHAUSTED — You exceeded your current quota.* \(retry after 45800 ms\)$/s);
    const day = await rejection(adapter.chat(weather, call()));
    expect(day).toBeInstanceOf(RateLimitError);
    expect(day).toMatchObject({ status: 429, retryable: false, retryAfterMs: 3_600_000 });
  });

  it('maps a too-long prompt to ContextLengthError and a missing model to BadRequestError', async () => {
    const { adapter } = await setup({ script: [{ preset: 'context_length_exceeded' }, { preset: 'model_not_found' }] });
    const long = await rejection(adapter.chat(weather, call()));
    expect(long).toBeInstanceOf(ContextLengthError);
    expect((long as Error).message).toMatch(/^gemini: 400 INVALID_ARGUMENT — The input token count \(\d+\) exceeds the maximum number of tokens allowed \(1048576\)\.$/);
    const missing = await rejection(adapter.chat(weather, call()));
    expect(missing).toBeInstanceOf(BadRequestError);
    expect(missing).toMatchObject({ status: 404 });
  });

  it('throws ContentFilterError for a blocked prompt and for a SAFETY stop, in JSON and in streams', async () => {
    const { adapter } = await setup({ script: [{ preset: 'content_policy' }, { preset: 'content_policy' }, { reply: { text: 'Partial', finishReason: 'content_filter' } }] });
    const json = await rejection(adapter.chat(weather, call()));
    expect(json).toBeInstanceOf(ContentFilterError);
    expect(json).toMatchObject({ message: 'gemini: prompt blocked by Gemini (SAFETY)', providerCode: 'SAFETY', requestId: 'mockresp1' });
    const streamed = await rejection(collect(await adapter.stream(weather, call())));
    expect(streamed).toBeInstanceOf(ContentFilterError);
    expect((streamed as Error).message).toBe('gemini: prompt blocked by Gemini (SAFETY)');
    const stopped = await rejection(collect(await adapter.stream(weather, call())));
    expect(stopped).toBeInstanceOf(ContentFilterError);
    expect((stopped as Error).message).toBe('gemini: response blocked by Gemini (SAFETY)');
  });

  it('maps an in-band error event, and reports a cut stream as StreamInterruptedError', async () => {
    const { adapter } = await setup({ script: [{ stream: { errorAfter: 1 } }, { stream: { cutAfter: 1 } }] });
    const inBand = await rejection(collect(await adapter.stream(weather, call())));
    expect(inBand).toBeInstanceOf(ServerError);
    expect(inBand).toMatchObject({ message: 'gemini: error in stream UNAVAILABLE — The model is overloaded. Please try again later.', status: 503, retryable: true });
    const cut = await rejection(collect(await adapter.stream(weather, call())));
    expect(cut).toBeInstanceOf(StreamInterruptedError);
    expect(cut).toMatchObject({ retryable: true, contentDelivered: true });
  });

  it('handles a malformed JSON body and an error body with status 200', async () => {
    const { adapter } = await setup({ script: [{ malformedJson: true }, { errorBody200: { code: 503 } }] });
    const malformed = await rejection(adapter.chat(weather, call()));
    expect(malformed).toBeInstanceOf(ServerError);
    expect((malformed as Error).message).toMatch(/^gemini: 200 response is not valid JSON \(\d+ characters\)$/);
    const body200 = await rejection(adapter.chat(weather, call()));
    expect(body200).toBeInstanceOf(ServerError);
    expect(body200).toMatchObject({ message: 'gemini: 200 with an error body UNAVAILABLE — The model is overloaded. Please try again later.', retryable: true });
  });
});

describe('gemini() stream lifecycle', () => {
  it('aborting mid-stream rejects the iteration with the abort reason and frees the connection', async () => {
    mock = await startMockProvider({ flavor: 'gemini', script: [{ stream: { stallAfter: 1 } }, 'ok'] });
    const adapter = gemini({ apiKey: 'test-key', baseURL: mock.url, connections: 1 });
    closers.push(() => adapter.close!());
    const controller = new AbortController();
    const it = (await adapter.stream(weather, { signal: controller.signal, metadata: {} }))[Symbol.asyncIterator]();
    expect((await it.next()).value.choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect((await it.next()).value.choices[0].delta).toEqual({ content: 'Hello' });
    const pending = it.next();
    controller.abort();
    const err = await rejection(pending);
    expect(err).toMatchObject({ name: 'AbortError', provider: 'gemini' });
    // One socket: had the aborted stream kept it, the next call would never get it.
    const next = watch(adapter.chat(weather, call()));
    await turnsUntil(next.settled, 'the next call on the one connection');
    expect((await next.promise).choices[0]!.message.content).toBe('Hello from the mock provider.');
  });

  it('breaking out of a stream closes its connection', { timeout: 5_000 }, async () => {
    mock = await startMockProvider({ flavor: 'gemini', script: [{ stream: { stallAfter: 1 } }, 'ok'] });
    const adapter = gemini({ apiKey: 'test-key', baseURL: mock.url, connections: 1 });
    closers.push(() => adapter.close!());
    for await (const chunk of await adapter.stream(weather, call())) if (chunk.choices[0]?.delta.content) break;
    // One socket: had the stalled body not been released, this call would wait forever.
    expect((await adapter.chat(weather, call())).choices[0]!.message.content).toBe('Hello from the mock provider.');
  });
});

describe('gemini() against a local server (what the mock does not send)', () => {
  it('maps an error object sent without data: framing in the middle of a stream', async () => {
    const adapter = await raw((_req, res) =>
      sse(res, [
        'data: {"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}]}\r\n\r\n',
        '{\n  "error": {\n    "code": 429,\n    "message": "Resource has been exhausted (e.g. check quota).",\n    "status": "RESOURCE_EXHAUSTED",\n    "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "2.5s"}]\n  }\n}\n',
      ]),
    );
    const seen: ChatChunk[] = [];
    const err = await rejection(
      (async () => {
        for await (const c of await adapter.stream(weather, call())) seen.push(c);
      })(),
    );
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 2500, retryable: true, message: 'gemini: error in stream RESOURCE_EXHAUSTED — Resource has been exhausted (e.g. check quota). (retry after 2500 ms)' });
    expect(seen.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hel');
  });

  it('reports a clean end without any finishReason as StreamInterruptedError', async () => {
    const adapter = await raw((_req, res) => sse(res, ['data: {"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}],"responseId":"r7"}\n\n']));
    const err = await rejection(collect(await adapter.stream(weather, call())));
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err).toMatchObject({ message: 'gemini: stream ended without a finishReason', requestId: 'r7', contentDelivered: true, retryable: true });
  });

  it('streams thought parts as reasoning_content, keeps the last usage, and accepts \\r\\r framing', async () => {
    const adapter = await raw((_req, res) =>
      sse(res, [
        'data: {"candidates":[{"content":{"parts":[{"text":"Let me think.","thought":true}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5}}\r\r',
        'data: {"candidates":[{"content":{"parts":[{"text":"42"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":1,"thoughtsTokenCount":4,"totalTokenCount":10}}\r\r',
      ]),
    );
    const chunks = await collect(await adapter.stream(weather, call()));
    const asm = new ResponseAssembler();
    chunks.forEach((c) => asm.push(c));
    expect(asm.finish().choices[0]).toMatchObject({ message: { content: '42', reasoning_content: 'Let me think.' }, finish_reason: 'stop' });
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 5, total_tokens: 10, completion_tokens_details: { reasoning_tokens: 4 } });
  });

  it('accepts a stream answered as one JSON array (a gateway that ignores alt=sse)', async () => {
    const adapter = await raw((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify([
        { candidates: [{ content: { parts: [{ text: 'Hi' }], role: 'model' }, index: 0 }], responseId: 'arr1' },
        { candidates: [{ content: { parts: [{ text: ' there' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2 } },
      ]));
    });
    const chunks = await collect(await adapter.stream(weather, call()));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? c.choices[0]?.finish_reason ?? 'usage')).toEqual(['', 'Hi', ' there', 'stop', 'usage']);
    expect(chunks.every((c) => c.id === 'arr1')).toBe(true);
  });

  it('never sends the API key in the URL and never puts it in an error', async () => {
    let url = '';
    const adapter = await raw((req, res) => {
      url = req.url ?? '';
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 400, message: `API key not valid: ${req.headers['x-goog-api-key']}`, status: 'INVALID_ARGUMENT' } }));
    });
    const err = await rejection(adapter.chat(weather, call()));
    expect(url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toBe('gemini: 400 INVALID_ARGUMENT — API key not valid: [redacted]');
  });

  it('validates its options', () => {
    expect(() => gemini({ apiKey: undefined as unknown as string })).toThrow(new ConfigurationError('gemini: apiKey must be a non-empty string or a non-empty list of keys, got undefined'));
    expect(() => gemini({ apiKey: 'k', baseURL: 'https://generativelanguage.googleapis.com/v1beta' })).toThrow(
      'gemini: baseURL must be the bare origin as in the official SDK (the adapter appends /v1beta/models/…); drop the trailing version, got "https://generativelanguage.googleapis.com/v1beta"',
    );
    expect(() => gemini({ apiKey: 'k', baseURL: 'https://x.test/?key=abc' })).toThrow('gemini: baseURL must be a URL without query or fragment (the API key goes in a header), got "https://x.test/?key=[redacted]"');
    expect(() => gemini({ apiKey: 'k', apiVersion: 'beta' })).toThrow('gemini: apiVersion must be a version segment such as "v1beta" or "v1", got "beta"');
    const g = gemini({ apiKey: 'k', name: 'google' });
    expect([g.name, g.kind, g.capabilities]).toEqual(['google', 'gemini', { prefill: false }]);
  });
});
