import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, ConnectionError, ServerError } from '@lifeline/core';
import { startServer, type TestServer } from '../../test/http-server.js';
import { drain, readText } from './body.js';
import { HttpPool } from './pool.js';
import { send } from './send.js';

let server: TestServer | undefined;
let pool: HttpPool | undefined;

afterEach(async () => {
  await pool?.close();
  await server?.close();
  pool = undefined;
  server = undefined;
});

async function get(signal?: AbortSignal) {
  pool ??= new HttpPool();
  return send(pool, { url: `${server!.url}/x`, provider: 'p', body: '{}', signal });
}

describe('readText', () => {
  it('truncates at maxBytes and closes the socket', async () => {
    server = await startServer((_q, res) => res.end('0123456789'));
    const res = await get();
    expect(await readText(res.body, { provider: 'p', label: 'p', maxBytes: 4 })).toBe('0123');
  });

  it('raises the given error past maxBytes when overflow is "error"', async () => {
    server = await startServer((_q, res) => res.end('0123456789'));
    const res = await get();
    const err = await readText(res.body, {
      provider: 'p', label: 'p', maxBytes: 4, overflow: 'error',
      onTooLarge: (max) => new ServerError(`p: response larger than ${max} bytes`, { retryable: false }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toBe('p: response larger than 4 bytes');
  });

  it('maps a body cut by the network to ConnectionError', async () => {
    server = await startServer((_q, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const res = await get();
    const err = await readText(res.body, { provider: 'p', label: 'openai p' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/^openai p: connection failed — /);
  });

  it('rejects with the abort reason when aborted mid-body', async () => {
    server = await startServer((_q, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const ac = new AbortController();
    const res = await get(ac.signal);
    setTimeout(() => ac.abort(), 5);
    const err = await readText(res.body, { provider: 'p', label: 'p', signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    await server.socketClosed(0);
  });
});

describe('drain', () => {
  it('destroys a body that does not end within the grace period', async () => {
    server = await startServer((_q, res) => {
      res.writeHead(200);
      res.write('x');
    });
    const res = await get();
    await drain(res.body, 20);
    expect(res.body.destroyed).toBe(true);
    await server.socketClosed(0);
  });
});
