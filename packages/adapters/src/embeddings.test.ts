import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  createClient,
  decodeEmbedding,
  LifelineError,
  RateLimitError,
  ServerError,
  type AdapterCall,
  type ResponseInfo,
} from '@lifeline/core';
import { mockEmbedding, startMockProvider, type MockProvider, type MockProviderOptions } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { anthropic } from './anthropic/index.js';
import { gemini } from './gemini/index.js';
import { openai } from './openai/index.js';

const KEY = 'sk-mock-0123456789abcdefghij';
const MODEL = 'text-embedding-3-small';
let closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function mockOf(options: MockProviderOptions = {}): Promise<MockProvider> {
  const mock = await startMockProvider({ apiKey: KEY, embeddingDimensions: 8, ...options });
  closers.push(() => mock.close());
  return mock;
}

/** A relay on loopback that answers every request with 200 and `answer(path)` as JSON; resolves with its origin. */
async function relay(answer: (path: string | undefined) => unknown): Promise<string> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer(req.url)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function call(): AdapterCall & { infos: ResponseInfo[] } {
  const infos: ResponseInfo[] = [];
  return { signal: new AbortController().signal, metadata: {}, infos, onResponse: (info) => infos.push(info) };
}

async function failure(p: Promise<unknown>): Promise<LifelineError> {
  const err = await p.then(() => new Error('expected a rejection'), (e: unknown) => e);
  expect(err).toBeInstanceOf(LifelineError);
  return err as LifelineError;
}

describe('openai().embed', () => {
  async function setup(options: MockProviderOptions = {}) {
    const mock = await mockOf(options);
    const adapter = openai({ baseURL: mock.url, apiKey: KEY, name: 'primary' });
    closers.push(() => adapter.close());
    return { mock, adapter };
  }

  it('posts the request as is to /embeddings and returns the vectors in order, with usage and the head', async () => {
    const { mock, adapter } = await setup();
    const c = call();
    const res = await adapter.embed({ model: MODEL, input: ['alpha', 'beta'], dimensions: 4, user: 'u1', input_type: 'query' }, c);
    expect(mock.requests[0]!.path).toBe('/v1/embeddings');
    expect(mock.requests[0]!.body).toEqual({ model: MODEL, input: ['alpha', 'beta'], dimensions: 4, user: 'u1', input_type: 'query' });
    expect(res.data.map((d) => d.embedding)).toEqual([mockEmbedding(MODEL, 'alpha', 4), mockEmbedding(MODEL, 'beta', 4)]);
    expect(res).toMatchObject({ object: 'list', model: MODEL, usage: { prompt_tokens: 3, total_tokens: 3 } });
    expect(c.infos[0]).toMatchObject({ status: 200, requestId: 'req_mock1' });
  });

  it('returns base64 vectors untouched when asked', async () => {
    const { adapter } = await setup();
    const res = await adapter.embed({ model: MODEL, input: 'hello', encoding_format: 'base64' }, call());
    expect(typeof res.data[0]!.embedding).toBe('string');
    expect(decodeEmbedding(res.data[0]!.embedding as string)).toEqual(mockEmbedding(MODEL, 'hello', 8));
  });

  it('maps error statuses like chat: Retry-After, quota, bad key, server errors', async () => {
    const { adapter } = await setup({ script: [{ preset: 'rate_limit', retryAfterMs: 1500 }, { preset: 'insufficient_quota' }, { preset: 'server_error' }, { preset: 'invalid_api_key' }] });
    const limited = await failure(adapter.embed({ model: MODEL, input: 'a' }, call()));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({ status: 429, retryable: true, retryAfterMs: 1500, provider: 'primary' });
    const quota = await failure(adapter.embed({ model: MODEL, input: 'a' }, call()));
    expect(quota).toMatchObject({ status: 429, retryable: false, providerCode: 'insufficient_quota' });
    const server = await failure(adapter.embed({ model: MODEL, input: 'a' }, call()));
    expect(server).toBeInstanceOf(ServerError);
    expect(server.message).toBe('openai primary: 500 server_error — The server had an error while processing your request. Sorry about that!');
    const auth = await failure(adapter.embed({ model: MODEL, input: 'a' }, call()));
    expect(auth).toBeInstanceOf(AuthenticationError);
  });

  it("turns the provider's 400 into a BadRequestError naming what it said", async () => {
    const { adapter } = await setup();
    const err = await failure(adapter.embed({ model: 'text-embedding-ada-002', input: 'a', dimensions: 8 }, call()));
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toBe('openai primary: 400 invalid_request_error — This model does not support specifying dimensions.');
  });

  it('turns a 200 error body and malformed JSON into retryable ServerErrors', async () => {
    const { adapter } = await setup({ script: [{ errorBody200: { code: 502, message: 'Upstream provider down' } }, { malformedJson: true }] });
    const a = await failure(adapter.embed({ model: MODEL, input: 'a' }, call()));
    expect(a).toMatchObject({ status: 502, retryable: true, message: 'openai primary: 200 with an error body — Upstream provider down' });
    const b = await failure(adapter.embed({ model: MODEL, input: 'a' }, call()));
    expect(b).toBeInstanceOf(ServerError);
    expect(b.message).toBe('openai primary: 200 with a body that is not valid JSON');
  });

  it('puts the vectors of a relay that answers out of order back in index order, and takes embeddingsPath', async () => {
    const origin = await relay((path) => ({ data: [{ index: 1, embedding: [2] }, { index: 0, embedding: [1] }], usage: { prompt_tokens: 2, total_tokens: 2 }, path }));
    const adapter = openai({ baseURL: `${origin}/openai/v1?api-version=1`, embeddingsPath: '/embed' });
    closers.push(() => adapter.close());
    const res = await adapter.embed({ model: 'relay-model', input: ['a', 'b'] }, call());
    expect(res.data).toEqual([{ object: 'embedding', index: 0, embedding: [1] }, { object: 'embedding', index: 1, embedding: [2] }]);
    expect(res.model).toBe('relay-model');
    expect(res.path).toBe('/openai/v1/embed?api-version=1');
  });

  it('rejects an answer that is not a list of vectors', async () => {
    const origin = await relay(() => ({ data: [{ embedding: 'x' }, { embedding: { nope: true } }] }));
    const adapter = openai({ baseURL: `${origin}/v1`, name: 'relay' });
    closers.push(() => adapter.close());
    const err = await failure(adapter.embed({ model: 'm', input: ['a', 'b'] }, call()));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ retryable: true, message: 'openai relay: 200 with a body that is not an embedding list (no data array of vectors)' });
  });

  it('validates embeddingsPath', () => {
    expect(() => openai({ baseURL: 'http://127.0.0.1:1/v1', embeddingsPath: 'embeddings' })).toThrow(new ConfigurationError('openai: embeddingsPath must be a path starting with "/", got "embeddings"'));
  });
});

