import { describe, expect, it } from 'vitest';
import { AbortError, ServerError, StreamInterruptedError, type ChatResult } from '@lifeline/core';
import { chatChunk as chunk, flush, textChunks } from '@lifeline/testing';
import { textResponse } from '../test/fixtures.js';
import { PRICE_PER_TOKEN } from '../test/fake-meter.js';
import { collect, deferred, rejection, req, setup, TTL } from '../test/setup.js';
import { memoryStore, type CacheStore } from './index.js';

describe('single-flight', () => {
  it('100 concurrent identical misses make 1 upstream request', async () => {
    const gate = deferred();
    const { client, adapter, cache: c } = setup({ script: () => gate.promise.then(() => textResponse('shared')) });
    const calls = Array.from({ length: 100 }, () => client.chat(req));
    await flush();
    expect(adapter.calls).toHaveLength(1);
    expect(c.stats().inFlight).toBe(1);
    gate.resolve();
    const results = await Promise.all(calls);
    expect(adapter.calls).toHaveLength(1);
    const statuses = results.map((r) => r.meta.cache);
    expect(statuses[0]).toBe('miss');
    expect(statuses.filter((s) => s === 'coalesced')).toHaveLength(99);
    for (const r of results) expect(r.response.choices[0]!.message.content).toBe('shared');
    const follower = results[1]!;
    expect(follower.meta).toMatchObject({ costUsd: 0, savedUsd: 5 * PRICE_PER_TOKEN, provider: 'fake', model: 'm', attempts: 0 });
    expect(follower.response).not.toBe(results[0]!.response); // followers never share the leader's objects
    expect(c.stats()).toMatchObject({ misses: 1, coalesced: 99, inFlight: 0, entries: 1 });
  });

  it('a leader failure is not cached, and every follower gets the same error', async () => {
    const gate = deferred();
    const error = new ServerError('upstream 503', { provider: 'fake', status: 503 });
    const { client, adapter, cache: c } = setup({
      script: (_r, _c, n) => gate.promise.then(() => { if (n === 0) throw error; }),
    });
    const calls = Array.from({ length: 10 }, () => rejection(client.chat(req)));
    await flush();
    gate.resolve();
    const errors = await Promise.all(calls);
    expect(adapter.calls).toHaveLength(1);
    for (const err of errors) {
      expect(err).toBeInstanceOf(ServerError);
      expect((err as Error).message).toBe('upstream 503');
    }
    expect(c.stats()).toMatchObject({ entries: 0, inFlight: 0 });
    expect((await client.chat(req)).meta.cache).toBe('miss');
  });

  it('followers of a failed leader are served stale like the leader', async () => {
    const gate = deferred();
    const { client, adapter, clock } = setup({
      cache: { staleIfErrorMs: 60_000 },
      script: (_r, _c, n) => (n === 0 ? undefined : gate.promise.then(() => { throw new ServerError('upstream 503'); })),
    });
    await client.chat(req);
    clock.advance(TTL);
    const calls = Array.from({ length: 5 }, () => client.chat(req));
    await flush();
    gate.resolve();
    const results = await Promise.all(calls);
    expect(results.map((r) => r.meta.cache)).toEqual(['stale', 'stale', 'stale', 'stale', 'stale']);
    expect(adapter.calls).toHaveLength(2);
  });

  it("a leader cancelled by its own caller hands over: followers start again, one leads", async () => {
    const gates = [deferred(), deferred()];
    const { client, adapter } = setup({
      script: (_r, call, n) =>
        new Promise<void>((resolve, reject) => {
          call.signal.addEventListener('abort', () => reject(new AbortError('The operation was aborted by the caller')), { once: true });
          void gates[n]!.promise.then(resolve);
        }),
    });
    const controller = new AbortController();
    const leader = rejection(client.chat(req, { signal: controller.signal }));
    const followers = Array.from({ length: 3 }, () => client.chat(req));
    await flush();
    controller.abort();
    const err = await leader;
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).message).toBe('The operation was aborted by the caller');
    await flush();
    expect(adapter.calls).toHaveLength(2);
    gates[1]!.resolve();
    const results = await Promise.all(followers);
    expect(results.map((r) => r.meta.cache).sort()).toEqual(['coalesced', 'coalesced', 'miss']);
  });

  it('a follower that aborts stops waiting; the leader is unaffected', async () => {
    const gate = deferred();
    const { client, cache: c } = setup({ script: () => gate.promise });
    const leader = client.chat(req);
    const controller = new AbortController();
    const follower = rejection(client.chat(req, { signal: controller.signal }));
    await flush();
    controller.abort();
    const err = await follower;
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).message).toBe('The operation was aborted by the caller');
    gate.resolve();
    expect((await leader).meta.cache).toBe('miss');
    expect(c.stats()).toMatchObject({ misses: 1, coalesced: 0, inFlight: 0 });
  });

  it('an aborted follower is released at once: not waiting on the flight, not counted as coalesced', async () => {
    const gate = deferred();
    const { client, cache: c } = setup({ script: () => gate.promise });
    const leader = client.chat(req);
    const controller = new AbortController();
    const follower = rejection(client.chat(req, { signal: controller.signal }));
    const staying = client.chat(req);
    await flush();
    expect(c.stats()).toMatchObject({ inFlight: 1, waiting: 2 });
    controller.abort();
    expect(await follower).toBeInstanceOf(AbortError);
    await flush();
    expect(c.stats()).toMatchObject({ inFlight: 1, waiting: 1 });
    gate.resolve();
    expect((await leader).meta.cache).toBe('miss');
    expect((await staying).meta.cache).toBe('coalesced');
    expect(c.stats()).toMatchObject({ misses: 1, coalesced: 1, inFlight: 0, waiting: 0 });
  });

  it('shares an answer that is not stored (truncated) with the followers that waited for it', async () => {
    const gate = deferred();
    const { client, adapter, cache: c } = setup({ script: () => gate.promise.then(() => textResponse('Once upon a', 'm', 'length')) });
    const calls = [client.chat(req), client.chat(req)];
    await flush();
    gate.resolve();
    const [, follower] = await Promise.all(calls);
    expect(follower!.meta.cache).toBe('coalesced');
    expect(follower!.response.choices[0]!.finish_reason).toBe('length');
    expect(c.stats().entries).toBe(0);
    expect(adapter.calls).toHaveLength(1);
  });

  it('a request arriving while the answer is being written joins the flight: a frozen copy, not the leader objects', async () => {
    const memory = memoryStore();
    const landed = deferred();
    const store: CacheStore = {
      get: (key) => memory.get(key),
      set: () => Promise.reject(new Error('unused')),
      setSerialized: (key, json, ttlMs) => landed.promise.then(() => memory.setSerialized(key, json, ttlMs)),
      delete: (key) => memory.delete(key),
    };
    const { client, adapter, cache: c } = setup({ cache: { store } });
    const leader = await client.chat(req);
    leader.response.choices[0]!.message.content = 'edited by the leader caller';
    const late = [client.chat(req), client.chat(req)];
    await flush();
    expect(c.stats().inFlight).toBe(1);
    const [a, b] = await Promise.all(late);
    expect([a!.meta.cache, b!.meta.cache]).toEqual(['coalesced', 'coalesced']);
    expect(a!.response.choices[0]!.message.content).toBe('Hello world');
    expect(a!.response).toBe(b!.response); // one frozen copy shared by the followers
    expect(Object.isFrozen(a!.response.choices[0]!.message)).toBe(true);
    landed.resolve();
    await flush();
    expect(c.stats()).toMatchObject({ inFlight: 0, entries: undefined, stored: 1 });
    expect((await client.chat(req)).meta.cache).toBe('hit');
    expect(adapter.calls).toHaveLength(1);
  });

  it('does not coalesce with coalesce: false, nor across tenants', async () => {
    const gate = deferred();
    const off = setup({ cache: { coalesce: false }, script: () => gate.promise });
    const a = Array.from({ length: 5 }, () => off.client.chat(req));
    const on = setup({ script: () => gate.promise });
    const b = [on.client.chat(req, { metadata: { tenant: 'acme' } }), on.client.chat(req, { metadata: { tenant: 'globex' } })];
    await flush();
    gate.resolve();
    await Promise.all([...a, ...b]);
    expect(off.adapter.calls).toHaveLength(5);
    expect(on.adapter.calls).toHaveLength(2);
  });
});

