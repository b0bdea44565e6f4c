import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortError, ConfigurationError, ConnectionError, Context, TimeoutError } from '@lifeline/core';
import { settlesAfter, turnsUntil, watch } from '../../../../test-support/turns.js';
import { startServer, type TestServer } from '../../test/http-server.js';
import { readText } from './body.js';
import { HttpPool } from './pool.js';
import { jsonBody, send } from './send.js';

const KEY = 'sk-secret-key-0123456789';
let server: TestServer | undefined;
let pool: HttpPool | undefined;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  vi.useRealTimers();
  await pool?.close();
  await server?.close();
  for (const c of cleanups.splice(0)) await c();
  pool = undefined;
  server = undefined;
});

/** A raw TCP server that accepts connections and never says anything. */
async function silentTcp(): Promise<{ port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const s: NetServer = createNetServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => {
    for (const so of sockets) so.destroy();
    s.close(() => r());
  }));
  return { port: (s.address() as AddressInfo).port, sockets };
}

describe('send', () => {
  it('POSTs the JSON body with headers and reports status, headers and request id', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'req_42' });
      res.end('{"ok":true}');
    });
    pool = new HttpPool();
    const res = await send(pool, {
      url: `${server.url}/chat/completions?x=1`, provider: 'p',
      headers: { authorization: `Bearer ${KEY}` }, body: jsonBody({ model: 'm', messages: [] }),
    });
    expect(res.status).toBe(201);
    expect(res.requestId).toBe('req_42');
    expect(await readText(res.body, { provider: 'p', label: 'p' })).toBe('{"ok":true}');
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions?x=1', body: '{"model":"m","messages":[]}' });
    expect(server.requests[0]!.headers['content-type']).toBe('application/json');
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('reuses one keep-alive socket for sequential requests and resends the same body bytes', async () => {
    server = await startServer((_req, res) => res.end('ok'));
    pool = new HttpPool();
    const body = jsonBody({ model: 'm', messages: [{ role: 'user', content: 'héllo' }] });
    for (let i = 0; i < 5; i++) {
      const res = await send(pool, { url: `${server.url}/chat/completions`, provider: 'p', body });
      await readText(res.body, { provider: 'p', label: 'p' });
    }
    expect(server.connections).toBe(1);
    expect(new Set(server.requests.map((r) => r.body)).size).toBe(1);
    expect(server.requests[4]!.body).toBe('{"model":"m","messages":[{"role":"user","content":"héllo"}]}');
    expect(pool.stats(server.origin)).toMatchObject({ connected: 1, running: 0 });
  });

  it('opens at most `connections` sockets for concurrent requests', async () => {
    const waiting: (() => void)[] = [];
    server = await startServer((_req, res) => {
      waiting.push(() => res.end('ok'));
      if (waiting.length === 2) setTimeout(() => waiting.splice(0).forEach((f) => f()), 5);
    });
    pool = new HttpPool({ connections: 2 });
    const results = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const res = await send(pool!, { url: `${server!.url}/x`, provider: 'p', body: '{}' });
        return readText(res.body, { provider: 'p', label: 'p' });
      }),
    );
    expect(results).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(server.connections).toBe(2);
  });

  it('by default gives every concurrent request a socket of its own: 100 requests in flight at once, none waiting', async () => {
    const held: (() => void)[] = [];
    server = await startServer((_req, res) => void held.push(() => res.end('ok')));
    cleanups.push(() => held.splice(0).forEach((end) => end()));
    pool = new HttpPool();
    const results = Promise.all(
      Array.from({ length: 100 }, async () => {
        const res = await send(pool!, { url: `${server!.url}/x`, provider: 'p', body: '{}' });
        return readText(res.body, { provider: 'p', label: 'p' });
      }),
    );
    // Every request reaches the server while none has been answered (a bounded pool would hold some back).
    await vi.waitFor(() => expect(server!.requests.length).toBe(100), { timeout: 5_000, interval: 10 });
    expect(pool.stats(server.origin)).toMatchObject({ connected: 100, running: 100, pending: 0 });
    held.splice(0).forEach((end) => end());
    expect(await results).toEqual(Array.from({ length: 100 }, () => 'ok'));
    expect(server.connections).toBe(100);
  });

  it('maps a refused connection to ConnectionError', async () => {
    const { port, sockets } = await silentTcp();
    void sockets;
    const closed = await startServer(() => {});
    const url = `${closed.url}/x`;
    await closed.close();
    pool = new HttpPool();
    const err = await send(pool, { url, provider: 'p', label: 'openai p', body: '{}' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).retryable).toBe(true);
    expect((err as ConnectionError).provider).toBe('p');
    expect((err as Error).message).toMatch(/^openai p: connection failed — .*ECONNREFUSED/);
    expect(port).toBeGreaterThan(0);
  });

  it('maps a reset before the response head to ConnectionError', async () => {
    server = await startServer((req) => req.socket.destroy());
    pool = new HttpPool();
    const err = await send(pool, { url: `${server.url}/x`, provider: 'p', body: '{}' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/^p: connection failed — other side closed/);
  });

  it('raises TimeoutError kind connect when the TLS handshake never completes, on the millisecond', async () => {
    // Fake timers (the sockets stay real): the limit is our precise timer, not undici's ±1 s one.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { port, sockets } = await silentTcp();
    pool = new HttpPool({ connectTimeoutMs: 150 });
    const sent = watch(send(pool, { url: `https://127.0.0.1:${port}/v1/x`, provider: 'p', label: 'openai p', body: '{}' }));
    await turnsUntil(() => sockets.length === 1, 'the TCP connection');
    const err = await settlesAfter(sent, 150, 'the connect timeout').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ kind: 'connect', timeoutMs: 150, retryable: true, provider: 'p' });
    expect((err as Error).message).toBe('openai p: could not connect within 150 ms (connectTimeoutMs)');
  });

  it('raises TimeoutError kind headers when the head does not come, on the millisecond', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    server = await startServer(() => {});
    pool = new HttpPool({ headersTimeoutMs: 150 });
    const sent = watch(send(pool, { url: `${server.url}/x`, provider: 'p', body: '{}' }));
    await turnsUntil(() => server!.requests.length === 1, 'the request');
    const err = await settlesAfter(sent, 150, 'the headers timeout').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ kind: 'headers', timeoutMs: 150 });
    expect((err as Error).message).toBe('p: no response head within 150 ms (headersTimeoutMs)');
  });

  it('rejects with the abort reason and closes the socket when the signal aborts', async () => {
    server = await startServer(() => {});
    pool = new HttpPool();
    const ac = new AbortController();
    const pending = send(pool, { url: `${server.url}/x`, provider: 'p', body: '{}', signal: ac.signal });
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
    ac.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).provider).toBe('p');
    expect((err as Error).message).toBe('The operation was aborted by the caller');
    await server.socketClosed(0);
  });

  it('rejects with a LifelineError abort reason as is (core timeout())', async () => {
    server = await startServer(() => {});
    pool = new HttpPool();
    const ac = new AbortController();
    const reason = new TimeoutError('Timeout: attempt did not finish within 5 ms (ms)', { kind: 'total', timeoutMs: 5 });
    const pending = send(pool, { url: `${server.url}/x`, provider: 'p', body: '{}', signal: ac.signal });
    setTimeout(() => ac.abort(reason), 5);
    await expect(pending).rejects.toBe(reason);
  });

  it("stops following the caller's signal once the body was read (no listener left behind)", async () => {
    server = await startServer((_q, res) => res.end('{"ok":true}'));
    pool = new HttpPool();
    const ac = new AbortController();
    const res = await send(pool, { url: `${server.url}/x`, provider: 'p', body: '{}', signal: ac.signal });
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1); // the body can still be aborted
    expect(await readText(res.body, { provider: 'p', label: 'p', signal: ac.signal })).toBe('{"ok":true}');
    await new Promise((r) => setImmediate(r));
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    ac.abort(); // after the fact: nothing to abort, nothing thrown
  });

  it("stops following the caller's signal when the request fails (headers timeout)", async () => {
    server = await startServer(() => {});
    pool = new HttpPool({ headersTimeoutMs: 50 });
    const ac = new AbortController();
    const err = await send(pool, { url: `${server.url}/x`, provider: 'p', body: '{}', signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe('p: no response head within 50 ms (headersTimeoutMs)');
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it("follows core's cancellation without a signal listener, and drops it once the body was read", async () => {
    server = await startServer((_q, res) => res.end('{"ok":true}'));
    pool = new HttpPool();
    const ctx = new Context({ request: { model: 'm', messages: [{ role: 'user', content: 'hi' }] } });
    const watched = { added: 0, removed: 0 };
    const cancellation = {
      get aborted() { return ctx.aborted; },
      get reason() { return ctx.reason; },
      signal: ctx.signal,
      onAbort(listener: (reason: unknown) => void) {
        watched.added++;
        const off = ctx.onAbort(listener);
        return () => { watched.removed++; off(); };
      },
    };
    const res = await send(pool, { url: `${server.url}/x`, provider: 'p', body: '{}', signal: ctx.signal, cancellation });
    expect(getEventListeners(ctx.signal, 'abort')).toHaveLength(0);
    expect(watched).toEqual({ added: 1, removed: 0 }); // the body can still be aborted
    expect(await readText(res.body, { provider: 'p', label: 'p' })).toBe('{"ok":true}');
    await new Promise((r) => setImmediate(r));
    expect(watched).toEqual({ added: 1, removed: 1 });
  });

  it("aborts through core's cancellation with its reason, and closes the socket", async () => {
    server = await startServer(() => {});
    pool = new HttpPool();
    const ctx = new Context({ request: { model: 'm', messages: [{ role: 'user', content: 'hi' }] } });
    const reason = new TimeoutError('Timeout: attempt to p did not finish within 5 ms (timeout({ ms }))', { kind: 'total', timeoutMs: 5 });
    const pending = send(pool, { url: `${server.url}/x`, provider: 'p', body: '{}', signal: ctx.signal, cancellation: ctx });
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
    ctx.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await server.socketClosed(0);
  });

  it('follows the signal, not the cancellation, when the call was copied with another signal', async () => {
    server = await startServer(() => {});
    pool = new HttpPool();
    const ctx = new Context({ request: { model: 'm', messages: [{ role: 'user', content: 'hi' }] } });
    const own = new AbortController();
    const pending = send(pool, { url: `${server.url}/x`, provider: 'p', body: '{}', signal: own.signal, cancellation: ctx });
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
    own.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).message).toBe('The operation was aborted by the caller');
    expect(ctx.aborted).toBe(false);
  });

  it('adds content-type: application/json only when no header of that name is given', async () => {
    server = await startServer((_q, res) => res.end());
    pool = new HttpPool();
    const headers = { 'Content-Type': 'application/json; charset=utf-8' };
    await readText((await send(pool, { url: `${server.url}/x`, provider: 'p', body: '{}', headers })).body, { provider: 'p', label: 'p' });
    expect(server.requests[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(headers).toEqual({ 'Content-Type': 'application/json; charset=utf-8' }); // the caller's object is left alone
  });

  it('does not send when the signal is already aborted', async () => {
    server = await startServer((_q, res) => res.end());
    pool = new HttpPool();
    await expect(send(pool, { url: `${server.url}/x`, provider: 'p', signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(server.connections).toBe(0);
  });
});

describe('HttpPool', () => {
  it('validates its options', () => {
    expect(() => new HttpPool({ connections: 0 }, 'openai')).toThrow(new ConfigurationError('openai: connections must be a positive integer, got 0'));
    expect(() => new HttpPool({ pipelining: 1.5 }, 'openai')).toThrow('openai: pipelining must be a positive integer, got 1.5');
    expect(() => new HttpPool({ bodyTimeoutMs: -1 }, 'openai')).toThrow('openai: bodyTimeoutMs must be a non-negative integer, got -1');
    expect(new HttpPool({ connections: null }).options.connections).toBeNull();
    expect(new HttpPool().options.connections).toBeNull();
    expect(new HttpPool({ connections: 8 }).options.connections).toBe(8);
  });

  it('refuses requests after close()', async () => {
    pool = new HttpPool();
    await pool.close();
    const err = await send(pool, { url: 'http://127.0.0.1:9/x', provider: 'p' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toBe('http: the adapter was closed; create a new one to send more requests');
  });

  it('close() ends idle keep-alive sockets', async () => {
    server = await startServer((_q, res) => res.end('ok'));
    pool = new HttpPool();
    const res = await send(pool, { url: `${server.url}/x`, provider: 'p', body: '{}' });
    await readText(res.body, { provider: 'p', label: 'p' });
    expect(server.open).toBe(1);
    await pool.close();
    await server.socketClosed(0);
    expect(server.open).toBe(0);
  });

  it('close() destroys in-flight requests after closeTimeoutMs', async () => {
    server = await startServer(() => {});
    pool = new HttpPool({ closeTimeoutMs: 50 });
    const pending = send(pool, { url: `${server.url}/x`, provider: 'p', body: '{}' }).catch((e: unknown) => e);
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
    await pool.close();
    const err = await pending;
    expect(err).toBeInstanceOf(ConnectionError);
    await server.socketClosed(0);
  });
});
