import { describe, expect, it } from 'vitest';
import { tapStream, type TapEnd } from './tap.js';

/** A source over `items` that records what happened to it; throws `failWith` after the items when given. */
function source(items: number[], failWith?: Error) {
  const log: string[] = [];
  const iterable = {
    async *[Symbol.asyncIterator]() {
      log.push('open');
      try {
        for (const i of items) yield i;
        if (failWith) throw failWith;
      } finally {
        log.push('closed');
      }
    },
  };
  return { iterable, log };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('tapStream', () => {
  it('passes every chunk through and reports a completed stream once, after end()', async () => {
    const { iterable, log } = source([1, 2, 3]);
    const seen: number[] = [];
    const ends: string[] = [];
    const tapped = tapStream(iterable, {
      chunk: (c) => void seen.push(c),
      end: async () => void ends.push('end'),
      finally: (how) => void ends.push(how),
    });
    expect(await collect(tapped)).toEqual([1, 2, 3]);
    expect(seen).toEqual([1, 2, 3]);
    expect(ends).toEqual(['end', 'done']);
    expect(log).toEqual(['open', 'closed']);
    expect(await tapped.next()).toEqual({ value: undefined, done: true });
  });

  it('passes on the chunk chunk() returns', async () => {
    const { iterable } = source([1, 2]);
    expect(await collect(tapStream(iterable, { chunk: (c) => c * 10 }))).toEqual([10, 20]);
  });

  it('a failing source: error() replaces the error and finally() sees the replacement', async () => {
    const { iterable } = source([1], new Error('boom'));
    const ends: Array<[TapEnd, unknown]> = [];
    const tapped = tapStream(iterable, { error: (e) => new Error(`renamed: ${(e as Error).message}`), finally: (how, e) => void ends.push([how, e]) });
    await expect(collect(tapped)).rejects.toThrow('renamed: boom');
    expect(ends.map(([how, e]) => [how, (e as Error).message])).toEqual([['error', 'renamed: boom']]);
    expect(await tapped.next()).toEqual({ value: undefined, done: true });
  });

  it('a chunk() that throws releases the source and fails the stream with its error', async () => {
    const { iterable, log } = source([1, 2, 3]);
    const ends: TapEnd[] = [];
    const tapped = tapStream(iterable, {
      chunk: (c) => {
        if (c === 2) throw new Error('bad chunk 2');
      },
      finally: (how) => void ends.push(how),
    });
    await expect(collect(tapped)).rejects.toThrow('bad chunk 2');
    await Promise.resolve();
    expect(log).toEqual(['open', 'closed']);
    expect(ends).toEqual(['error']);
  });

  it('an end() that throws fails the stream', async () => {
    const { iterable } = source([1]);
    const ends: TapEnd[] = [];
    const tapped = tapStream(iterable, { end: () => Promise.reject(new Error('end failed')), finally: (how) => void ends.push(how) });
    await expect(collect(tapped)).rejects.toThrow('end failed');
    expect(ends).toEqual(['error']);
  });

  it('hooks that return nothing: end() and finally("done") run before the consumer sees the end', async () => {
    const { iterable } = source([1]);
    const ends: string[] = [];
    const tapped = tapStream(iterable, { end: () => void ends.push('end'), finally: (how) => void ends.push(how) });
    expect(await tapped.next()).toEqual({ value: 1, done: false });
    expect(ends).toEqual([]);
    expect(await tapped.next()).toEqual({ value: undefined, done: true });
    expect(ends).toEqual(['end', 'done']);
  });

  it('a finally("done") that returns a promise is awaited before the consumer sees the end', async () => {
    const { iterable } = source([1]);
    const ends: string[] = [];
    const tapped = tapStream(iterable, {
      finally: async (how) => {
        await new Promise((r) => setTimeout(r, 5));
        ends.push(how);
      },
    });
    expect(await collect(tapped)).toEqual([1]);
    expect(ends).toEqual(['done']);
  });

  it('an end() that throws at once, or a finally("done") that throws or rejects, fails the stream with its error', async () => {
    const ends: TapEnd[] = [];
    const a = tapStream(source([1]).iterable, {
      end: () => {
        throw new Error('end threw');
      },
      finally: (how) => void ends.push(how),
    });
    await expect(collect(a)).rejects.toThrow('end threw');
    expect(ends).toEqual(['error']);
    const b = tapStream(source([1]).iterable, {
      finally: () => {
        throw new Error('finally threw');
      },
    });
    await expect(collect(b)).rejects.toThrow('finally threw');
    expect(await b.next()).toEqual({ value: undefined, done: true });
    const c = tapStream(source([1]).iterable, { finally: () => Promise.reject(new Error('finally rejected')) });
    await expect(collect(c)).rejects.toThrow('finally rejected');
  });

  it('a consumer that breaks out: the source is released, then finally("stopped") runs and is awaited', async () => {
    const { iterable, log } = source([1, 2, 3]);
    const ends: TapEnd[] = [];
    const tapped = tapStream(iterable, {
      finally: async (how) => {
        await new Promise((r) => setTimeout(r, 5));
        ends.push(how);
      },
    });
    for await (const c of tapped) if (c === 1) break;
    expect(log).toEqual(['open', 'closed']);
    expect(ends).toEqual(['stopped']);
    expect(await tapped.next()).toEqual({ value: undefined, done: true });
  });

  it('return() before the first next() opens nothing and runs no hook (as an async generator)', async () => {
    const { iterable, log } = source([1]);
    const ends: TapEnd[] = [];
    const tapped = tapStream(iterable, { finally: (how) => void ends.push(how) });
    expect(await tapped.return()).toEqual({ value: undefined, done: true });
    expect(log).toEqual([]);
    expect(ends).toEqual([]);
    expect(await tapped.next()).toEqual({ value: undefined, done: true });
  });

  it('return() during a pending next() waits for it, then releases the source', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const iterable = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          await gate;
          order.push('next settled');
          return { value: 1, done: false as const };
        },
        return: async () => {
          order.push('source returned');
          return { value: undefined, done: true as const };
        },
      }),
    };
    const tapped = tapStream(iterable, { finally: (how) => void order.push(how) });
    const first = tapped.next();
    const stopped = tapped.return();
    release();
    expect(await first).toEqual({ value: 1, done: false });
    await stopped;
    expect(order).toEqual(['next settled', 'source returned', 'stopped']);
  });

  it('an error thrown by the source’s return() surfaces after finally("stopped")', async () => {
    const iterable = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ value: 1, done: false as const }),
        return: async (): Promise<IteratorReturnResult<undefined>> => {
          throw new Error('could not release');
        },
      }),
    };
    const ends: TapEnd[] = [];
    const tapped = tapStream(iterable, { finally: (how) => void ends.push(how) });
    await tapped.next();
    await expect(tapped.return()).rejects.toThrow('could not release');
    expect(ends).toEqual(['stopped']);
  });
});
