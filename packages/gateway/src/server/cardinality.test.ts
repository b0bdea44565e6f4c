import { BadRequestError } from '@lifeline/core';
import { scriptedAdapter } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '../config/types.js';
import { MODELS_PER_TARGET } from '../pipeline/model-slots.js';
import { createGateway, type Gateway } from './create-gateway.js';

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** A quarter of the made-up models are refused upstream (404), the rest answered under a name the upstream made up too. */
function relay() {
  return scriptedAdapter((_request, _call, n) => (n % 4 === 1 ? new BadRequestError('relay: 404 model not found', { provider: 'relay', status: 404 }) : { model: `upstream-says-${n}` }), { name: 'relay' });
}

function build(extra: Partial<GatewayConfigInput> = {}): Gateway {
  return createGateway(
    { server: { logLevel: 'silent' }, providers: { relay: { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1' } }, routes: [{ model: '*', targets: ['relay'] }], retry: false, cache: false, fallback: { enabled: false }, ...extra },
    { pipeline: { adapters: { relay: relay() } } },
  );
}

async function send(g: Gateway, from: number, to: number, batch = 250): Promise<void> {
  for (let i = from; i < to; i += batch) {
    const all = [];
    for (let j = i; j < Math.min(to, i + batch); j++) {
      all.push(g.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: `bogus-${j}-${'x'.repeat(40)}`, messages: [{ role: 'user', content: 'hi' }] } }));
    }
    await Promise.all(all);
  }
}

const labelValues = (metrics: string, label: string) => new Set([...metrics.matchAll(new RegExp(`[{,]${label}="([^"]*)"`, 'g'))].map((m) => m[1]));

/** Distinct `model` label values per value of `by` (`provider` or `target`), over every series. */
function modelsPer(metrics: string, by: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of metrics.split('\n')) {
    const owner = new RegExp(`[{,]${by}="([^"]*)"`).exec(line)?.[1];
    const model = /[{,]model="([^"]*)"/.exec(line)?.[1];
    if (owner === undefined || model === undefined) continue;
    if (!out.has(owner)) out.set(owner, new Set());
    out.get(owner)!.add(model);
  }
  return out;
}

describe('10 000 made-up model names', () => {
  it('leave /metrics, /api/health, breakers and the spend ledger bounded', async () => {
    gateway = build();
    await send(gateway, 0, 400);
    const early = (await gateway.app.inject('/metrics')).body.length;
    await send(gateway, 400, 10_000);
    const metrics = (await gateway.app.inject('/metrics')).body;
    const perProvider = modelsPer(metrics, 'provider');
    expect(perProvider.size).toBeGreaterThan(0);
    for (const [provider, models] of perProvider) expect([provider, models.size <= MODELS_PER_TARGET + 1]).toEqual([provider, true]);
    expect(perProvider.get('relay')?.has('other')).toBe(true);
    expect(labelValues(metrics, 'model').size).toBeLessThanOrEqual(perProvider.size * (MODELS_PER_TARGET + 1));
    expect(metrics.length).toBeLessThan(early * 1.1);
    expect(metrics.length).toBeLessThan(250_000);
    expect(labelValues(metrics, 'key').size).toBeLessThanOrEqual(MODELS_PER_TARGET + 1);
    const breakers = await gateway.pipeline.breakers!();
    expect(breakers.length).toBeLessThanOrEqual(MODELS_PER_TARGET + 1);
    expect(breakers.map((b) => b.key)).toContain('relay/(other)');
    const spend = gateway.pipeline.spend!() as { byModel: unknown[]; total: { requests: number } };
    expect(spend.byModel.length).toBeLessThanOrEqual(2 * (MODELS_PER_TARGET + 1));
    expect(spend.byModel.map((r) => (r as { key: string }).key)).toContain('(other)');
    expect(spend.total.requests).toBe(10_000);
    const health = (await gateway.app.inject('/api/health')).body;
    expect(health.length).toBeLessThan(20_000);
  }, 180_000); // 10 000 requests: about 4 s on an idle machine
});

describe('routes[].models: an allow-list', () => {
  it('answers 404 model_not_found for any other model, without calling upstream, and lists the allowed ones', async () => {
    const adapter = scriptedAdapter('ok', { name: 'relay' });
    gateway = createGateway(
      { server: { logLevel: 'silent' }, providers: { relay: { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1' } }, routes: [{ model: '*', targets: ['relay'], models: ['gpt-4.1', 'deepseek-v3.2'] }] },
      { pipeline: { adapters: { relay: adapter } } },
    );
    const refused = await gateway.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'bogus-1', messages: [{ role: 'user', content: 'hi' }] } });
    expect(refused.statusCode).toBe(404);
    expect(refused.json()).toEqual({ error: { message: "The model 'bogus-1' is not served by this gateway: no route matches it. GET /v1/models lists the models it serves.", type: 'invalid_request_error', param: 'model', code: 'model_not_found' } });
    const ok = await gateway.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] } });
    expect(ok.statusCode).toBe(200);
    expect(adapter.calls.map((c) => c.request.model)).toEqual(['gpt-4.1']);
    expect((await gateway.app.inject('/v1/models')).json().data.map((m: { id: string }) => m.id)).toEqual(['deepseek-v3.2', 'gpt-4.1']);
  });
});
