import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createClient, ServerError, StreamInterruptedError, type ChatRequest, type Middleware, type Usage } from '@lifeline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type chatResponse, fakeClock, scriptedAdapter, textChunks } from '@lifeline/testing';
import { createCatalog } from './catalog.js';
import { Ledger } from './ledger.js';
import { meter, type CostEvent } from './meter.js';

const request = (model = 'gpt-4.1'): ChatRequest => ({ model, messages: [{ role: 'user', content: 'Hello there, how are you?' }] });
const USAGE: Usage = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 800 } };
const relay = createCatalog({ name: 'relay', source: 'vendor claim', effectiveDate: '2026-11-24', models: { 'gpt-4.1': { inputPerMTok: 8, outputPerMTok: 32 } } });

/** Calls next until it succeeds (like retry(), without backoff). */
const retryOnce: Middleware = async function retryOnce(ctx, next) {
  try {
    await next();
  } catch {
    await next();
  }
};

const events: unknown[] = [];
const onEvent = (msg: unknown) => events.push(msg);
afterEach(() => {
  unsubscribe('lifeline:cost', onEvent);
  events.length = 0;
});

describe('meter: JSON and streams', () => {
  it('prices a JSON call from the reported usage and sets meta.costUsd and meta.usage', async () => {
    const client = createClient({ adapter: scriptedAdapter({ usage: USAGE }), use: [meter()] });
    const { meta } = await client.chat(request());
    expect(meta.costUsd).toBe(0.0048);
    expect(meta.usage).toEqual(USAGE);
  });

  it('gives the identical cost for the same usage on the streaming path', async () => {
    const client = createClient({ adapter: scriptedAdapter({ usage: USAGE }), use: [meter()] });
    const json = await client.chat(request());
    const stream = client.stream(request());
    for await (const _ of stream) void _;
    const { meta } = await stream.result;
    expect(meta.costUsd).toBe(json.meta.costUsd);
    expect(meta.usage).toEqual(json.meta.usage);
    const view = (m: typeof meta) => (m.costByAttempt as unknown as Array<{ costUsd: number; usage: Usage; outcome: string }>).map((a) => [a.outcome, a.costUsd, a.usage]);
    expect(view(meta)).toEqual(view(json.meta));
  });

  it('estimates a stream that carries no usage chunk and flags it estimated', async () => {
    const costs: CostEvent[] = [];
    const client = createClient({ adapter: scriptedAdapter({ usage: null }), use: [meter({ onCost: (e) => costs.push(e) })] });
    const stream = client.stream(request());
    for await (const _ of stream) void _;
    const { meta } = await stream.result;
    // prompt: ceil(25 chars / 4) + 4 per message = 11; completion: ceil(11 / 4) = 3 → 11×2 + 3×8 = 46 µ$
    expect(meta.usage).toEqual({ prompt_tokens: 11, completion_tokens: 3, total_tokens: 14, estimated: true });
    expect(meta.costUsd).toBe(0.000046);
    expect(costs[0]?.estimated).toBe(true);
  });

  it('bills what a stream produced when it breaks mid-way, and still throws', async () => {
    const error = new StreamInterruptedError('cut', { provider: 'fake', contentDelivered: true });
    const client = createClient({ adapter: scriptedAdapter({ text: 'Hello brave new world', usage: null, error, afterChunks: 2 }), use: [meter()] });
    const stream = client.stream(request());
    const seen: string[] = [];
    await expect(async () => {
      for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? '');
    }).rejects.toThrow(StreamInterruptedError);
    expect(seen.join('')).toBe('Hello brave');
    // completion: ceil(11 / 4) = 3 tokens; prompt 11 → 46 µ$
    expect(stream.meta.costUsd).toBe(0.000046);
    expect(stream.meta.usage).toMatchObject({ completion_tokens: 3, estimated: true });
  });

  it('bills the usage seen when the consumer abandons the stream', async () => {
    const chunks = textChunks(['Hello', ' world'], { model: 'gpt-4.1', usage: false });
    chunks.splice(2, 0, { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [], usage: { prompt_tokens: 100, completion_tokens: 7, total_tokens: 107 } });
    const client = createClient({ adapter: scriptedAdapter({ chunks }), use: [meter()] });
    const stream = client.stream(request());
    let n = 0;
    for await (const _ of stream) if (++n === 3) break;
    await expect(stream.result).rejects.toThrow('The stream was stopped before it ended');
    expect(stream.meta.costUsd).toBe(0.000256); // 100×2 + 7×8
  });
});

