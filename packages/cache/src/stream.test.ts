import { describe, expect, it } from 'vitest';
import { responseToChunks, ServerError, StreamInterruptedError } from '@lifeline/core';
import { chatChunk as chunk, flush, textChunks } from '@lifeline/testing';
import { textResponse, toolCallChunks } from '../test/fixtures.js';
import { PRICE_PER_TOKEN } from '../test/fake-meter.js';
import { collect, deferred, rejection, req, setup, TTL } from '../test/setup.js';

describe('cache: stream record and replay', () => {
  it('records a streamed miss and replays it chunk for chunk on a stream hit', async () => {
    const chunks = textChunks(['Paris', ' is', ' the', ' capital']);
    const { client, adapter } = setup({ script: { chunks } });
    const first = client.stream(req);
    const firstChunks = await collect(first);
    const firstResult = await first.result;
    expect(firstResult.meta).toMatchObject({ cache: 'miss', costUsd: 7 * PRICE_PER_TOKEN });

    const second = client.stream(req);
    const secondChunks = await collect(second);
    expect(secondChunks).toEqual(firstChunks);
    expect(secondChunks).toEqual(chunks);
    const { response, meta } = await second.result;
    expect(response).toEqual(firstResult.response);
    expect(meta).toMatchObject({ cache: 'hit', costUsd: 0, savedUsd: 7 * PRICE_PER_TOKEN, provider: 'fake', model: 'm', attempts: 0 });
    expect(adapter.calls).toHaveLength(1);
  });

  it('replays tool calls, finish reason and usage faithfully; chat() gets the assembled response', async () => {
    const { client, adapter } = setup({ script: { chunks: toolCallChunks() } });
    const recorded = await collect(client.stream(req));
    expect(await collect(client.stream(req))).toEqual(recorded);
    const { response, meta } = await client.chat(req);
    expect(meta.cache).toBe('hit');
    expect(response.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
      finish_reason: 'tool_calls',
      logprobs: null,
    });
    expect(response.usage).toEqual({ prompt_tokens: 20, completion_tokens: 12, total_tokens: 32 });
    expect(adapter.calls).toHaveLength(1);
  });

  it('replays a JSON answer on a stream() call through responseToChunks', async () => {
    const { client, adapter } = setup({ script: () => textResponse('from chat') });
    const { response } = await client.chat(req);
    const replayed = await collect(client.stream(req));
    expect(replayed).toEqual(responseToChunks(response));
    expect(adapter.calls).toHaveLength(1);
  });

  it('adds no latency: each chunk reaches the consumer before the next one exists upstream', async () => {
    const hold = deferred();
    const { client } = setup({ script: { chunks: textChunks(['first', 'second']), hold: { afterChunks: 1, until: () => hold.promise } } });
    const it = client.stream(req)[Symbol.asyncIterator]();
    expect((await it.next()).value.choices[0].delta.role).toBe('assistant');
    expect((await it.next()).value.choices[0].delta.content).toBe('first');
    hold.resolve();
    const rest = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
    expect(rest.map((c) => c.choices[0]?.delta.content ?? c.choices[0]?.finish_reason ?? 'usage')).toEqual(['second', 'stop', 'usage']);
  });

  it('stores what the consumer received, even if the consumer mutates the chunks', async () => {
    const { client } = setup({ script: { chunks: textChunks(['Paris']) } });
    for await (const c of client.stream(req)) {
      if (c.choices[0]?.delta.content === 'Paris') c.choices[0].delta.content = 'London';
    }
    const replay = await collect(client.stream(req));
    expect(replay.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Paris');
  });
});

