/**
 * The resilience story of one call, as spans and metrics: a 429 on the primary relay with
 * `retry-after: 2`, a retry two (virtual) seconds later that gets a 503, then failover to
 * Anthropic, which answers. Real HTTP to two mock providers on loopback; a fake clock shared by
 * the client and the mocks makes every time exact.
 */
import { anthropic, openai } from '@lifeline/adapters';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { createClient } from '@lifeline/core';
import { failover } from '@lifeline/failover';
import { meter } from '@lifeline/pricing';
import { retry } from '@lifeline/retry';
import { fakeClock, startMockProvider } from '@lifeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { points, type SpanNode, testSdk } from '../test/sdk.js';
import { DURATION_BUCKETS, TOKEN_BUCKETS } from './names.js';
import { otel } from './otel.js';

const T0 = Date.UTC(2026, 0, 1);
const sdk = testSdk();
const clock = fakeClock(T0);
let relay: Awaited<ReturnType<typeof startMockProvider>>;
let claudeMock: Awaited<ReturnType<typeof startMockProvider>>;
let primary: ReturnType<typeof openai>;
let claude: ReturnType<typeof anthropic>;
let tree: SpanNode;

beforeAll(async () => {
  relay = await startMockProvider({ clock, script: [{ status: 429, retryAfter: 2 }, { status: 503 }] });
  claudeMock = await startMockProvider({ clock, flavor: 'anthropic' });
  primary = openai({ name: 'primary', baseURL: relay.url, apiKey: 'test-key' });
  claude = anthropic({ name: 'claude', baseURL: claudeMock.url, apiKey: 'test-key' });
  const client = createClient({
    clock,
    use: [
      otel({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider }),
      meter(),
      failover([primary, { adapter: claude, model: 'claude-sonnet-4-5' }]),
      retry({ maxAttempts: 2, budget: false }),
      circuitBreaker(),
    ],
  });
  const request = { model: 'gpt-4.1', max_tokens: 300, temperature: 0.2, top_p: 0.9, messages: [{ role: 'user' as const, content: 'Say hi' }] };
  await clock.run(client.chat(request, { metadata: { tenant: 'acme' } }));
  [tree] = sdk.trees(T0) as [SpanNode];
});

afterAll(async () => {
  await Promise.all([primary.close(), claude.close!(), relay.close(), claudeMock.close()]);
  await sdk.shutdown();
});