describe('meter: attempts', () => {
  it('a failed attempt that returned nothing costs 0; the retry is billed', async () => {
    const adapter = scriptedAdapter(
      (_r, _c, n) => {
        if (n === 0) throw new ServerError('overloaded', { provider: 'fake', status: 503 });
      },
      { usage: USAGE },
    );
    const client = createClient({ adapter, use: [meter(), retryOnce] });
    const { meta } = await client.chat(request());
    expect(meta.attempts).toBe(2);
    expect((meta.costByAttempt as unknown as Array<{ costUsd: number; outcome: string }>).map((a) => [a.outcome, a.costUsd])).toEqual([['error', 0], ['ok', 0.0048]]);
    expect(meta.costUsd).toBe(0.0048);
  });

  it('bills a hedged loser that produced tokens', async () => {
    const hedge: Middleware = async function hedge(ctx, next) {
      const [a, b] = [ctx.fork(), ctx.fork()];
      await Promise.all([next(a), next(b)]);
      ctx.adopt(a);
      a.dispose();
      b.dispose();
    };
    const client = createClient({ adapter: scriptedAdapter({ usage: USAGE }), use: [meter(), hedge] });
    const { meta } = await client.chat(request());
    expect(meta.attempts).toBe(2);
    expect(meta.costUsd).toBe(0.0096);
    expect(meta.usage).toEqual({ prompt_tokens: 2000, completion_tokens: 1000, total_tokens: 3000, prompt_tokens_details: { cached_tokens: 1600, cache_write_tokens: 0 } });
  });

  it('prices each attempt with its target catalog (relay for "relay" and "relay:<model>", official for the rest)', async () => {
    const primary = scriptedAdapter(() => { throw new ServerError('down', { provider: 'relay', status: 500 }); }, { name: 'relay', usage: USAGE });
    const swapped = scriptedAdapter({ usage: USAGE }, { name: 'relay:gpt-4.1' });
    const official = scriptedAdapter({ usage: USAGE }, { name: 'openai' });
    for (const [adapter, cost] of [[swapped, 0.024], [official, 0.0048]] as const) {
      const failover: Middleware = async function failover(ctx, next) {
        ctx.target = primary;
        try {
          await next();
        } catch {
          ctx.target = adapter;
          await next();
        }
      };
      const client = createClient({ use: [meter({ catalogs: { relay } }), failover] });
      const { meta } = await client.chat(request());
      expect(meta.costUsd).toBe(cost); // relay: 1000×8 + 500×32 = 24000 µ$ (no cached price: cache reads at the input rate)
    }
  });

  it('a call whose every attempt failed costs 0 and still reports', async () => {
    const costs: CostEvent[] = [];
    const adapter = scriptedAdapter(() => { throw new ServerError('down', { provider: 'fake', status: 500 }); });
    const client = createClient({ adapter, use: [meter({ onCost: (e) => costs.push(e) }), retryOnce] });
    await expect(client.chat(request())).rejects.toThrow(ServerError);
    expect(costs.map((c) => [c.costUsd, c.attempts.length])).toEqual([[0, 2]]);
  });
});

