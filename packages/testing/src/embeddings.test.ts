import { GoogleGenAI } from '@google/genai';
import OpenAI, { BadRequestError, InternalServerError, RateLimitError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { float32Base64, mockEmbedding } from './embeddings.js';
import { startMockProvider } from './server.js';
import type { MockProvider, MockProviderOptions } from './types.js';

let mock: MockProvider;
afterEach(() => mock?.close());

async function sdk(options: MockProviderOptions = {}) {
  mock = await startMockProvider(options);
  return new OpenAI({ baseURL: mock.url, apiKey: 'test-key', maxRetries: 0 });
}

const model = 'text-embedding-3-small';
const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('mockEmbedding()', () => {
  it('is deterministic per model and input, unit length, and a shorter width is a prefix direction', () => {
    const a = mockEmbedding(model, 'hello', 16);
    expect(mockEmbedding(model, 'hello', 16)).toEqual(a);
    expect(mockEmbedding(model, 'hellp', 16)).not.toEqual(a);
    expect(mockEmbedding('other-model', 'hello', 16)).not.toEqual(a);
    expect(norm(a)).toBeCloseTo(1, 5);
    const short = mockEmbedding(model, 'hello', 4);
    expect(Math.sign(short[0]!)).toBe(Math.sign(a[0]!));
    expect(short[1]! / short[0]!).toBeCloseTo(a[1]! / a[0]!, 4);
    expect(mockEmbedding(model, [1, 2, 3], 8)).toHaveLength(8);
  });
});

describe('OpenAI flavour: POST /v1/embeddings with the official SDK', () => {
  it('answers float vectors, one per input in order, with usage', async () => {
    const client = await sdk();
    const res = await client.embeddings.create({ model, input: ['first text', 'second'], encoding_format: 'float', dimensions: 8 });
    expect(res.object).toBe('list');
    expect(res.model).toBe(model);
    expect(res.data.map((d) => d.index)).toEqual([0, 1]);
    expect(res.data[0]!.embedding).toEqual(mockEmbedding(model, 'first text', 8));
    expect(res.data[1]!.embedding).toEqual(mockEmbedding(model, 'second', 8));
    expect(res.usage).toEqual({ prompt_tokens: 3 + 2, total_tokens: 5 });
    expect(mock.requests[0]).toMatchObject({ path: '/v1/embeddings', model, stream: false, body: { model, input: ['first text', 'second'], encoding_format: 'float', dimensions: 8 } });
  });

  it('answers base64 (the SDK default) that the SDK decodes to the same floats', async () => {
    const client = await sdk({ embeddingDimensions: 12 });
    const res = await client.embeddings.create({ model, input: 'hello' });
    expect(mock.requests[0]!.body).toMatchObject({ encoding_format: 'base64' });
    expect(res.data[0]!.embedding).toEqual(mockEmbedding(model, 'hello', 12));
    const raw = await client.embeddings.create({ model, input: 'hello', encoding_format: 'base64' });
    expect(raw.data[0]!.embedding).toBe(float32Base64(mockEmbedding(model, 'hello', 12)));
  });

  it('embeds token ids and honours the default width', async () => {
    const client = await sdk({ embeddingDimensions: 6 });
    const res = await client.embeddings.create({ model, input: [[1, 2, 3], [4]], encoding_format: 'float' });
    expect(res.data.map((d) => d.embedding.length)).toEqual([6, 6]);
    expect(res.usage.prompt_tokens).toBe(4);
  });

  it('rejects what the real API rejects, in its error shape', async () => {
    const client = await sdk();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model, input: '' }, "400 '$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."],
      [{ model, input: [] }, "400 '$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."],
      [{ model }, "400 'input' is a required property"],
      [{ model: 'text-embedding-ada-002', input: 'a', dimensions: 8 }, '400 This model does not support specifying dimensions.'],
      [{ model, input: 'a', dimensions: 0 }, "400 Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got 0 instead."],
      [{ model, input: 'a', encoding_format: 'int8' }, "400 Invalid value for 'encoding_format': \"int8\". Supported values are: 'float' and 'base64'."],
    ];
    for (const [body, message] of cases) {
      const err = await client.embeddings.create(body as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as Error).message).toBe(message);
    }
  });

  it('applies the script: a 429 with Retry-After, a 500, then a reply with a forced width', async () => {
    const client = await sdk({ script: [{ preset: 'rate_limit', retryAfter: 2 }, { status: 500 }, { reply: { dimensions: 3, model: 'served-model' } }] });
    const limited = await client.embeddings.create({ model, input: 'a' }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).headers?.get('retry-after')).toBe('2');
    expect(await client.embeddings.create({ model, input: 'a' }).catch((e: unknown) => e)).toBeInstanceOf(InternalServerError);
    const res = await client.embeddings.create({ model, input: 'a', dimensions: 8, encoding_format: 'float' });
    expect(res.model).toBe('served-model');
    expect(res.data[0]!.embedding).toHaveLength(3);
  });

  it('routes by model like chat requests', async () => {
    const client = await sdk({ routes: { 'broken-embedder': { status: 503 } } });
    expect(await client.embeddings.create({ model: 'broken-embedder', input: 'a' }).catch((e: unknown) => e)).toBeInstanceOf(InternalServerError);
    expect((await client.embeddings.create({ model, input: 'a' })).data).toHaveLength(1);
  });
});