describe('single-flight with streams', () => {
  it("followers of a streamed leader wait for its complete recording and replay it (stream and chat followers alike)", async () => {
    const hold = deferred();
    const chunks = textChunks(['Paris', ' is', ' the', ' capital']);
    const { client, adapter } = setup({ script: { chunks, hold: { afterChunks: 2, until: () => hold.promise } } });
    const leader = client.stream(req);
    const leaderChunks = collect(leader);
    const streamFollower = client.stream(req);
    const followerChunks = collect(streamFollower);
    const chatFollower = client.chat(req);
    let chatDone = false;
    void chatFollower.then(() => (chatDone = true));
    await flush();
    expect(chatDone).toBe(false); // the leader's stream has not finished
    hold.resolve();
    expect(await leaderChunks).toEqual(chunks);
    expect(await followerChunks).toEqual(chunks);
    const chat: ChatResult = await chatFollower;
    expect(chat.response.choices[0]!.message.content).toBe('Paris is the capital');
    expect(chat.meta.cache).toBe('coalesced');
    expect((await streamFollower.result).meta.cache).toBe('coalesced');
    expect(adapter.calls).toHaveLength(1);
  });

  it('a streamed leader whose consumer stops early hands over to its followers', async () => {
    const { client, adapter, cache: c } = setup({ script: (_r, _c, n) => ({ chunks: textChunks(n === 0 ? ['a', 'b', 'c'] : ['fresh']) }) });
    const leader = client.stream(req);
    const follower = collect(client.stream(req));
    for await (const ch of leader) {
      if (ch.choices[0]?.delta.content === 'a') {
        await flush();
        expect(adapter.calls).toHaveLength(1); // the follower is waiting on the leader
        break;
      }
    }
    const chunks = await follower;
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('fresh');
    expect(adapter.calls).toHaveLength(2);
    expect(c.stats()).toMatchObject({ misses: 2, coalesced: 0, entries: 1, inFlight: 0 });
  });

  it('a streamed leader that breaks mid-stream passes its error to the followers', async () => {
    const error = new StreamInterruptedError('stream cut after 2 chunks', { provider: 'fake', contentDelivered: true });
    const { client, cache: c } = setup({ script: { chunks: [chunk({ content: 'Par' }), chunk({ content: 'is' }), chunk({}, 'stop')], error, afterChunks: 2 } });
    const leader = client.stream(req);
    const follower = rejection(client.chat(req));
    const leaderError = await rejection(collect(leader));
    expect(leaderError).toBeInstanceOf(StreamInterruptedError);
    const err = await follower;
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect((err as Error).message).toBe('stream cut after 2 chunks');
    expect(c.stats()).toMatchObject({ entries: 0, inFlight: 0 });
  });
});
