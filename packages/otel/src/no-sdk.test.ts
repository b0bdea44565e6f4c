/**
 * Without an OpenTelemetry SDK (the API's no-op providers), `otel()` passes every call straight
 * through: no span work, no event subscription, nothing added to the upstream request.
 */
import { channel } from 'node:diagnostics_channel';
import { openai } from '@lifeline/adapters';
import { createClient } from '@lifeline/core';
import { startMockProvider } from '@lifeline/testing';
import { expect, it } from 'vitest';
import { otel } from './otel.js';

it('passes calls and streams through untouched, subscribes to nothing and sends no trace header', async () => {
  const mock = await startMockProvider();
  const adapter = openai({ name: 'primary', baseURL: mock.url, apiKey: 'test-key' });
  try {
    const client = createClient({ adapter, use: [otel({ propagateUpstream: true })] });
    const req = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'Say hi' }] };
    const { response, meta } = await client.chat(req);
    expect(response.choices[0]?.message.content).toBe('Hello from the mock provider.');
    expect(meta.attempts).toBe(1);
    const stream = client.stream(req);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from the mock provider.');
    for (const name of ['lifeline:attempt:start', 'lifeline:attempt', 'lifeline:failover', 'lifeline:fallback', 'lifeline:breaker']) {
      expect([name, channel(name).hasSubscribers]).toEqual([name, false]);
    }
    expect(mock.requests.map((r) => r.headers.traceparent)).toEqual([undefined, undefined]);
  } finally {
    await adapter.close();
    await mock.close();
  }
});
