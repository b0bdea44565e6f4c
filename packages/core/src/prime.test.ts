import { describe, expect, it } from 'vitest';
import { chunk, textChunks } from '../test/fake-adapter.js';
import { ServerError } from './errors.js';
import { isPrimed, primeStream } from './prime.js';
import type { ChatChunk } from './types.js';

async function* from(chunks: ChatChunk[], failAt?: number) {
  let i = 0;
  for (const c of chunks) {
    if (i++ === failAt) throw new ServerError('broke', { status: 500 });
    yield c;
  }
}

describe('primeStream', () => {
  it('reads up to the first content chunk and replays everything after', async () => {
    const primed = await primeStream(from(textChunks(['a', 'b'])));
    expect(primed.head.map((c) => c.choices[0]?.delta.content)).toEqual(['', 'a']);
    const all: ChatChunk[] = [];
    for await (const c of primed) all.push(c);
    expect(all).toHaveLength(5);
    expect(isPrimed(primed)).toBe(true);
    expect(await primeStream(primed)).toBe(primed);
  });

  it('surfaces a failure before content', async () => {
    await expect(primeStream(from([chunk({ role: 'assistant' }), chunk({ content: 'x' })], 1))).rejects.toThrow('broke');
  });

  it('lets a failure after content reach the reader', async () => {
    const primed = await primeStream(from(textChunks(['a', 'b']), 2));
    const err = await (async () => { for await (const _ of primed); })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
  });

  it('closes the source when the reader stops early', async () => {
    let closed = false;
    async function* src() {
      try { yield* textChunks(['a', 'b', 'c']); } finally { closed = true; }
    }
    const primed = await primeStream(src());
    for await (const c of primed) if (c.choices[0]?.delta.content === 'a') break;
    expect(closed).toBe(true);
  });
});