describe('meter: unpriced models, events, cache hits, ledger', () => {
  it('leaves costUsd undefined for an unpriced model and warns (onCost and lifeline:cost)', async () => {
    subscribe('lifeline:cost', onEvent);
    const costs: CostEvent[] = [];
    const client = createClient({ adapter: scriptedAdapter({ usage: USAGE }), use: [meter({ onCost: (e) => costs.push(e) })] });
    const { meta } = await client.chat(request('my-finetune-v7'));
    expect(meta.costUsd).toBeUndefined();
    expect(costs[0]?.warnings).toEqual(['no price for model "my-finetune-v7" (target "fake") in catalog "genai-prices": cost unknown']);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ provider: 'fake', model: 'my-finetune-v7', costUsd: undefined, usage: USAGE });
  });

  it('publishes lifeline:cost once per call with provider, model, cost and usage', async () => {
    subscribe('lifeline:cost', onEvent);
    const client = createClient({ adapter: scriptedAdapter({ usage: USAGE }), use: [meter()] });
    await client.chat(request(), { metadata: { tenant: 'acme' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ provider: 'fake', model: 'gpt-4.1', tenant: 'acme', costUsd: 0.0048, usage: USAGE, estimated: false, warnings: [] });
  });

  it('builds the cost event only for a reader: none without ledger, onCost or subscriber; one shared by all of them', async () => {
    let built = 0;
    const tenant = { toString: () => (built++, 'acme') };
    const client = createClient({ adapter: scriptedAdapter({ usage: USAGE }), use: [meter()] });
    const { meta } = await client.chat(request(), { metadata: { tenant } });
    expect(meta.costUsd).toBe(0.0048);
    expect(built).toBe(0);

    subscribe('lifeline:cost', onEvent);
    const costs: CostEvent[] = [];
    const ledger = new Ledger();
    const read = createClient({ adapter: scriptedAdapter({ usage: USAGE }), use: [meter({ onCost: (e) => costs.push(e), ledger })] });
    await read.chat(request(), { metadata: { tenant } });
    expect(built).toBe(1);
    expect(events).toEqual([costs[0]]);
    expect(costs[0]).toMatchObject({ tenant: 'acme', costUsd: 0.0048 });
    expect(ledger.totals({ by: 'tenant' })).toMatchObject([{ key: 'acme', costUsd: 0.0048 }]);
  });

  it('sets savedUsd when the cache answered (meter placed outside the cache)', async () => {
    let stored: ReturnType<typeof chatResponse> | undefined;
    const fakeCache: Middleware = async function fakeCache(ctx, next) {
      if (stored) {
        ctx.response = stored;
        ctx.meta.cache = 'hit';
        ctx.meta.costUsd = 0;
        return;
      }
      await next();
      stored = ctx.response;
      ctx.meta.cache = 'miss';
    };
    const ledger = new Ledger();
    const client = createClient({ adapter: scriptedAdapter({ usage: USAGE }), use: [meter({ ledger }), fakeCache] });
    const first = await client.chat(request());
    const second = await client.chat(request());
    expect([first.meta.costUsd, first.meta.savedUsd]).toEqual([0.0048, undefined]);
    expect([second.meta.costUsd, second.meta.savedUsd]).toEqual([0, 0.0048]);
    expect(ledger.totals({ by: 'model' })).toMatchObject([{ key: 'gpt-4.1', costUsd: 0.0048, savedUsd: 0.0048, requests: 1, cacheHits: 1, promptTokens: 1000 }]);
  });

  it('feeds the ledger by provider, model, tenant and day', async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 24, 23, 59, 0));
    const ledger = new Ledger();
    const a = createClient({ adapter: scriptedAdapter({ usage: USAGE }, { name: 'relay' }), use: [meter({ ledger, catalogs: { relay } })], clock });
    const b = createClient({ adapter: scriptedAdapter({ usage: USAGE }, { name: 'openai' }), use: [meter({ ledger })], clock });
    await a.chat(request(), { metadata: { tenant: 'acme' } });
    await b.chat(request('gpt-4o-mini'), { metadata: { tenant: 'acme' } });
    await clock.advanceAsync(120_000);
    await b.chat(request());
    expect(ledger.totals({ by: 'provider' }).map((t) => [t.key, t.costUsd, t.requests])).toEqual([['relay', 0.024, 1], ['openai', 0.00519, 2]]);
    expect(ledger.totals({ by: 'tenant' }).map((t) => [t.key, t.costUsd])).toEqual([['acme', 0.02439], ['(none)', 0.0048]]);
    expect(ledger.totals({ by: 'day' }).map((t) => [t.key, t.costUsd])).toEqual([['2026-11-24', 0.02439], ['2026-11-25', 0.0048]]);
    expect(ledger.totals({ by: 'model' }).map((t) => [t.key, t.promptTokens, t.cachedTokens])).toEqual([['gpt-4.1', 2000, 1600], ['gpt-4o-mini', 1000, 800]]);
  });

  it('rejects a catalog that is not one', () => {
    expect(() => meter({ catalog: {} as never })).toThrow('meter: catalog must have a get(model) method, got [object Object]');
    expect(() => meter({ catalogs: { relay: null as never } })).toThrow('meter: catalogs.relay must have a get(model) method, got null');
  });
});
