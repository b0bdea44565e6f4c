/**
 * A budget settlement whose reply is lost (a proxy between us and Redis drops it and cuts the
 * connection after Redis applied it): settled by reservation id, it is sent again once the
 * connection is back and counted once. Without an id — a caller that does not pass one — the
 * same loss is given up rather than risk counting twice (the reservation stays counted).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type ChatRequest } from '@lifeline/core';
import { budget, createCatalog } from '@lifeline/pricing';
import { createRedisStores, RedisConnection, RedisBudgetStore, type RedisStores } from '../src/index.js';
import { startDropProxy, type DropProxy } from './drop-proxy.js';
import { fakeAdapter } from './fake-adapter.js';
import { redisUrl, uniquePrefix, until } from './helpers.js';

const catalog = createCatalog({ name: 'test', source: 'test prices', effectiveDate: '2026-01-01', models: { 'test-model': { inputPerMTok: 1, outputPerMTok: 10 } } });
const request: ChatRequest = { model: 'test-model', messages: [{ role: 'user', content: 'hello' }], max_tokens: 1000 };
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closers.splice(0)) await close();
});

async function setup(): Promise<{ proxy: DropProxy; stores: RedisStores; direct: RedisBudgetStore; prefix: string }> {
  const proxy = await startDropProxy(redisUrl());
  const prefix = uniquePrefix('lost-reply');
  const stores = createRedisStores({ url: proxy.url, prefix, timeoutMs: 2000, retryAfterMs: 100 });
  const connection = new RedisConnection({ url: redisUrl(), timeoutMs: 2000 }); // straight to Redis, to check what it holds
  closers.push(() => stores.close(), () => connection.close(), () => proxy.close());
  expect(await stores.ready()).toBe(true);
  expect(await connection.ready()).toBe(true);
  return { proxy, stores, direct: new RedisBudgetStore({ connection, prefix }), prefix };
}

describe('when the reply of a budget settlement is lost', () => {
  it('budget() settles by reservation id: the settlement is sent again and the spend counted once', async () => {
    const { proxy, stores, direct } = await setup();
    const windowKey = `day:${new Date().toISOString().slice(0, 10)}`;
    // The upstream call runs between the reservation and the settlement: arm the proxy there.
    const adapter = fakeAdapter({ usage: { prompt_tokens: 10, completion_tokens: 900 }, gate: () => void proxy.dropNextReply() });
    const client = createClient({ adapter, use: [budget({ limitUsd: 1, window: 'day', store: stores.budget, catalog })] });
    expect((await client.chat(request)).response.choices).toHaveLength(1); // settle() resolved: the call is never failed by it
    expect(proxy.dropped).toBe(1);
    // Redis applied it; this process could not know, so it keeps it for a retry.
    expect(await direct.usage('global', windowKey)).toEqual({ spentUsd: 0.00901, reservedUsd: 0 });
    expect(stores.budget.redisStats()).toMatchObject({ deferredSettles: 1, lostSettles: 0 });
    await until('the settlement sent again', () => stores.budget.redisStats().deferredSettles === 0, 10_000);
    expect(stores.budget.redisStats()).toMatchObject({ deferredSettles: 0, lostSettles: 0 });
    expect(await direct.usage('global', windowKey)).toEqual({ spentUsd: 0.00901, reservedUsd: 0 }); // once, not twice
    // The budget is still exact: the next call reserves against $0.00901 spent.
    expect(await stores.budget.reserve('global', 0.5, 1, windowKey)).toMatchObject({ ok: true, remaining: 0.49099 });
  });

  it('a settlement without an id is given up instead (its reservation stays counted until the window ends)', async () => {
    const { proxy, stores, direct } = await setup();
    const windowKey = 'day:2026-11-24';
    await stores.budget.reserve('acme', 0.5, 1, windowKey);
    proxy.dropNextReply();
    await stores.budget.settle('acme', 0.5, 0.2, windowKey); // no id: applying it twice could release another call's reservation
    expect(proxy.dropped).toBe(1);
    expect(stores.budget.redisStats()).toMatchObject({ deferredSettles: 0, lostSettles: 1 });
    expect(await direct.usage('acme', windowKey)).toEqual({ spentUsd: 0.2, reservedUsd: 0 }); // Redis did apply it, once
  });
});
