/**
 * Calls that end without an upstream answer, or with one nobody paid for this time: a cache hit,
 * a call refused by an open circuit breaker, a budget refusal, a degraded answer. Real HTTP to a
 * mock provider on loopback; a fake clock makes every time exact.
 */
import { openai } from '@lifeline/adapters';
import { cache } from '@lifeline/cache';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { BudgetExceededError, CircuitOpenError, createClient, fallbackResponse, type Middleware } from '@lifeline/core';
import { budget, meter } from '@lifeline/pricing';
import { fakeClock, type MockProvider, type Script, startMockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { points, type SpanNode, testSdk } from '../test/sdk.js';
import { otel } from './otel.js';

const T0 = Date.UTC(2026, 0, 1);
const req = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'Say hi' }] };
const cleanup: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

async function setup(script: Script, use: (o: Middleware) => Middleware[]) {
  const sdk = testSdk();
  const clock = fakeClock(T0);
  const mock = await startMockProvider({ clock, script });
  const adapter = openai({ name: 'primary', baseURL: mock.url, apiKey: 'test-key' });
  cleanup.push(() => adapter.close(), () => mock.close(), () => sdk.shutdown());
  const client = createClient({ clock, adapter, use: use(otel({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider })) });
  return { sdk, clock, mock, client };
}

/** The call span attributes every outcome here shares. */
const base = (mock: MockProvider) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4.1',
  'gen_ai.provider.name': 'openai',
  'server.address': '127.0.0.1',
  'server.port': mock.port,
});