describe('gemini().embed', () => {
  async function setup(options: MockProviderOptions = {}) {
    const mock = await mockOf({ flavor: 'gemini', ...options });
    const adapter = gemini({ baseURL: mock.url, apiKey: KEY, name: 'google' });
    closers.push(() => adapter.close!());
    return { mock, adapter };
  }
  const GM = 'gemini-embedding-001';

  it('sends one text to embedContent, dimensions as outputDimensionality, and estimates the usage it does not report', async () => {
    const { mock, adapter } = await setup();
    const res = await adapter.embed!({ model: GM, input: 'hello world', dimensions: 5, task_type: 'RETRIEVAL_QUERY' }, call());
    expect(mock.requests[0]!.path).toBe(`/v1beta/models/${GM}:embedContent`);
    expect(mock.requests[0]!.body).toEqual({ content: { parts: [{ text: 'hello world' }] }, outputDimensionality: 5, taskType: 'RETRIEVAL_QUERY' });
    expect(res).toEqual({ object: 'list', model: GM, data: [{ object: 'embedding', index: 0, embedding: mockEmbedding(GM, 'hello world', 5) }], usage: { prompt_tokens: 3, total_tokens: 3, estimated: true } });
  });

  it('sends a batch through batchEmbedContents, 100 per request, and keeps the order', async () => {
    const { mock, adapter } = await setup();
    const input = Array.from({ length: 250 }, (_, i) => `text ${i}`);
    const res = await adapter.embed!({ model: GM, input, encoding_format: 'base64' }, call());
    expect(mock.requests.map((r) => [r.path, (r.body as { requests: unknown[] }).requests.length])).toEqual([
      [`/v1beta/models/${GM}:batchEmbedContents`, 100],
      [`/v1beta/models/${GM}:batchEmbedContents`, 100],
      [`/v1beta/models/${GM}:batchEmbedContents`, 50],
    ]);
    expect((mock.requests[0]!.body as { requests: unknown[] }).requests[0]).toEqual({ model: `models/${GM}`, content: { parts: [{ text: 'text 0' }] } });
    expect(res.data).toHaveLength(250);
    expect(res.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    expect(decodeEmbedding(res.data[249]!.embedding as string)).toEqual(mockEmbedding(GM, 'text 249', 8));
  });

  it('rejects token ids before sending: Gemini embeds text only', async () => {
    const { mock, adapter } = await setup();
    const err = await failure(adapter.embed!({ model: GM, input: [[1, 2], [3]] }, call()));
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toBe('gemini google: Gemini embeds text only; input[0] is token ids');
    expect(mock.requests).toHaveLength(0);
  });

  it('maps a 429 with RetryInfo to a RateLimitError with retryAfterMs', async () => {
    const { adapter } = await setup({ script: [{ status: 429, retryAfterMs: 3_000 }] });
    const err = await failure(adapter.embed!({ model: GM, input: ['a', 'b'] }, call()));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 3_000, provider: 'google' });
  });

  it('rejects an answer with the wrong number of embeddings', async () => {
    const { adapter } = await setup({ script: [{ status: 200, body: { embeddings: [{ values: [1] }] } }] });
    const err = await failure(adapter.embed!({ model: GM, input: ['a', 'b'] }, call()));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.message).toBe('gemini google: 200 response is not a batchEmbedContents answer with 2 embeddings');
  });
});

describe('anthropic() and embeddings', () => {
  it('has no embed: client.embed() fails with a ConfigurationError before any request', async () => {
    const mock = await mockOf({ flavor: 'anthropic' });
    const adapter = anthropic({ baseURL: mock.url, apiKey: KEY });
    closers.push(() => adapter.close!());
    expect(adapter.embed).toBeUndefined();
    const err = await createClient({ adapter }).embed({ model: 'claude-embed', input: 'a' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toBe('anthropic (anthropic) has no embeddings API: send embedding calls to a target that has one, such as openai() or gemini()');
    expect(mock.requests).toHaveLength(0);
  });
});
