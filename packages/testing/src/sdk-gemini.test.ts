import { ApiError, GoogleGenAI } from '@google/genai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockProvider } from './server.js';
import type { MockProvider, MockProviderOptions } from './types.js';

let mock: MockProvider;
afterEach(() => mock?.close());

async function client(options: MockProviderOptions) {
  mock = await startMockProvider({ flavor: 'gemini', ...options });
  return new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: mock.url } });
}

const model = 'gemini-2.5-flash';

describe('official @google/genai SDK against the mock', () => {
  it('parses generateContent with usageMetadata', async () => {
    const ai = await client({ text: 'Hello world', script: [{ reply: { usage: { completionTokens: 12, reasoningTokens: 10 } } }] });
    const res = await ai.models.generateContent({ model, contents: 'Say hello' });
    expect(res.text).toBe('Hello world');
    expect(res.candidates?.[0]?.finishReason).toBe('STOP');
    expect(res.usageMetadata).toMatchObject({ promptTokenCount: 4, candidatesTokenCount: 2, thoughtsTokenCount: 10, totalTokenCount: 16 });
    const req = mock.requests[0]!;
    // js-genai 3.x defaults to API version v1 (2.x used v1beta); the mock serves v1, v1beta and v1alpha.
    expect(req.path).toBe(`/v1/models/${model}:generateContent`);
    expect(req.headers['x-goog-api-key']).toBe('[redacted]');
  });

  it('parses streamGenerateContent (alt=sse) chunk by chunk', async () => {
    const ai = await client({ text: 'one two three' });
    const stream = await ai.models.generateContentStream({ model, contents: 'Say hello' });
    const texts: string[] = [];
    let last;
    for await (const chunk of stream) {
      texts.push(chunk.text ?? '');
      last = chunk;
    }
    expect(texts).toEqual(['one', ' two', ' three']);
    expect(last?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(last?.usageMetadata?.candidatesTokenCount).toBe(3);
    expect(mock.requests[0]!.query).toEqual({ alt: 'sse' });
    expect(mock.requests[0]!.stream).toBe(true);
  });

  it('exposes function calls with object args', async () => {
    const ai = await client({ script: [{ reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] } }] });
    const res = await ai.models.generateContent({ model, contents: 'weather?' });
    expect(res.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
  });

  it('raises ApiError with status 429 and the Google body for a quota error', async () => {
    const ai = await client({ script: [{ preset: 'rate_limit' }] });
    const err = await ai.models.generateContent({ model, contents: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(429);
    const body = JSON.parse((err as ApiError).message);
    expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(body.error.details.at(-1)).toEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '45.8s' });
  });

  it('raises ApiError 400 for a bad key', async () => {
    mock = await startMockProvider({ flavor: 'gemini' });
    const ai = new GoogleGenAI({ apiKey: 'wrong', httpOptions: { baseUrl: mock.url } });
    const err = await ai.models.generateContent({ model, contents: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).message).toContain('API_KEY_INVALID');
  });

  it('raises ApiError with the in-band error code mid-stream', async () => {
    const ai = await client({ text: 'a b c', script: [{ stream: { errorAfter: 1 } }] });
    const stream = await ai.models.generateContentStream({ model, contents: 'x' });
    const texts: string[] = [];
    const err = await (async () => {
      for await (const chunk of stream) texts.push(chunk.text ?? '');
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
    expect(texts).toEqual(['a']);
  });
});
