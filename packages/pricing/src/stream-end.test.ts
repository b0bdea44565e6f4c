import { type ChatChunk, type TakeableIterator, type Usage, primeStream } from '@lifeline/core';
import { describe, expect, it, vi } from 'vitest';
import { meterStream } from './stream-end.js';

const chunk = (content: string | undefined, usage?: Usage): ChatChunk => ({
  id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm',
  choices: content === undefined ? [] : [{ index: 0, delta: { content }, finish_reason: null }],
  ...(usage ? { usage } : {}),
});
const USAGE: Usage = { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 };
const CHUNKS = [chunk('Hello'), chunk(' brave'), chunk(' world'), chunk(undefined, USAGE)];

async function* source(chunks: ChatChunk[], error?: Error): AsyncGenerator<ChatChunk> {
  for (const c of chunks) yield c;
  if (error) throw error;
}

describe('meterStream', () => {
  it('passes every chunk through unchanged and reports characters and usage once at the end', async () => {
    const onEnd = vi.fn();
    const seen: ChatChunk[] = [];
    for await (const c of meterStream(source(CHUNKS), onEnd)) seen.push(c);
    expect(seen).toEqual(CHUNKS);
    expect(seen[0]).toBe(CHUNKS[0]);
    expect(onEnd.mock.calls).toEqual([[17, USAGE]]);
  });

  it('reports once when the stream fails, and rethrows the error', async () => {
    const onEnd = vi.fn();
    const error = new Error('cut');
    await expect(async () => {
      for await (const _ of meterStream(source(CHUNKS.slice(0, 2), error), onEnd)) void _;
    }).rejects.toThrow(error);
    expect(onEnd.mock.calls).toEqual([[11, undefined]]);
  });

  it('reports once when the consumer breaks out, and closes the source', async () => {
    const onEnd = vi.fn();
    const inner = source(CHUNKS);
    const returned = vi.spyOn(inner, 'return');
    const wrapped = meterStream(inner, onEnd);
    for await (const _ of wrapped) break;
    await wrapped.return!();
    expect(onEnd.mock.calls).toEqual([[5, undefined]]);
    expect(returned).toHaveBeenCalledTimes(2);
    expect(await inner.next()).toEqual({ done: true, value: undefined });
  });

  it('reports (nothing seen) when returned before the first chunk', async () => {
    const onEnd = vi.fn();
    const wrapped = meterStream(source(CHUNKS), onEnd);
    expect(await wrapped.return!()).toEqual({ done: true, value: undefined });
    expect(onEnd.mock.calls).toEqual([[0, undefined]]);
  });

  it('forwards throw() to the source and reports once', async () => {
    const onEnd = vi.fn();
    const wrapped = meterStream(source(CHUNKS), onEnd);
    await wrapped.next();
    await expect(wrapped.throw!(new Error('stop'))).rejects.toThrow('stop');
    expect(onEnd.mock.calls).toEqual([[5, undefined]]);
  });

  it('never breaks the stream when counting or onEnd throws', async () => {
    const odd = { ...chunk('x'), choices: [{ index: 0, delta: { tool_calls: 5 } }] } as unknown as ChatChunk;
    const seen: ChatChunk[] = [];
    const wrapped = meterStream(source([odd, chunk('ok')]), () => {
      throw new Error('observer failed');
    });
    for await (const c of wrapped) seen.push(c);
    expect(seen).toEqual([odd, chunk('ok')]);
  });

  it('accepts a sync iterable, as for await does', async () => {
    const onEnd = vi.fn();
    const seen: ChatChunk[] = [];
    for await (const c of meterStream(CHUNKS as unknown as AsyncIterable<ChatChunk>, onEnd)) seen.push(c);
    expect(seen).toEqual(CHUNKS);
    expect(onEnd.mock.calls).toEqual([[17, USAGE]]);
  });

  it('take(): hands out what the source holds now, counted as next() counts it; undefined when it holds nothing', async () => {
    let i = 0;
    const held: TakeableIterator<ChatChunk> & AsyncIterableIterator<ChatChunk> = {
      take: () => (i > 0 && i < CHUNKS.length ? { value: CHUNKS[i++]!, done: false } : undefined),
      next: async () => (i < CHUNKS.length ? { value: CHUNKS[i++]!, done: false } : { value: undefined, done: true }),
      [Symbol.asyncIterator]: () => held,
    };
    const onEnd = vi.fn();
    const wrapped = meterStream(held, onEnd);
    expect(wrapped.take!()).toBeUndefined(); // the source holds nothing before its first next()
    expect((await wrapped.next()).value).toBe(CHUNKS[0]);
    const taken: ChatChunk[] = [];
    for (let r = wrapped.take!(); r; r = wrapped.take!()) taken.push(r.value);
    expect(taken).toEqual(CHUNKS.slice(1));
    expect(await wrapped.next()).toEqual({ value: undefined, done: true });
    expect(wrapped.take!()).toBeUndefined();
    expect(onEnd.mock.calls).toEqual([[17, USAGE]]);
  });

  it('take() as the first read opens the source: a layer above primes through the meter without a read of its own', async () => {
    let reads = 0;
    const source: AsyncIterableIterator<ChatChunk> = {
      next: async () => (reads < CHUNKS.length ? { value: CHUNKS[reads++]!, done: false } : { value: undefined, done: true }),
      [Symbol.asyncIterator]: () => source,
    };
    const below = await primeStream(source); // holds the opening ('Hello')
    const onEnd = vi.fn();
    const priming = primeStream(meterStream(below, onEnd));
    let settled = false;
    void priming.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(true); // taken through the meter at once
    const above = await priming;
    expect(above.head).toEqual([CHUNKS[0]]);
    expect(reads).toBe(1);
    const all: ChatChunk[] = [];
    for await (const c of above) all.push(c);
    expect(all).toEqual(CHUNKS);
    expect(onEnd.mock.calls).toEqual([[17, USAGE]]); // the taken opening counted as next() counts it
  });

  it('take() of a source without take() is undefined: every chunk comes from next()', async () => {
    const onEnd = vi.fn();
    const wrapped = meterStream(source(CHUNKS), onEnd);
    const seen: ChatChunk[] = [];
    for (let r = await wrapped.next(); !r.done; r = await wrapped.next()) {
      seen.push(r.value);
      expect(wrapped.take!()).toBeUndefined();
    }
    expect(seen).toEqual(CHUNKS);
    expect(onEnd.mock.calls).toEqual([[17, USAGE]]);
  });
});
