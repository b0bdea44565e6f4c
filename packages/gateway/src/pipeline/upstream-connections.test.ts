/**
 * `providers.<name>.connections`: by default the gateway opens a socket per concurrent request to
 * an HTTP/1.1 provider, so its streams never wait behind each other for one.
 */
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeAfterEach, readAll, startConfigGateway } from '../../test/config-gateway.js';

let mock: MockProvider | undefined;
const track = closeAfterEach();
const aborts: AbortController[] = [];
afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  await mock?.close();
  mock = undefined;
});

const stream = (url: string, model: string, i: number, signal?: AbortSignal) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: `stream ${i}` }] }),
    signal,
  });

describe('providers.<name>.connections', () => {
  it('is unbounded by default: 100 concurrent streams to one provider are all in flight at once', async () => {
    // Each stream sends its first chunk, then holds its connection open without a word.
    mock = await startMockProvider({ text: 'a b c', routes: { held: { stream: { stallAfter: 1 } } } });
    const gw = track(await startConfigGateway({ providers: { up: { kind: 'openai', baseURL: mock.url, apiKey: 'test-key' } }, routes: [{ model: '*', targets: ['up'] }] }));
    const heads = Array.from({ length: 100 }, (_, i) => {
      const abort = new AbortController();
      aborts.push(abort);
      return stream(gw.url, 'held', i, abort.signal);
    });
    // A bounded pool would hold the streams beyond its bound back until one of these ended: none does.
    await vi.waitFor(() => expect(mock!.requests).toHaveLength(100), { timeout: 5_000, interval: 10 });
    const responses = await Promise.all(heads);
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 100 }, () => 200));
    expect(mock.connections).toBe(100);
  });

  it('bounds the sockets to the provider when set: the streams beyond it wait for one and then complete', async () => {
    mock = await startMockProvider({ text: 'a b c', routes: { paced: { stream: { chunkDelayMs: 20 } } } });
    const gw = track(await startConfigGateway({ providers: { up: { kind: 'openai', baseURL: mock.url, apiKey: 'test-key', connections: 2 } }, routes: [{ model: '*', targets: ['up'] }] }));
    const bodies = await Promise.all(Array.from({ length: 6 }, (_, i) => stream(gw.url, 'paced', i).then((r) => readAll(r))));
    for (const body of bodies) expect(body).toContain('data: [DONE]');
    expect(mock.requests).toHaveLength(6);
    expect(mock.connections).toBe(2);
  });
});
