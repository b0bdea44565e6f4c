import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  CircuitOpenError,
  ContextLengthError,
  createClient,
  FailoverError,
  RateLimitError,
  TimeoutError,
  type Middleware,
} from '@lifeline/core';
import { startMockProvider, type MockProvider, type MockProviderOptions } from '@lifeline/testing';
import { openai, type OpenAIAdapter } from './openai/adapter.js';
import { toOpenAIError } from './openai/error-json.js';
import { toFetch, type ToFetchOptions } from './to-fetch.js';

const KEY = 'sk-upstream-0123456789abcdef';
let mock: MockProvider | undefined;
let adapter: OpenAIAdapter | undefined;

afterEach(async () => {
  await adapter?.close();
  await mock?.close();
  adapter = undefined;
  mock = undefined;
});

async function sdkOver(mockOptions: MockProviderOptions = {}, use: Middleware[] = [], fetchOptions: ToFetchOptions = {}) {
  mock = await startMockProvider({ apiKey: KEY, text: 'Hi from Lifeline land', ...mockOptions });
  adapter = openai({ baseURL: mock.url, apiKey: KEY, name: 'primary' });
  const client = createClient({ adapter, use });
  return new OpenAI({ apiKey: 'unused', baseURL: 'http://lifeline.local/v1', fetch: toFetch(client, fetchOptions) });
}

const params = { model: 'gpt-mock', messages: [{ role: 'user' as const, content: 'Hello?' }] };

