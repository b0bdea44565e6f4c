import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, ConnectionError, StreamInterruptedError, TimeoutError, type Cancellation } from '@lifeline/core';
import { startServer, writeSlowly, type TestServer } from '../../test/http-server.js';
import { readText } from './body.js';
import { HttpPool } from './pool.js';
import { send } from './send.js';
import { SseReader, type EventSourceMessage } from './sse.js';

let server: TestServer | undefined;
let pool: HttpPool | undefined;

afterEach(async () => {
  await pool?.close();
  await server?.close();
  pool = undefined;
  server = undefined;
});

const SSE_HEAD = { 'content-type': 'text/event-stream' };

async function open(options: Partial<ConstructorParameters<typeof SseReader>[1]> = {}, poolOptions = {}) {
  pool ??= new HttpPool(poolOptions);
  const res = await send(pool, { url: `${server!.url}/stream`, provider: 'p', body: '{}', signal: options.signal });
  return new SseReader(res.body, { provider: 'p', label: 'openai p', ...options });
}

async function collect(reader: SseReader): Promise<EventSourceMessage[]> {
  const out: EventSourceMessage[] = [];
  for await (const e of reader) out.push(e);
  return out;
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

describe('SseReader', () => {
  it('parses events split across packets, CRLF, comments and multi-line data', async () => {
    const wire = ': keep-alive\r\n\r\ndata: {"a":\r\ndata: 1}\r\n\r\n: OPENROUTER PROCESSING\n\nevent: error\ndata: {"b":2}\n\ndata: [DONE]\n\n';
    server = await startServer(async (_q, res) => {
      res.writeHead(200, SSE_HEAD);
      await writeSlowly(res, wire.match(/[\s\S]{1,3}/g)!, 1);
      res.end();
    });
    const events = await collect(await open());
    expect(events.map((e) => [e.event, e.data])).toEqual([
      [undefined, '{"a":\n1}'],
      ['error', '{"b":2}'],
      [undefined, '[DONE]'],
    ]);
  });

  it('splits a multi-byte character across packets without corrupting it', async () => {
    const bytes = Buffer.from('data: {"t":"héllo ✓"}\n\n');
    server = await startServer(async (_q, res) => {
      res.writeHead(200, SSE_HEAD);
      for (const b of bytes) {
        res.write(Buffer.from([b]));
        await new Promise((r) => setTimeout(r, 0));
      }
      res.end();
    });
    expect((await collect(await open())).map((e) => e.data)).toEqual(['{"t":"héllo ✓"}']);
  });

  it('dispatches a last event the body ended without a blank line', async () => {
    server = await startServer((_q, res) => {
      res.writeHead(200, SSE_HEAD);
      res.end('data: {"x":1}\n\ndata: {"y":2}');
    });
    expect((await collect(await open())).map((e) => e.data)).toEqual(['{"x":1}', '{"y":2}']);
  });

  it('turns a cut connection into a retryable StreamInterruptedError with contentDelivered', async () => {
    server = await startServer((_q, res) => {
      res.writeHead(200, SSE_HEAD);
      res.write('data: {"x":1}\n\n');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const reader = await open({ contentDelivered: () => true, requestId: 'req_9' });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const e of reader) seen.push(e.data);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['{"x":1}']);
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err).toMatchObject({ retryable: true, contentDelivered: true, provider: 'p', requestId: 'req_9' });
    expect((err as Error).message).toMatch(/^openai p: stream cut — connection failed — (terminated|other side closed)/);
    expect((err as Error).cause).toBeInstanceOf(ConnectionError);
  });

  it('rejects promptly with the abort reason when the signal aborts mid-stream, and closes the socket', async () => {
    server = await startServer((_q, res) => {
      res.writeHead(200, SSE_HEAD);
      res.write('data: {"x":1}\n\n');
      // then stall
    });
    const ac = new AbortController();
    const reason = new TimeoutError('Timeout: stream went silent for 50 ms (idleMs)', { kind: 'idle', timeoutMs: 50 });
    const reader = await open({ signal: ac.signal });
    const it = reader[Symbol.asyncIterator]();
    expect((await it.next()).value?.data).toBe('{"x":1}');
    const pending = it.next();
    setTimeout(() => ac.abort(reason), 5);
    await expect(pending).rejects.toBe(reason);
    await server.socketClosed(0);
  });

  describe('following the call through its cancellation', () => {
    /** A cancellation over `ac` (as core's context is): its listeners, and an abort that reaches both. */
    function cancellation(ac: AbortController) {
      const listeners = new Set<(reason: unknown) => void>();
      const c: Cancellation = {
        get aborted() {
          return ac.signal.aborted;
        },
        get reason() {
          return ac.signal.reason;
        },
        signal: ac.signal,
        onAbort(fn) {
          listeners.add(fn);
          return () => listeners.delete(fn);
        },
      };
      return { c, listeners, abort: (reason: unknown) => (ac.abort(reason), [...listeners].forEach((fn) => fn(reason))) };
    }
    const stalling = () =>
      startServer((_q, res) => {
        res.writeHead(200, SSE_HEAD);
        res.write('data: {"x":1}\n\n');
      });

    it('its signal being the signal: no listener on the signal; an abort rejects promptly and closes the socket', async () => {
      server = await stalling();
      pool = new HttpPool();
      const ac = new AbortController();
      const { c, listeners, abort } = cancellation(ac);
      const res = await send(pool, { url: `${server.url}/stream`, provider: 'p', body: '{}', signal: ac.signal, cancellation: c });
      const it = new SseReader(res.body, { provider: 'p', label: 'openai p', signal: ac.signal, cancellation: c })[Symbol.asyncIterator]();
      expect((await it.next()).value?.data).toBe('{"x":1}');
      expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
      expect(listeners.size).toBeGreaterThanOrEqual(1);
      const pending = it.next();
      const reason = new AbortError('stop', { provider: 'p' });
      setTimeout(() => abort(reason), 5);
      await expect(pending).rejects.toBe(reason);
      await server.socketClosed(0);
    });

    it('a cancellation of another signal: the signal is listened to instead, and its abort still rejects', async () => {
      server = await stalling();
      pool = new HttpPool();
      const ac = new AbortController();
      const other = cancellation(new AbortController());
      const res = await send(pool, { url: `${server.url}/stream`, provider: 'p', body: '{}', signal: ac.signal });
      const it = new SseReader(res.body, { provider: 'p', label: 'openai p', signal: ac.signal, cancellation: other.c })[Symbol.asyncIterator]();
      expect((await it.next()).value?.data).toBe('{"x":1}');
      expect(getEventListeners(ac.signal, 'abort').length).toBeGreaterThanOrEqual(1);
      expect(other.listeners.size).toBe(0);
      const pending = it.next();
      const reason = new AbortError('stop', { provider: 'p' });
      setTimeout(() => ac.abort(reason), 5);
      await expect(pending).rejects.toBe(reason);
      await server.socketClosed(0);
    });

    it('stops following once the stream is over', async () => {
      server = await startServer((_q, res) => {
        res.writeHead(200, SSE_HEAD);
        res.end('data: {"x":1}\n\ndata: [DONE]\n\n');
      });
      pool = new HttpPool();
      const ac = new AbortController();
      const { c, listeners } = cancellation(ac);
      const res = await send(pool, { url: `${server.url}/stream`, provider: 'p', body: '{}', signal: ac.signal, cancellation: c });
      const events = await collect(new SseReader(res.body, { provider: 'p', label: 'openai p', signal: ac.signal, cancellation: c }));
      expect(events.map((e) => e.data)).toEqual(['{"x":1}', '[DONE]']);
      expect(listeners.size).toBe(0);
    });
  });

  it('rejects with AbortError when the caller aborts', async () => {
    server = await startServer((_q, res) => {
      res.writeHead(200, SSE_HEAD);
      res.write(': hi\n\n');
    });
    const ac = new AbortController();
    const reader = await open({ signal: ac.signal });
    setTimeout(() => ac.abort(), 5);
    const err = await collect(reader).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).provider).toBe('p');
  });

  it('destroys the body (closes the socket) when the consumer breaks out early', async () => {
    server = await startServer((_q, res) => {
      res.writeHead(200, SSE_HEAD);
      res.write('data: 1\n\ndata: 2\n\n');
    });
    const reader = await open();
    for await (const e of reader) {
      expect(e.data).toBe('1');
      break;
    }
    await server.socketClosed(0);
    expect(server.open).toBe(0);
  });

  it('drains after complete() so the socket is reused by the next request', async () => {
    server = await startServer(async (_q, res) => {
      res.writeHead(200, SSE_HEAD);
      res.write('data: 1\n\ndata: [DONE]\n\n');
      await new Promise((r) => setTimeout(r, 20));
      res.end();
    });
    const reader = await open();
    for await (const e of reader) {
      if (e.data === '[DONE]') {
        reader.complete();
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 60));
    const res = await send(pool!, { url: `${server.url}/stream`, provider: 'p', body: '{}' });
    await readText(res.body, { provider: 'p', label: 'p' });
    expect(server.connections).toBe(1);
  });

  it('fails with StreamInterruptedError rather than buffering an unbounded event', async () => {
    server = await startServer((_q, res) => {
      res.writeHead(200, SSE_HEAD);
      res.write(`data: ${'x'.repeat(5_000)}`);
    });
    const err = await collect(await open({ maxEventSize: 1_000 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect((err as Error).message).toBe('openai p: stream event larger than 1000 characters');
    await server.socketClosed(0);
  });

  it('pauses the body while the consumer lags behind, and still delivers every event in order', async () => {
    const n = 2_000;
    server = await startServer((_q, res) => {
      res.writeHead(200, SSE_HEAD);
      res.end(Array.from({ length: n }, (_, i) => `data: ${i}\n\n`).join(''));
    });
    pool = new HttpPool({});
    const sent = await send(pool, { url: `${server.url}/stream`, provider: 'p', body: '{}' });
    const reader = new SseReader(sent.body, { provider: 'p', label: 'openai p' });
    const it = reader[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value?.data).toBe('0');
    // The consumer stalls: the body stops flowing instead of being parsed all ahead of it.
    await new Promise((r) => setTimeout(r, 30));
    expect(sent.body.isPaused()).toBe(true);
    const seen = [first.value!.data];
    for (let r = await it.next(); !r.done; r = await it.next()) seen.push(r.value.data);
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => String(i)));
  });

  it('a read waiting for the body settles with the event as soon as it arrives: one promise, no second next()', async () => {
    let sendSecond!: () => void;
    const second = new Promise<void>((r) => (sendSecond = r));
    server = await startServer(async (_q, res) => {
      res.writeHead(200, SSE_HEAD);
      res.write('data: 1\n\n');
      await second;
      res.end('data: 2\n\n');
    });
    pool = new HttpPool({});
    const sent = await send(pool, { url: `${server.url}/stream`, provider: 'p', body: '{}' });
    const it = new SseReader(sent.body, { provider: 'p', label: 'openai p' })[Symbol.asyncIterator]();
    expect((await it.next()).value?.data).toBe('1');
    const read = it.next(); // waits for the body
    // Listening after the reader: runs right after it parsed the packet, in the same task.
    const turns = new Promise<number>((resolve) => sent.body.once('data', () => resolve(turnsToSettle(read))));
    sendSecond();
    expect(await turns).toBeLessThanOrEqual(1);
    expect((await read).value?.data).toBe('2');
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('can be iterated only once', async () => {
    server = await startServer((_q, res) => res.end());
    const reader = await open();
    await collect(reader);
    expect(() => reader[Symbol.asyncIterator]()).toThrow('SseReader can be iterated only once');
  });
});
