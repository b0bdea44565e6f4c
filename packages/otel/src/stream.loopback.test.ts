/**
 * A streamed call over loopback HTTP: the first token comes 40 ms after the request, then a
 * chunk every 5 ms. Real time (the mock's delays are real), so times are asserted as bounds.
 */
import { openai } from '@lifeline/adapters';
import { createClient } from '@lifeline/core';
import { startMockProvider } from '@lifeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { points, type SpanNode, testSdk } from '../test/sdk.js';
import { DURATION_BUCKETS } from './names.js';
import { otel } from './otel.js';

const sdk = testSdk();
let mock: Awaited<ReturnType<typeof startMockProvider>>;
let adapter: ReturnType<typeof openai>;
let tree: SpanNode;
let chunks = 0;
/** Chunks from the first one with content on (the role-only opening chunk is not timed). */
let timedChunks = 0;
let text = '';

beforeAll(async () => {
  mock = await startMockProvider({ script: [{ stream: { firstTokenDelayMs: 40, chunkDelayMs: 5 } }] });
  adapter = openai({ name: 'primary', baseURL: mock.url, apiKey: 'test-key' });
  const client = createClient({ adapter, use: [otel({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider })] });
  const t0 = Date.now();
  const stream = client.stream({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Say hi' }] });
  for await (const chunk of stream) {
    chunks++;
    if (timedChunks > 0 || chunk.choices[0]?.delta.content) timedChunks++;
    text += chunk.choices[0]?.delta.content ?? '';
  }
  await stream.result;
  [tree] = sdk.trees(t0) as [SpanNode];
});

afterAll(async () => {
  await adapter.close();
  await mock.close();
  await sdk.shutdown();
});

describe('a streamed call', () => {
  it('passes the stream through untouched', () => {
    expect(text).toBe('Hello from the mock provider.');
    expect(chunks).toBe(8);
  });

  it('is one call span ended with the stream, carrying the time to first chunk, and one attempt span', () => {
    const ttfc = tree.attributes['gen_ai.response.time_to_first_chunk'] as number;
    const attemptTtfc = tree.children[0]?.attributes['gen_ai.response.time_to_first_chunk'] as number;
    expect(ttfc).toBeGreaterThanOrEqual(0.04);
    expect(ttfc * 1000).toBeLessThanOrEqual(tree.end - tree.start);
    expect(attemptTtfc).toBeGreaterThanOrEqual(0.04);
    expect(attemptTtfc).toBeLessThanOrEqual(ttfc);
    // The last chunks come 5 ms apart after the first: the stream outlives its first chunk.
    expect(tree.end - tree.start).toBeGreaterThanOrEqual(40 + 5 * 5);
    const server = { 'gen_ai.provider.name': 'openai', 'server.address': '127.0.0.1', 'server.port': mock.port };
    expect({ ...tree, start: 0, end: 0, children: tree.children.map((c) => ({ ...c, start: 0, end: 0 })) }).toEqual({
      name: 'chat gpt-4.1',
      kind: 'CLIENT',
      start: 0,
      end: 0,
      status: { code: 0 },
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.request.stream': true,
        ...server,
        'gen_ai.response.model': 'gpt-4.1',
        'gen_ai.response.id': 'chatcmpl-mock1',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 3,
        'gen_ai.usage.output_tokens': 5,
        'gen_ai.response.time_to_first_chunk': ttfc,
        'lifeline.target': 'primary',
        'lifeline.attempts': 1,
        'lifeline.failovers': 0,
        'lifeline.degraded': false,
      },
      events: [],
      children: [
        {
          name: 'attempt primary',
          kind: 'CLIENT',
          start: 0,
          end: 0,
          status: { code: 0 },
          attributes: {
            'lifeline.target': 'primary',
            'lifeline.attempt.number': 1,
            'gen_ai.request.model': 'gpt-4.1',
            ...server,
            'http.response.status_code': 200,
            'gen_ai.response.time_to_first_chunk': attemptTtfc,
            'lifeline.provider.request_id': 'req_mock1',
          },
          events: [],
          children: [],
        },
      ],
    });
  });

  it('records time to first chunk once and time per output chunk for each chunk after the first with content', async () => {
    const metrics = await sdk.metrics();
    const ttfc = points(metrics.get('gen_ai.client.operation.time_to_first_chunk'));
    expect(ttfc).toEqual([
      {
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4.1', 'gen_ai.provider.name': 'openai', 'server.address': '127.0.0.1', 'server.port': mock.port, 'gen_ai.response.model': 'gpt-4.1' },
        value: { count: 1, sum: tree.attributes['gen_ai.response.time_to_first_chunk'], boundaries: DURATION_BUCKETS },
      },
    ]);
    const perChunk = points(metrics.get('gen_ai.client.operation.time_per_output_chunk'));
    expect(perChunk).toHaveLength(1);
    expect(perChunk[0]?.attributes).toEqual(ttfc[0]?.attributes);
    expect(perChunk[0]?.value).toMatchObject({ count: timedChunks - 1, boundaries: DURATION_BUCKETS });
    expect(metrics.get('gen_ai.client.operation.time_per_output_chunk')?.descriptor.unit).toBe('s');
  });
});