describe('a call retried after a 429 (Retry-After), then failed over to another vendor', () => {
  it('is one CLIENT span `chat gpt-4.1` with the conventions\' attributes of the answer and lifeline.* of the story', () => {
    const { children, events, ...call } = tree;
    expect(call).toEqual({
      name: 'chat gpt-4.1',
      kind: 'CLIENT',
      start: 0,
      end: 2_000,
      status: { code: 0 },
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.request.max_tokens': 300,
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.top_p': 0.9,
        'gen_ai.provider.name': 'anthropic',
        'server.address': '127.0.0.1',
        'server.port': claudeMock.port,
        'gen_ai.response.model': 'claude-sonnet-4-5',
        'gen_ai.response.id': 'msg_mock1',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 3,
        'gen_ai.usage.output_tokens': 5,
        'lifeline.target': 'claude:claude-sonnet-4-5',
        'lifeline.attempts': 3,
        'lifeline.failovers': 1,
        'lifeline.degraded': false,
        'lifeline.cost.usd': 0.000084,
        'lifeline.tenant': 'acme',
      },
    });
    expect(events).toEqual([
      { name: 'lifeline.failover', at: 2_000, attributes: { 'lifeline.failover.from': 'primary', 'lifeline.failover.to': 'claude:claude-sonnet-4-5', 'error.type': 'ServerError' } },
    ]);
  });

  it('has one child span per attempt, siblings in order: the 429, the retry 2 s later (delay from Retry-After), the answer from the backup', () => {
    const relayServer = { 'gen_ai.provider.name': 'openai', 'server.address': '127.0.0.1', 'server.port': relay.port };
    expect(tree.children).toEqual([
      {
        name: 'attempt primary',
        kind: 'CLIENT',
        start: 0,
        end: 0,
        status: { code: 2, message: expect.stringMatching(/^openai primary: 429 rate_limit_exceeded — Rate limit reached for gpt-4\.1 .*\(retry after 2000 ms\)$/) },
        attributes: {
          'lifeline.target': 'primary',
          'lifeline.attempt.number': 1,
          'gen_ai.request.model': 'gpt-4.1',
          ...relayServer,
          'http.response.status_code': 429,
          'lifeline.breaker.key': 'primary/gpt-4.1',
          'lifeline.breaker.state': 'closed',
          'lifeline.provider.request_id': 'req_mock1',
          'error.type': 'RateLimitError',
          'lifeline.error.code': 'rate_limit',
        },
        events: [],
        children: [],
      },
      {
        name: 'attempt primary',
        kind: 'CLIENT',
        start: 2_000,
        end: 2_000,
        status: { code: 2, message: 'openai primary: 503 server_error — The server is overloaded or not ready yet.' },
        attributes: {
          'lifeline.target': 'primary',
          'lifeline.attempt.number': 2,
          'gen_ai.request.model': 'gpt-4.1',
          ...relayServer,
          'http.response.status_code': 503,
          'lifeline.retry.delay_ms': 2_000,
          'lifeline.retry.delay_source': 'retry-after',
          'lifeline.breaker.key': 'primary/gpt-4.1',
          'lifeline.breaker.state': 'closed',
          'lifeline.provider.request_id': 'req_mock2',
          'error.type': 'ServerError',
          'lifeline.error.code': 'server',
        },
        events: [],
        children: [],
      },
      {
        name: 'attempt claude:claude-sonnet-4-5',
        kind: 'CLIENT',
        start: 2_000,
        end: 2_000,
        status: { code: 0 },
        attributes: {
          'lifeline.target': 'claude:claude-sonnet-4-5',
          'lifeline.attempt.number': 3,
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.provider.name': 'anthropic',
          'server.address': '127.0.0.1',
          'server.port': claudeMock.port,
          'http.response.status_code': 200,
          'lifeline.breaker.key': 'claude:claude-sonnet-4-5',
          'lifeline.breaker.state': 'closed',
          'lifeline.provider.request_id': 'req_mock1',
        },
        events: [],
        children: [],
      },
    ]);
    expect(relay.requests.map((r) => r.time - T0)).toEqual([0, 2_000]);
  });

  it('records the conventions\' metrics with their units and bucket boundaries, plus lifeline.cost, lifeline.failovers and the breaker states', async () => {
    const metrics = await sdk.metrics();
    const answered = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4.1', 'gen_ai.provider.name': 'anthropic', 'server.address': '127.0.0.1', 'server.port': claudeMock.port, 'gen_ai.response.model': 'claude-sonnet-4-5' };
    expect(metrics.get('gen_ai.client.operation.duration')?.descriptor.unit).toBe('s');
    expect(points(metrics.get('gen_ai.client.operation.duration'))).toEqual([{ attributes: answered, value: { count: 1, sum: 2, boundaries: DURATION_BUCKETS } }]);
    expect(metrics.get('gen_ai.client.token.usage')?.descriptor.unit).toBe('{token}');
    expect(points(metrics.get('gen_ai.client.token.usage'))).toEqual([
      { attributes: { ...answered, 'gen_ai.token.type': 'input' }, value: { count: 1, sum: 3, boundaries: TOKEN_BUCKETS } },
      { attributes: { ...answered, 'gen_ai.token.type': 'output' }, value: { count: 1, sum: 5, boundaries: TOKEN_BUCKETS } },
    ]);
    expect(points(metrics.get('lifeline.cost'))).toEqual([
      { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'gpt-4.1', 'gen_ai.response.model': 'claude-sonnet-4-5' }, value: 0.000084 },
    ]);
    expect(metrics.get('lifeline.cost')?.descriptor.unit).toBe('USD');
    expect(points(metrics.get('lifeline.failovers'))).toEqual([
      { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4.1', 'lifeline.failover.from': 'primary', 'lifeline.failover.to': 'claude:claude-sonnet-4-5', 'error.type': 'ServerError' }, value: 1 },
    ]);
    const closed = (key: string) => ['closed', 'half-open', 'open', 'isolated'].map((state) => ({ attributes: { 'lifeline.breaker.key': key, 'lifeline.breaker.state': state }, value: state === 'closed' ? 1 : 0 }));
    expect(points(metrics.get('lifeline.breaker.state'))).toEqual([...closed('primary/gpt-4.1'), ...closed('claude:claude-sonnet-4-5')]);
    expect(metrics.has('gen_ai.client.operation.time_to_first_chunk')).toBe(false);
  });
});