describe('cache: partial streams are never stored', () => {
  it('a stream that fails mid-way', async () => {
    const error = new StreamInterruptedError('stream cut after 2 chunks', { provider: 'fake', contentDelivered: true });
    const { client, adapter, cache: c } = setup({ script: { chunks: textChunks(['a', 'b', 'c']), error, afterChunks: 1 } });
    const err = await rejection(collect(client.stream(req)));
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect((err as Error).message).toBe('stream cut after 2 chunks');
    expect(c.stats().entries).toBe(0);
    await rejection(collect(client.stream(req)));
    expect(adapter.calls).toHaveLength(2);
  });

  it('a stream the consumer stopped reading', async () => {
    const { client, cache: c } = setup({ script: { chunks: textChunks(['a', 'b', 'c']) } });
    for await (const ch of client.stream(req)) if (ch.choices[0]?.delta.content === 'a') break;
    await flush();
    expect(c.stats()).toMatchObject({ entries: 0, inFlight: 0 });
  });

  it('a stream that ended without a finish_reason (a relay that dropped the connection cleanly)', async () => {
    const { client, cache: c } = setup({ script: { chunks: textChunks(['a', 'b'], { finishReason: null }) } });
    await collect(client.stream(req));
    expect(c.stats().entries).toBe(0);
  });

  it("a stream that finished with 'length', unless cacheTruncated", async () => {
    const a = setup({ script: { chunks: textChunks(['Once', ' upon'], { finishReason: 'length' }) } });
    await collect(a.client.stream(req));
    expect(a.cache.stats().entries).toBe(0);
    const b = setup({ cache: { cacheTruncated: true }, script: { chunks: textChunks(['Once', ' upon'], { finishReason: 'length' }) } });
    await collect(b.client.stream(req));
    expect(b.cache.stats().entries).toBe(1);
  });

  it('a stream with one choice finished and another not (n > 1 allowed by a custom when)', async () => {
    const chunks = [chunk({ content: 'a' }), { ...chunk({ content: 'b' }), choices: [{ index: 1, delta: { content: 'b' }, finish_reason: null }] }, chunk({}, 'stop')];
    const { client, cache: c } = setup({ cache: { when: () => true }, script: { chunks } });
    await collect(client.stream({ ...req, n: 2 }));
    expect(c.stats().entries).toBe(0);
  });
});

describe('cache: stale answers on stream calls', () => {
  it('replays the stale recording when the stream cannot be opened', async () => {
    const { client, clock } = setup({
      cache: { staleIfErrorMs: 60_000 },
      script: (_r, _c, n) => {
        if (n > 0) throw new ServerError('overloaded', { status: 529 });
        return { chunks: textChunks(['cached']) };
      },
    });
    const recorded = await collect(client.stream(req));
    clock.advance(TTL);
    const stale = client.stream(req);
    expect(await collect(stale)).toEqual(recorded);
    expect((await stale.result).meta).toMatchObject({ cache: 'stale', attempts: 1 });
  });

  it('replays the stale recording when the stream fails before its first token', async () => {
    const error = new ServerError('overloaded', { status: 529 });
    const { client, clock } = setup({
      cache: { staleIfErrorMs: 60_000 },
      script: (_r, _c, n) => ({ chunks: textChunks(['cached']), ...(n > 0 ? { error, afterChunks: 0 } : {}) }),
    });
    const recorded = await collect(client.stream(req));
    clock.advance(TTL);
    const stale = client.stream(req);
    expect(await collect(stale)).toEqual(recorded);
    expect((await stale.result).meta.cache).toBe('stale');
  });

  it('cannot take back content already delivered: a failure after the first token keeps its error', async () => {
    const error = new StreamInterruptedError('stream cut after 2 chunks', { contentDelivered: true });
    const { client, clock } = setup({
      cache: { staleIfErrorMs: 60_000 },
      script: (_r, _c, n) => ({ chunks: textChunks(['cached', 'answer']), ...(n > 0 ? { error, afterChunks: 1 } : {}) }),
    });
    await collect(client.stream(req));
    clock.advance(TTL);
    const err = await rejection(collect(client.stream(req)));
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect((err as Error).message).toBe('stream cut after 2 chunks');
  });
});
