import { describe, expect, it } from 'vitest';
import { chunk, textChunks } from '../test/fake-adapter.js';
import { innermost, type DelegatingIterator } from './delegate.js';
import { createClient } from './client.js';
import { ServerError } from './errors.js';
import { primeStream } from './prime.js';
import { tapStream } from './tap.js';
import type { ChatChunk } from './types.js';

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * A stream whose reads the test answers (`deliver`, `end`, `fail`), as a body whose bytes arrive
 * later; `held` chunks are answered at once. Records the calls it gets.
 */
function controlled(held: ChatChunk[] = []) {
  const log: string[] = [];
  const queue = [...held];
  let waiting: { resolve: (r: IteratorResult<ChatChunk>) => void; reject: (err: unknown) => void } | undefined;
  const it: AsyncIterableIterator<ChatChunk> = {
    next() {
      log.push('next');
      const c = queue.shift();
      if (c) return Promise.resolve({ value: c, done: false });
      return new Promise((resolve, reject) => (waiting = { resolve, reject }));
    },
    async return() {
      log.push('return');
      return DONE;
    },
    [Symbol.asyncIterator]: () => it,
  };
  const answer = () => {
    const w = waiting!;
    waiting = undefined;
    return w;
  };
  return {
    it,
    log,
    deliver: (c: ChatChunk) => answer().resolve({ value: c, done: false }),
    end: () => answer().resolve(DONE),
    fail: (err: unknown) => answer().reject(err),
  };
}

/** Microtask turns until `p` settles (at most 50). */
async function turnsToSettle(p: Promise<unknown>): Promise<number> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let turns = 0; turns < 50; turns++) {
    if (settled) return turns;
    await Promise.resolve();
  }
  return Infinity;
}

const opening = () => [chunk({ role: 'assistant', content: '' }), chunk({ content: 'first' })];

describe('innermost', () => {
  it('follows delegates to the iterator that names none', () => {
    const c: AsyncIterator<number> = { next: async () => DONE };
    const b: DelegatingIterator<number> = { next: async () => DONE, delegate: c };
    const a: DelegatingIterator<number> = { next: async () => DONE, delegate: b };
    expect(innermost(a)).toBe(c);
    expect(innermost(c)).toBe(c);
  });
});

describe('a primed stream steps aside once its head is handed out', () => {
  it('names its source as delegate after the last chunk of its head, not before', async () => {
    const src = controlled(opening());
    const primed = await primeStream(src.it);
    const replay = primed[Symbol.asyncIterator]() as DelegatingIterator<ChatChunk>;
    expect(replay.delegate).toBeUndefined();
    expect((await replay.next()).value).toEqual(chunk({ role: 'assistant', content: '' }));
    expect(replay.delegate).toBeUndefined();
    expect((await replay.next()).value).toEqual(chunk({ content: 'first' }));
    expect(replay.delegate).toBe(src.it);
  });

  it('names none when the stream ended within its head', async () => {
    const primed = await primeStream(
      (async function* () {
        yield* textChunks([]);
      })(),
    );
    const replay = primed[Symbol.asyncIterator]() as DelegatingIterator<ChatChunk>;
    for (let r = await replay.next(); !r.done; r = await replay.next());
    expect(replay.delegate).toBeUndefined();
  });

  it('stacked primes and taps: after the head a chunk crosses only the taps (one turn each), hooks and results unchanged', async () => {
    const src = controlled(opening());
    const seen: string[] = [];
    const tap = (s: AsyncIterable<ChatChunk>, name: string) => tapStream(s, { chunk: (c) => void seen.push(`${name}:${c.choices[0]?.delta.content ?? ''}`) });
    // As in a route: a prime per layer that can still act before content, a tap between each.
    let stream: AsyncIterable<ChatChunk> = await primeStream(tap(src.it, 'a'));
    stream = await primeStream(tap(stream, 'b'));
    stream = await primeStream(stream);
    const top = tap(stream, 'c');
    expect((await top.next()).value).toEqual(chunk({ role: 'assistant', content: '' }));
    expect((await top.next()).value).toEqual(chunk({ content: 'first' }));
    seen.length = 0;

    const read = top.next();
    src.deliver(chunk({ content: 'later' }));
    // A turn per tap, and one to see it settle; through the three replays as well it takes three more.
    expect(await turnsToSettle(read)).toBeLessThanOrEqual(4);
    expect(await read).toEqual({ value: chunk({ content: 'later' }), done: false });
    expect(seen).toEqual(['a:later', 'b:later', 'c:later']);

    const failed = top.next();
    src.fail(new ServerError('cut', { status: 500 }));
    await expect(failed).rejects.toThrow('cut');
    expect(await top.next()).toEqual(DONE);
  });

  it("the client reads its pipeline's primed stream through the replay's delegate once the head is out", async () => {
    const src = controlled(opening());
    const client = createClient({
      adapter: { name: 'p', kind: 'test', chat: () => Promise.reject(new Error('unused')), stream: async () => src.it },
      // The outermost layer primes, as fallbackResponse() does: the client's source reads that replay.
      use: [
        async (ctx, next) => {
          await next();
          ctx.stream = await primeStream(ctx.stream!);
        },
      ],
    });
    const it = client.stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual(chunk({ role: 'assistant', content: '' }));
    expect((await it.next()).value).toEqual(chunk({ content: 'first' }));
    const read = it.next();
    src.deliver(chunk({ content: 'later' }));
    // The terminal's tap, then the client's (the replay is no stage of its own): a turn each, one to see it settle.
    expect(await turnsToSettle(read)).toBeLessThanOrEqual(3);
    expect(await read).toEqual({ value: chunk({ content: 'later' }), done: false });
    const last = it.next();
    src.end();
    expect(await last).toEqual(DONE);
  });

  it('return() from the top still releases the source once the replays stepped aside', async () => {
    const src = controlled(opening());
    let ended: string | undefined;
    const top = tapStream(await primeStream(tapStream(await primeStream(src.it), {})), { finally: (how) => void (ended = how) });
    await top.next();
    await top.next();
    const read = top.next();
    src.deliver(chunk({ content: 'more' }));
    await read;
    expect(await top.return()).toEqual(DONE);
    expect(ended).toBe('stopped');
    expect(src.log.filter((l) => l === 'return')).toEqual(['return']);
  });
});
