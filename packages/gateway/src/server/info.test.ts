import { createClient, fallbackResponse, ServerError } from '@lifeline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedAdapter } from '@lifeline/testing';
import { hello, post, startHarness, type Harness } from '../../test/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('GET /v1/models', () => {
  it('lists the routable models in the OpenAI list shape', async () => {
    h = await startHarness({ adapter: scriptedAdapter() });
    const models = await h.openai.models.list();
    expect(models.data.map((m) => [m.id, m.object, m.owned_by])).toEqual([['fake-model', 'model', 'lifeline']]);
  });
});

describe('POST /api/chat', () => {
  it('answers the seed shape', async () => {
    h = await startHarness({ adapter: scriptedAdapter('ok', { name: 'primary', text: 'Four', usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }), server: { defaultModel: 'fake-model' } });
    const res = await post(h.url, '/api/chat', JSON.stringify({ messages: [{ role: 'user', content: '2+2?' }], temperature: 0.2, maxTokens: 50 }));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ content: 'Four', provider: 'primary', latencyMs: expect.any(Number), tokensUsed: 5, costUsd: null, model: 'fake-model', degraded: false, cache: 'none' });
  });

  it('flags a degraded answer', async () => {
    const adapter = scriptedAdapter(() => { throw new ServerError('down', { status: 503 }); });
    h = await startHarness({ adapter, use: [fallbackResponse()] });
    const res = await post(h.url, '/api/chat', JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] }));
    expect(res.json).toMatchObject({ provider: 'fallback', degraded: true, costUsd: 0, tokensUsed: 0 });
  });

  it('names a missing model and unknown fields', async () => {
    h = await startHarness({ adapter: scriptedAdapter() });
    const noModel = await post(h.url, '/api/chat', JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }));
    expect([noModel.status, noModel.json.error.message, noModel.json.error.param]).toEqual([400, 'model is required (this gateway has no server.defaultModel)', 'model']);
    const extra = await post(h.url, '/api/chat', JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 }));
    expect([extra.status, extra.json.error.message, extra.json.error.param]).toEqual([400, 'Invalid request: max_tokens is not a recognised field', 'max_tokens']);
  });
});

describe('GET /api/health', () => {
  it('reports per provider requests, failures, last success, latency, breaker and cache', async () => {
    let n = 0;
    const adapter = scriptedAdapter(() => { if (n++ === 0) throw new ServerError('primary: 503 overloaded', { provider: 'primary', status: 503 }); }, { name: 'primary' });
    const client = createClient({ adapter });
    const pipeline = {
      routes: [{ model: '*', client }],
      providers: () => [{ name: 'primary', kind: 'openai' }, { name: 'backup', kind: 'anthropic' }],
      breakers: () => [{ key: 'primary/fake-model', state: 'half-open' as const, failures: 1 }],
      cache: () => ({ entries: 3, bytes: 1200, hits: 2, misses: 1 }),
    };
    h = await startHarness({ pipeline });
    await h.openai.chat.completions.create(hello).catch(() => {});
    await h.openai.chat.completions.create(hello);
    const health = (await (await fetch(`${h.url}/api/health`)).json()) as Record<string, any>;
    expect(health.status).toBe('ok');
    expect(health.cache).toEqual({ entries: 3, bytes: 1200, hits: 2, misses: 1 });
    expect(health.providers.primary).toMatchObject({ kind: 'openai', breaker: 'half-open', requests: 2, failures: 1, consecutiveFailures: 0, lastError: 'server (503): primary: 503 overloaded' });
    expect(health.providers.primary.breakers).toEqual([{ key: 'primary/fake-model', state: 'half-open' }]);
    expect(Date.parse(health.providers.primary.lastSuccessAt)).toBeGreaterThan(0);
    expect(health.providers.primary.latencyMs.last).toEqual(expect.any(Number));
    expect(health.providers.backup).toMatchObject({ kind: 'anthropic', breaker: 'closed', requests: 0, lastSuccessAt: null });
  });
});

describe('GET /api/cost/:model', () => {
  it('returns the pipeline comparison, or 404 naming the model', async () => {
    const client = createClient({ adapter: scriptedAdapter() });
    const report = { model: 'deepseek-v3.2', relay: { inputPerMTok: 0.42, outputPerMTok: 1.68 }, official: { inputPerMTok: 0.28, outputPerMTok: 0.42 }, savings: { inputPercent: -50, outputPercent: -300 } };
    h = await startHarness({ pipeline: { routes: [{ model: '*', client }], cost: (m) => (m === 'deepseek-v3.2' ? report : undefined) } });
    expect(await (await fetch(`${h.url}/api/cost/deepseek-v3.2`)).json()).toEqual(report);
    const missing = await fetch(`${h.url}/api/cost/unknown-model`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe("No price is known for model 'unknown-model'; add it to the pricing catalog (pricing.catalog)");
  });
});

describe('GET /metrics', () => {
  it('exposes requests, attempts, failovers, breaker state and latency on its own registry', async () => {
    const client = createClient({ adapter: scriptedAdapter('ok', { name: 'primary' }) });
    h = await startHarness({ pipeline: { routes: [{ model: '*', client }], breakers: async () => [{ key: 'primary/fake-model', state: 'open' as const }] } });
    await h.openai.chat.completions.create(hello);
    const res = await fetch(`${h.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('lifeline_requests_total{endpoint="chat.completions",status="200",stream="false",provider="primary",model="fake-model",tenant=""} 1');
    expect(text).toContain('lifeline_upstream_attempts_total{provider="primary",target="primary",model="fake-model",outcome="ok",code=""} 1');
    expect(text).toContain('lifeline_breaker_state{key="primary/fake-model"} 2');
    expect(text).toContain('lifeline_request_duration_seconds_count{provider="primary",model="fake-model",stream="false"} 1');
    expect(text).not.toContain('process_cpu');
  });
});
