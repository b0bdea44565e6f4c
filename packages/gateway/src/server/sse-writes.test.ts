/**
 * How writeEventStream() groups its socket writes: chunks that already arrived go out together in
 * one write (taken from the stream without a promise each); a chunk that arrives alone is written
 * at once, without waiting for the end of the event-loop turn.
 */
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Adapter, type ChatChunk, type TakeableIterator, createClient } from '@lifeline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { writeEventStream } from './sse.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const chunk = (content: string, finish: string | null = null): ChatChunk => ({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
const CHUNKS = [chunk('a'), chunk('b'), chunk('c'), chunk('d', 'stop')];

/** All chunks arrive together: the first from next(), the rest held for take(). */
function together(chunks: ChatChunk[]): AsyncIterable<ChatChunk> {
  let i = 0;
  const it: TakeableIterator<ChatChunk> & AsyncIterableIterator<ChatChunk> = {
    take: () => (i > 0 && i < chunks.length ? { value: chunks[i++]!, done: false } : undefined),
    next: async () => (i < chunks.length ? { value: chunks[i++]!, done: false } : { value: undefined, done: true }),
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

/** Each chunk arrives alone, a few turns apart (no take()). */
async function* spaced(chunks: ChatChunk[]): AsyncGenerator<ChatChunk> {
  for (const c of chunks) {
    await new Promise((r) => setTimeout(r, 5));
    yield c;
  }
}

/** Streams `source` through a client and writeEventStream() to a loopback client; returns the server's writes. */
async function writesOf(source: AsyncIterable<ChatChunk>): Promise<{ writes: string[]; body: string }> {
  const adapter: Adapter = { name: 'p', kind: 'test', chat: () => Promise.reject(new Error('not used')), stream: async () => source };
  const writes: string[] = [];
  const server = createServer((req, res: ServerResponse) => {
    req.resume();
    const write = res.write.bind(res) as (data: string) => boolean;
    res.write = ((data: string) => {
      writes.push(data);
      return write(data);
    }) as ServerResponse['write'];
    void (async () => {
      const stream = createClient({ adapter }).stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      const it = stream[Symbol.asyncIterator]();
      await writeEventStream(res, stream, it, await it.next(), { includeUsage: false, headers: {}, secrets: [] });
    })();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const body = await new Promise<string>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
  return { writes, body };
}

const event = (c: ChatChunk) => `data: ${JSON.stringify(c)}\n\n`;

describe('writeEventStream(): socket writes', () => {
  it('chunks that arrived together: the first with the head, the others in one write', async () => {
    const { writes, body } = await writesOf(together(CHUNKS.slice(0, 3)));
    expect(writes).toEqual([event(CHUNKS[0]!), event(CHUNKS[1]!) + event(CHUNKS[2]!)]);
    expect(body).toContain(CHUNKS.slice(0, 3).map(event).join(''));
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('the last batch (a finish reason in it) goes out with the end, in the same write', async () => {
    const { writes, body } = await writesOf(together(CHUNKS));
    expect(writes).toEqual([event(CHUNKS[0]!)]);
    expect(body).toContain(`${CHUNKS.slice(1).map(event).join('')}: lifeline `);
  });

  it('chunks that arrive alone: each written as it arrives (the last one with the end)', async () => {
    const { writes, body } = await writesOf(spaced(CHUNKS));
    expect(writes).toEqual(CHUNKS.slice(0, 3).map(event));
    expect(body).toContain(CHUNKS.map(event).join(''));
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});
