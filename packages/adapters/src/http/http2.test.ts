/**
 * `http2: true` against the mock speaking HTTP/2 over cleartext (h2c): answers, streams, many
 * concurrent streams on one connection, and the transport faults HTTP/2 has (a reset stream).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError, ConnectionError, StreamInterruptedError, type AdapterCall, type ChatRequest } from '@lifeline/core';
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { openai, type OpenAIAdapter } from '../openai/adapter.js';

let mock: MockProvider | undefined;
let adapter: OpenAIAdapter | undefined;
afterEach(async () => {
  await adapter?.close();
  await mock?.close();
  adapter = mock = undefined;
});

const request = (model = 'gpt-4.1-mini'): ChatRequest => ({ model, messages: [{ role: 'user', content: 'hi' }] });
const call = (): AdapterCall => ({ signal: new AbortController().signal, metadata: {} });

async function streamText(a: OpenAIAdapter, model?: string): Promise<string> {
  let text = '';
  for await (const chunk of await a.stream(request(model), call())) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

describe('http2', () => {
  it('answers and streams over h2c', async () => {
    mock = await startMockProvider({ http2: true, text: 'one two three' });
    adapter = openai({ baseURL: mock.url, apiKey: 'test-key', http2: true });
    const response = await adapter.chat(request(), call());
    expect(response.choices[0]?.message.content).toBe('one two three');
    expect(await streamText(adapter)).toBe('one two three');
    expect(mock.requests.map((r) => r.stream)).toEqual([false, true]);
    expect(mock.connections).toBe(1);
  });

  it('carries 150 concurrent streams on one connection', async () => {
    mock = await startMockProvider({ http2: true, text: 'a b c', routes: { paced: { stream: { chunkDelayMs: 20 } } } });
    adapter = openai({ baseURL: mock.url, apiKey: 'test-key', http2: true, connections: 1 });
    const texts = await Promise.all(Array.from({ length: 150 }, () => streamText(adapter!, 'paced')));
    expect(new Set(texts)).toEqual(new Set(['a b c']));
    expect(mock.requests).toHaveLength(150);
    expect(mock.connections).toBe(1);
  });

  it('a stream reset mid-way is a StreamInterruptedError; the connection and the other streams live on', async () => {
    mock = await startMockProvider({ http2: true, text: 'one two three four', routes: { cut: { stream: { cutAfter: 2 } }, paced: { stream: { chunkDelayMs: 30 } } } });
    adapter = openai({ baseURL: mock.url, apiKey: 'test-key', http2: true });
    const healthy = streamText(adapter, 'paced');
    let text = '';
    const error = await (async () => {
      for await (const chunk of await adapter!.stream(request('cut'), call())) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('one two');
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).retryable).toBe(true);
    expect(await healthy).toBe('one two three four');
    expect(mock.connections).toBe(1);
  });

  it('a request reset before the answer is a retryable ConnectionError naming the provider', async () => {
    mock = await startMockProvider({ http2: true, script: [{ reset: true }] });
    adapter = openai({ baseURL: mock.url, apiKey: 'test-key', http2: true, name: 'relay' });
    const error = await adapter.chat(request(), call()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toBe('openai relay: connection failed — Stream closed with error code NGHTTP2_INTERNAL_ERROR (ERR_HTTP2_STREAM_ERROR)');
    expect((error as ConnectionError).retryable).toBe(true);
    // The next request on the same connection is answered.
    const response = await adapter.chat(request(), call());
    expect(response.choices[0]?.message.content).toBe('Hello from the mock provider.');
  });

  it('refuses a value that is not a boolean', () => {
    expect(() => openai({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', http2: 'yes' as never })).toThrow(ConfigurationError);
    expect(() => openai({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k', http2: 'yes' as never })).toThrow('openai: http2 must be true or false, got yes');
  });
});