describe('outcomes without an upstream answer', () => {
  it('a cache hit: one call span, no attempt, lifeline.cache=hit, cost 0 and what it saved; no tokens spent', async () => {
    const { sdk, clock, mock, client } = await setup('ok', (o) => [o, cache({ ttlMs: 60_000 }), meter()]);
    await clock.run(client.chat(req));
    sdk.exporter.reset();
    const { meta } = await clock.run(client.chat(req));
    expect(meta.cache).toBe('hit');
    expect(sdk.trees(T0)).toEqual([
      {
        name: 'chat gpt-4.1',
        kind: 'CLIENT',
        start: 0,
        end: 0,
        status: { code: 0 },
        attributes: {
          ...base(mock),
          'gen_ai.response.model': 'gpt-4.1',
          'gen_ai.response.id': 'chatcmpl-mock1',
          'gen_ai.response.finish_reasons': ['stop'],
          'lifeline.target': 'primary',
          'lifeline.attempts': 0,
          'lifeline.failovers': 0,
          'lifeline.cache': 'hit',
          'lifeline.degraded': false,
          'lifeline.cost.usd': 0,
          'lifeline.saved.usd': 0.000046,
        },
        events: [],
        children: [],
      },
    ] satisfies SpanNode[]);
    const metrics = await sdk.metrics();
    expect(points(metrics.get('gen_ai.client.operation.duration')).map((p) => (p.value as { count: number }).count)).toEqual([2]);
    // Only the first call (the miss) spent tokens.
    expect(points(metrics.get('gen_ai.client.token.usage')).map((p) => [p.attributes['gen_ai.token.type'], (p.value as { count: number }).count])).toEqual([
      ['input', 1],
      ['output', 1],
    ]);
  });

  it('a call refused by an open breaker: an ERROR span with error.type CircuitOpenError and a lifeline.breaker.rejected event naming the breaker', async () => {
    const { sdk, clock, mock, client } = await setup([{ status: 503 }], (o) => [o, circuitBreaker({ failureThreshold: 1 })]);
    await clock.run(client.chat(req)).catch(() => {});
    sdk.exporter.reset();
    await clock.advanceAsync(1_000);
    const error = await clock.run(client.chat(req)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).message).toBe('Circuit breaker "primary/gpt-4.1" is open; next probe in 29000 ms');
    expect(sdk.trees(T0)).toEqual([
      {
        name: 'chat gpt-4.1',
        kind: 'CLIENT',
        start: 1_000,
        end: 1_000,
        status: { code: 2, message: 'Circuit breaker "primary/gpt-4.1" is open; next probe in 29000 ms' },
        attributes: {
          ...base(mock),
          'error.type': 'CircuitOpenError',
          'lifeline.error.code': 'circuit_open',
          'lifeline.target': 'primary',
          'lifeline.attempts': 0,
          'lifeline.failovers': 0,
          'lifeline.degraded': false,
        },
        events: [{ name: 'lifeline.breaker.rejected', at: 1_000, attributes: { 'lifeline.breaker.key': 'primary/gpt-4.1', 'lifeline.breaker.state': 'open', 'lifeline.target': 'primary', 'lifeline.retry_after_ms': 29_000 } }],
        children: [],
      },
    ] satisfies SpanNode[]);
    expect(mock.requests).toHaveLength(1);
    const states = points((await sdk.metrics()).get('lifeline.breaker.state')).filter((p) => p.attributes['lifeline.breaker.key'] === 'primary/gpt-4.1');
    expect(states.map((p) => [p.attributes['lifeline.breaker.state'], p.value])).toEqual([
      ['closed', 0],
      ['half-open', 0],
      ['open', 1],
      ['isolated', 0],
    ]);
  });

  it('a budget refusal: an ERROR span with error.type BudgetExceededError, the scope and what was left; no attempt', async () => {
    const { sdk, clock, mock, client } = await setup('ok', (o) => [o, budget({ limitUsd: 0.000001, window: 'day', scope: (ctx) => String(ctx.metadata.tenant) }), meter()]);
    const error = await clock.run(client.chat(req, { metadata: { tenant: 'acme' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    const message = 'budget: scope "acme" has $0.000001 of $0.000001 left in window day:2026-01-01; this call may cost up to $0.03278';
    expect((error as BudgetExceededError).message).toBe(message);
    expect(sdk.trees(T0)).toEqual([
      {
        name: 'chat gpt-4.1',
        kind: 'CLIENT',
        start: 0,
        end: 0,
        status: { code: 2, message },
        attributes: {
          ...base(mock),
          'error.type': 'BudgetExceededError',
          'lifeline.error.code': 'budget_exceeded',
          'lifeline.budget.scope': 'acme',
          'lifeline.budget.remaining_usd': 0.000001,
          'lifeline.target': 'primary',
          'lifeline.attempts': 0,
          'lifeline.failovers': 0,
          'lifeline.degraded': false,
          'lifeline.tenant': 'acme',
        },
        events: [],
        children: [],
      },
    ] satisfies SpanNode[]);
    expect(mock.requests).toHaveLength(0);
    const durations = points((await sdk.metrics()).get('gen_ai.client.operation.duration'));
    expect(durations.map((p) => p.attributes['error.type'])).toEqual(['BudgetExceededError']);
  });

  it('a degraded answer: status OK, lifeline.degraded with the error it replaced, no provider, no tokens; the failed attempt as a child', async () => {
    const { sdk, clock, client } = await setup({ status: 503 }, (o) => [o, fallbackResponse()]);
    const { meta } = await clock.run(client.chat(req));
    expect(meta.degraded).toBe(true);
    const [tree] = sdk.trees(T0) as [SpanNode];
    expect(tree.status).toEqual({ code: 0 });
    expect(tree.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4.1',
      'gen_ai.response.model': 'gpt-4.1',
      'gen_ai.response.id': expect.stringMatching(/^degraded-/),
      'gen_ai.response.finish_reasons': ['stop'],
      'lifeline.target': 'fallback',
      'lifeline.attempts': 1,
      'lifeline.failovers': 0,
      'lifeline.degraded': true,
      'lifeline.degraded.reason': 'ServerError',
      'lifeline.cost.usd': 0,
    });
    expect(tree.children.map((c) => [c.name, c.attributes['http.response.status_code'], c.attributes['error.type']])).toEqual([['attempt primary', 503, 'ServerError']]);
  });
});