describe('toFetch with the official openai SDK', () => {
  it('serves chat.completions.create and exposes meta in headers', async () => {
    const sdk = await sdkOver();
    const { data, response } = await sdk.chat.completions.create(params).withResponse();
    expect(data.choices[0]!.message.content).toBe('Hi from Lifeline land');
    expect(data.usage?.completion_tokens).toBe(4);
    expect(response.headers.get('x-lifeline-provider')).toBe('primary');
    expect(response.headers.get('x-lifeline-attempts')).toBe('1');
    expect(response.headers.get('x-request-id')).toMatch(/\S/);
    expect(mock!.requests).toHaveLength(1);
    expect(mock!.requests[0]!.headers.authorization).toBe('[redacted]');
  });

  it('streams with stream: true, without usage chunks unless asked', async () => {
    const sdk = await sdkOver();
    const stream = await sdk.chat.completions.create({ ...params, stream: true });
    let text = '';
    let usageChunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usageChunks++;
      expect(chunk.choices.length).toBeGreaterThan(0);
    }
    expect(text).toBe('Hi from Lifeline land');
    expect(usageChunks).toBe(0);
    // Lifeline itself still asked upstream for usage, so the call is metered.
    expect(mock!.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('passes the usage chunk through when the app asks for it', async () => {
    const sdk = await sdkOver();
    const stream = await sdk.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 4 } });
  });

  it('raises the SDK RateLimitError with status, code and retry-after, and the SDK does not retry it', async () => {
    const sdk = await sdkOver({ script: [{ preset: 'rate_limit', requestId: 'req_rl' }] });
    const err = await sdk.chat.completions.create(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.type).toBe('rate_limit_error');
    expect(e.requestID).toBe('req_rl');
    expect(e.headers.get('retry-after')).toBe('1');
    expect(e.headers.get('retry-after-ms')).toBe('1000');
    expect(e.message).toMatch(/^429 openai primary: 429 rate_limit_exceeded — Rate limit reached/);
    expect(mock!.requests).toHaveLength(1);
  });

  it('raises BadRequestError for a context-length error and never shows the upstream key', async () => {
    const sdk = await sdkOver({ script: [{ status: 400, error: { code: 'context_length_exceeded', message: `maximum context length exceeded for key ${KEY}`, param: 'messages' } }] });
    const err = await sdk.chat.completions.create(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.code).toBe('context_length_exceeded');
    expect(e.param).toBe('messages');
    expect(e.message).not.toContain(KEY);
    expect(JSON.stringify(e.error)).not.toContain(KEY);
  });

  it('lets the SDK retry retryable errors when sdkRetries is on', async () => {
    const sdk = await sdkOver({ script: [{ preset: 'server_error' }] }, [], { sdkRetries: true });
    const res = await sdk.chat.completions.create(params, { maxRetries: 1 });
    expect(res.choices[0]!.message.content).toBe('Hi from Lifeline land');
    expect(mock!.requests).toHaveLength(2);
  });

  it('turns a mid-stream failure into an SDK APIError during iteration', async () => {
    const sdk = await sdkOver({ script: [{ stream: { errorAfter: 2 } }] });
    const stream = await sdk.chat.completions.create({ ...params, stream: true });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('Hi from');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toMatch(/openai primary: error in stream server_error/);
  });

  it('returns an HTTP error, not a stream, when the stream fails before its first chunk', async () => {
    const sdk = await sdkOver({ script: [{ preset: 'overloaded' }] });
    const err = await sdk.chat.completions.create({ ...params, stream: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as { status: number }).status).toBe(503);
  });

  it('passes the SDK abort signal through', async () => {
    const sdk = await sdkOver({ script: [{ hang: true }] });
    const ac = new AbortController();
    const pending = sdk.chat.completions.create(params, { signal: ac.signal }).catch((e: unknown) => e);
    while (mock!.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
    ac.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
  });

  it('hands per-call options to the pipeline', async () => {
    const seen: unknown[] = [];
    const record: Middleware = async function record(ctx, next) {
      seen.push(ctx.metadata.tenant);
      await next();
    };
    const sdk = await sdkOver({}, [record], { callOptions: ({ headers }) => ({ metadata: { tenant: headers.get('x-tenant') } }) });
    await sdk.chat.completions.create(params, { headers: { 'x-tenant': 'acme' } });
    expect(seen).toEqual(['acme']);
  });

  it('serves embeddings.create (float and the SDK default, base64) through client.embed()', async () => {
    const sdk = await sdkOver({ embeddingDimensions: 6 });
    const { data, response } = await sdk.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] }).withResponse();
    expect(data.data.map((d) => d.embedding.length)).toEqual([6, 6]);
    expect(response.headers.get('x-lifeline-provider')).toBe('primary');
    expect(mock!.requests[0]!.body).toMatchObject({ encoding_format: 'base64' });
    const floats = await sdk.embeddings.create({ model: 'text-embedding-3-small', input: 'a', encoding_format: 'float', dimensions: 3 });
    expect(floats.data[0]!.embedding).toHaveLength(3);
    expect(mock!.requests[1]!.body).toEqual({ model: 'text-embedding-3-small', input: 'a', encoding_format: 'float', dimensions: 3 });
  });

  it('answers other routes with 404 and bad bodies with 400', async () => {
    const sdk = await sdkOver();
    const err = await sdk.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as Error).message).toBe('404 Lifeline toFetch serves POST /chat/completions and POST /embeddings only, not /v1/models');
    const fetch = toFetch(createClient({ adapter: adapter! }));
    const res = await fetch('http://lifeline.local/v1/chat/completions', { method: 'POST', body: '{nope' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { message: 'Lifeline toFetch: the request body is not a JSON object', type: 'invalid_request_error', param: null, code: null } });
    const get = await fetch(new Request('http://lifeline.local/v1/chat/completions'));
    expect(get.status).toBe(405);
  });
});

describe('toOpenAIError', () => {
  it('maps classes without an upstream status', () => {
    expect(toOpenAIError(new TimeoutError('t', { kind: 'total' })).status).toBe(504);
    expect(toOpenAIError(new CircuitOpenError('open', { retryAfterMs: 1_500 }))).toMatchObject({ status: 503, headers: { 'retry-after': '2', 'retry-after-ms': '1500' } });
    expect(toOpenAIError(new BudgetExceededError('over')).status).toBe(402);
    const failover = new FailoverError('all failed', { errors: [], cause: new RateLimitError('rl', { status: 429 }) });
    expect(toOpenAIError(failover)).toMatchObject({ status: 429, body: { error: { type: 'rate_limit_error', code: 'failover' } } });
    expect(toOpenAIError(new ContextLengthError('too long', { field: 'messages', status: 400, providerCode: 'context_length_exceeded' })).body).toEqual({
      error: { message: 'too long', type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' },
    });
    expect(toOpenAIError(new Error(`boom ${KEY}`))).toMatchObject({ status: 500, body: { error: { message: 'Lifeline: internal error — boom [redacted]' } } });
  });
});
