import { describe, expect, it } from 'vitest';
import { chunk } from '../test/fake-adapter.js';
import type { Adapter } from './adapter.js';
import { createClient } from './client.js';
import { primeStream } from './prime.js';
import { takeFrom, tapStream, type TakeableIterator, type TapEnd } from './tap.js';
import type { ChatChunk } from './types.js';

/**
 * A source that holds `batch` chunks at a time: `take()` hands them out synchronously, `next()`
 * (once they are gone) waits a turn and refills. Records every call.
 */
function batches<T>(items: T[], batch: number) {
  const log: string[] = [];
  let i = 0;
  let held = 0;
  const it: TakeableIterator<T> & AsyncIterableIterator<T> = {
    take() {
      log.push('take');
      if (held === 0 || i >= items.length) return undefined;
      held--;
      return { value: items[i++]!, done: false };
    },
    async next() {
      log.push('next');
      await new Promise((r) => setImmediate(r));
      if (i >= items.length) return { value: undefined, done: true };
      held = batch - 1;
      return { value: items[i++]!, done: false };
    },
    async return() {
      log.push('return');
      i = items.length;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return { it, log };
}

/** `it` behind an iterable that records which of `take()` and `next()` its reader called. */
function spied<T>(it: TakeableIterator<T> & AsyncIterator<T>) {
  const calls: string[] = [];
  const spy: TakeableIterator<T> = {
    take() {
      calls.push('take');
      return takeFrom(it);
    },
    next() {
      calls.push('next');
      return it.next();
    },
    return: () => it.return!(),
  };
  return { iterable: { [Symbol.asyncIterator]: () => spy }, calls };
}

describe('tapStream: take()', () => {
  it('hands out what the source already holds without waiting, through the chunk hook', async () => {
    const { it: source, log } = batches([1, 2, 3, 4, 5, 6], 3);
    const seen: number[] = [];
    const tapped = tapStream(source, { chunk: (c) => c * 10 });
    expect(tapped.take()).toBeUndefined(); // not started: next() opens the source
    expect(await tapped.next()).toEqual({ value: 10, done: false });
    for (let r = tapped.take(); r; r = tapped.take()) seen.push(r.value);
    expect(seen).toEqual([20, 30]);
    expect(log.filter((l) => l === 'next')).toHaveLength(1);
    // next() also takes first: the second batch costs one next() on the source, then takes.
    const rest: number[] = [];
    for (let r = await tapped.next(); !r.done; r = await tapped.next()) rest.push(r.value);
    expect(rest).toEqual([40, 50, 60]);
    expect(log.filter((l) => l === 'next')).toHaveLength(3);
  });

  it('stacked taps take from each other: one next() on the source per batch', async () => {
    const { it: source, log } = batches([1, 2, 3, 4], 4);
    const order: string[] = [];
    const inner = tapStream(source, { chunk: (c) => void order.push(`inner ${c}`) });
    const outer = tapStream(inner, { chunk: (c) => void order.push(`outer ${c}`) });
    const all: number[] = [];
    for await (const c of outer) all.push(c);
    expect(all).toEqual([1, 2, 3, 4]);
    expect(order).toEqual(['inner 1', 'outer 1', 'inner 2', 'outer 2', 'inner 3', 'outer 3', 'inner 4', 'outer 4']);
    expect(log.filter((l) => l === 'next')).toHaveLength(2); // the batch, then the end
  });

  it('a chunk hook that throws on a taken chunk: take() says nothing, the next next() fails, the source is released', async () => {
    const { it: source, log } = batches([1, 2, 3], 3);
    const ends: Array<[TapEnd, unknown]> = [];
    const tapped = tapStream(source, {
      chunk: (c) => {
        if (c === 2) throw new Error('bad chunk 2');
      },
      error: (e) => new Error(`renamed: ${(e as Error).message}`),
      finally: (how, e) => void ends.push([how, (e as Error | undefined)?.message]),
    });
    expect((await tapped.next()).value).toBe(1);
    expect(tapped.take()).toBeUndefined();
    await expect(tapped.next()).rejects.toThrow('renamed: bad chunk 2');
    expect(ends).toEqual([['error', 'renamed: bad chunk 2']]);
    expect(log).toContain('return');
    expect(tapped.take()).toBeUndefined();
    expect(await tapped.next()).toEqual({ value: undefined, done: true });
  });

  it('takes nothing while a next() is in flight, nor after the end', async () => {
    const { it: source } = batches([1, 2], 2);
    const tapped = tapStream(source, {});
    const first = tapped.next();
    expect(tapped.take()).toBeUndefined();
    expect((await first).value).toBe(1);
    expect(tapped.take()).toEqual({ value: 2, done: false });
    expect(await tapped.next()).toEqual({ value: undefined, done: true });
    expect(tapped.take()).toBeUndefined();
  });

  it('takeFrom() of an iterator without take() is undefined', () => {
    expect(takeFrom({ next: async () => ({ value: 1, done: false }) })).toBeUndefined();
  });
});

describe('stacked layers: take() tried once per read', () => {
  it('a next() through taps and a replay tries the source once, then reads it once', async () => {
    const chunks = ['a', 'b', 'c'].map((t) => chunk({ content: t }));
    const { it: source, log } = batches(chunks, 1); // one chunk per read: take() never has one
    let s: AsyncIterable<ChatChunk> = await primeStream(tapStream(source, {}));
    for (let k = 0; k < 5; k++) s = tapStream(s, {});
    const top = s[Symbol.asyncIterator]();
    const seen: string[] = [];
    for (let r = await top.next(); !r.done; r = await top.next()) seen.push(r.value.choices[0]!.delta.content!);
    expect(seen).toEqual(['a', 'b', 'c']);
    // primeStream tried take() (nothing held) and read 'a' ahead; then each read: one take(), one next().
    expect(log).toEqual(['take', 'next', 'take', 'next', 'take', 'next', 'take', 'next']);
  });

  it('a take() that found nothing, then a next() later: the chunk that arrived meanwhile still comes', async () => {
    const { it: source } = batches([1, 2, 3, 4], 2);
    const mid = tapStream(source, {});
    const top = tapStream(mid, {});
    expect(await top.next()).toEqual({ value: 1, done: false });
    expect(top.take()).toEqual({ value: 2, done: false });
    expect(top.take()).toBeUndefined(); // nothing held: mid remembers it tried
    expect(await mid.next()).toEqual({ value: 3, done: false }); // read directly, not through top
    expect(mid.take()).toEqual({ value: 4, done: false });
    expect(await top.next()).toEqual({ value: undefined, done: true });
  });
});

describe('primeStream: take()', () => {
  it('priming a stream that already holds its opening takes it: no next() on the source', async () => {
    const role = chunk({ role: 'assistant' });
    const { it: source, log } = batches([role, chunk({ content: 'a' }), chunk({ content: 'b' })], 3);
    const tapped = tapStream(source, {});
    expect(await tapped.next()).toEqual({ value: role, done: false });
    const { iterable, calls } = spied(tapped);
    const primed = await primeStream(iterable);
    expect(primed.head.map((c) => c.choices[0]?.delta.content)).toEqual(['a']);
    expect(calls).toEqual(['take']);
    expect(log.filter((l) => l === 'next')).toHaveLength(1);
    const rest: ChatChunk[] = [];
    for await (const c of primed) rest.push(c);
    expect(rest.map((c) => c.choices[0]?.delta.content)).toEqual(['a', 'b']);
  });

  it('priming a stream that holds part of its opening takes that part, then reads the rest', async () => {
    const { it: source, log } = batches([chunk({ role: 'assistant' }), chunk({ role: 'assistant' }), chunk({ content: 'a' }), chunk({ content: 'b' })], 2);
    const tapped = tapStream(source, {});
    await tapped.next();
    const { iterable, calls } = spied(tapped);
    const primed = await primeStream(iterable);
    expect(primed.head.map((c) => c.choices[0]?.delta.content ?? 'role')).toEqual(['role', 'a']);
    expect(calls).toEqual(['take', 'take', 'next']); // takes until nothing is held, then reads
    expect(log.filter((l) => l === 'next')).toHaveLength(2);
    const all: ChatChunk[] = [];
    for await (const c of primed) all.push(c);
    expect(all.map((c) => c.choices[0]?.delta.content ?? 'role')).toEqual(['role', 'a', 'b']);
  });

  it('priming through taps not read yet takes the opening held below them: no read, no turn of its own', async () => {
    const { it: source, log } = batches([chunk({ role: 'assistant' }), chunk({ content: 'a' }), chunk({ content: 'b' })], 1);
    // As in a route: a layer primes, the next wraps it in a tap, the one after primes again.
    const below = await primeStream(source);
    const hooked: string[] = [];
    const priming = primeStream(tapStream(tapStream(below, { chunk: (c) => void hooked.push(`inner ${c.choices[0]?.delta.content ?? 'role'}`) }), {}));
    // Taken at once: the primed stream is there when the promise's first reaction runs.
    let settled = false;
    void priming.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(true);
    const primed = await priming;
    expect(primed.head.map((c) => c.choices[0]?.delta.content ?? 'role')).toEqual(['role', 'a']);
    expect(hooked).toEqual(['inner role', 'inner a']);
    expect(log.filter((l) => l === 'next')).toHaveLength(2); // the prime below read the opening; nothing more
    const all: ChatChunk[] = [];
    for await (const c of primed) all.push(c);
    expect(all.map((c) => c.choices[0]?.delta.content ?? 'role')).toEqual(['role', 'a', 'b']);
  });

  it('hands out the chunks read ahead, then what the source already holds', async () => {
    const chunks: ChatChunk[] = [chunk({ role: 'assistant' }), chunk({ content: 'a' }), chunk({ content: 'b' }), chunk({ content: 'c' }), chunk({}, 'stop')];
    const { it: source, log } = batches(chunks, 3);
    const primed = await primeStream(tapStream(source, {}));
    const replay = primed[Symbol.asyncIterator]() as AsyncIterator<ChatChunk> & TakeableIterator<ChatChunk>;
    const seen: ChatChunk[] = [];
    for (let r = replay.take!(); r; r = replay.take!()) seen.push(r.value);
    // The head (role, 'a'), then 'b' which the source held from the same batch.
    expect(seen.map((c) => c.choices[0]?.delta.content ?? 'role')).toEqual(['role', 'a', 'b']);
    const rest: ChatChunk[] = [];
    for (let r = await replay.next(); !r.done; r = await replay.next()) rest.push(r.value);
    expect(rest.map((c) => c.choices[0]?.delta.content ?? c.choices[0]?.finish_reason)).toEqual(['c', 'stop']);
    expect(log.filter((l) => l === 'next')).toHaveLength(3);
  });
});

describe('createClient().stream(): take()', () => {
  const adapterOver = (source: AsyncIterable<ChatChunk>): Adapter => ({ name: 'held', kind: 'test', chat: () => Promise.reject(new Error('not used')), stream: async () => source });
  const chunks = () => [chunk({ role: 'assistant', content: 'a' }), chunk({ content: 'b' }), chunk({ content: 'c' }, 'stop')];

  it("hands out what the pipeline's stream holds, through the client's bookkeeping", async () => {
    const { it: source, log } = batches(chunks(), 3);
    const s = createClient({ adapter: adapterOver(source) }).stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    const it = s[Symbol.asyncIterator]() as AsyncIterator<ChatChunk> & TakeableIterator<ChatChunk>;
    expect(it.take!()).toBeUndefined(); // the pipeline has not run yet
    expect((await it.next()).value!.choices[0]!.delta.content).toBe('a');
    const taken: string[] = [];
    for (let r = it.take!(); r; r = it.take!()) taken.push(r.value.choices[0]!.delta.content!);
    expect(taken).toEqual(['b', 'c']);
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(log.filter((l) => l === 'next')).toHaveLength(2);
    expect((await s.result).response.choices[0]!.message.content).toBe('abc');
  });

  it('a pipeline stream without take(): every chunk comes from next()', async () => {
    async function* plain() {
      yield* chunks();
    }
    const s = createClient({ adapter: adapterOver(plain()) }).stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    const it = s[Symbol.asyncIterator]() as AsyncIterator<ChatChunk> & TakeableIterator<ChatChunk>;
    const seen: string[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) {
      seen.push(r.value.choices[0]!.delta.content!);
      expect(it.take!()).toBeUndefined();
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect((await s.result).response.choices[0]!.message.content).toBe('abc');
  });
});