describe('Gemini flavour: embedContent and batchEmbedContents with @google/genai', () => {
  async function genai(options: MockProviderOptions = {}) {
    mock = await startMockProvider({ flavor: 'gemini', ...options });
    return new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: mock.url } });
  }

  it('answers the SDK (batchEmbedContents) with one vector per content, outputDimensionality honoured', async () => {
    const ai = await genai();
    const res = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['one', 'two'], config: { outputDimensionality: 5 } });
    expect(res.embeddings?.map((e) => e.values)).toEqual([mockEmbedding('gemini-embedding-001', 'one', 5), mockEmbedding('gemini-embedding-001', 'two', 5)]);
    expect(mock.requests[0]!.path).toBe('/v1/models/gemini-embedding-001:batchEmbedContents');
    expect(mock.requests[0]!.model).toBe('gemini-embedding-001');
  });

  it('answers embedContent with a single embedding', async () => {
    mock = await startMockProvider({ flavor: 'gemini', embeddingDimensions: 4 });
    const res = await fetch(`${mock.url}/v1beta/models/gemini-embedding-001:embedContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' },
      body: JSON.stringify({ content: { parts: [{ text: 'solo' }] } }),
    });
    expect(await res.json()).toEqual({ embedding: { values: mockEmbedding('gemini-embedding-001', 'solo', 4) } });
  });

  it('rejects a batch over 100 requests and a model that does not match the URL', async () => {
    mock = await startMockProvider({ flavor: 'gemini' });
    const post = (body: unknown) =>
      fetch(`${mock.url}/v1beta/models/gemini-embedding-001:batchEmbedContents`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' }, body: JSON.stringify(body) });
    const req = (model: string) => ({ model, content: { parts: [{ text: 'x' }] } });
    const tooMany = await post({ requests: Array.from({ length: 101 }, () => req('models/gemini-embedding-001')) });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({ error: { code: 400, message: '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n', status: 'INVALID_ARGUMENT' } });
    const mismatch = await post({ requests: [req('models/other')] });
    expect(((await mismatch.json()) as { error: { message: string } }).error.message).toBe(
      '* BatchEmbedContentsRequest.requests[0].model: model "models/other" does not match the model in the URL "models/gemini-embedding-001"\n',
    );
  });

  it('applies faults: a 429 carries RetryInfo in the body', async () => {
    const ai = await genai({ script: [{ status: 429, retryAfter: 3 }] });
    const err = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: 'x' }).catch((e: unknown) => e);
    expect((err as { status: number }).status).toBe(429);
    expect((err as Error).message).toContain('"retryDelay":"3s"');
  });
});
