import { connect } from 'node:net';
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/validate.js';
import { ConfigValidationError } from '../config/check.js';
import { closeAfterEach, type ConfigGateway, readAll, startConfigGateway } from '../../test/config-gateway.js';

let mock: MockProvider | undefined;
let gw: ConfigGateway | undefined;
const track = closeAfterEach();

const providers = { relay: { kind: 'openai' as const, baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k' } };
const routes = [{ model: '*', targets: ['relay'] }];

/**
 * Sends a request head announcing `length` bytes, then one byte every `everyMs`; resolves with what
 * came back, when, and whether the server closed the connection (not this side's 5 s guard).
 */
function slowBody(url: string, length: number, everyMs: number): Promise<{ text: string; ms: number; closedByServer: boolean }> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{`);
    });
    const drip = setInterval(() => socket.writable && socket.write(' '), everyMs);
    let guarded = false;
    const guard = setTimeout(() => {
      guarded = true;
      socket.destroy(new Error('still open after 5 s'));
    }, 5_000);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', (e) => (text === '' ? reject(e) : undefined));
    socket.on('close', () => {
      clearInterval(drip);
      clearTimeout(guard);
      resolve({ text, ms: Date.now() - started, closedByServer: !guarded });
    });
  });
}

describe('server.requestTimeoutMs', () => {
  it('defaults to 30 s and refuses nonsense', () => {
    expect(validateConfig({ providers, routes }).server.requestTimeoutMs).toBe(30_000);
    expect(validateConfig({ providers, routes, server: { requestTimeoutMs: 0 } }).server.requestTimeoutMs).toBe(0);
    const err = (() => {
      try {
        validateConfig({ providers, routes, server: { requestTimeoutMs: -5 } });
      } catch (e) {
        return e as ConfigValidationError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect(err!.issues).toEqual(['server.requestTimeoutMs: expected an integer between 0 and 2147483647, got -5']);
  });

  it('cuts a body that trickles in (1 byte / 50 ms of 100 000) at the deadline with a 408 in the OpenAI shape', async () => {
    gw = track(await startConfigGateway({ providers, routes, server: { requestTimeoutMs: 300 } }));
    const { text, ms, closedByServer } = await slowBody(gw.url, 100_000, 50);
    expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    expect(body).toEqual({ error: { message: 'The request was not received within 300 ms (server.requestTimeoutMs)', type: 'invalid_request_error', param: null, code: 'request_timeout' } });
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(closedByServer).toBe(true); // the gateway closed the connection, not left it open
  });

  it('never cuts a streamed response that lasts longer than the deadline', async () => {
    mock = track(await startMockProvider({ apiKey: 'k', chunks: 12, script: { stream: { chunkDelayMs: 60 } } }));
    gw = track(await startConfigGateway({ providers: { relay: { ...providers.relay, baseURL: mock.url } }, routes, server: { requestTimeoutMs: 200 }, cache: false }));
    const started = Date.now();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await readAll(res);
    expect(Date.now() - started).toBeGreaterThan(500);
    expect(res.status).toBe(200);
    expect(text).toContain('data: [DONE]');
  });

  it('never cuts a JSON answer that takes longer than the deadline to come back', async () => {
    mock = track(await startMockProvider({ apiKey: 'k', script: { delayMs: 600 } }));
    gw = track(await startConfigGateway({ providers: { relay: { ...providers.relay, baseURL: mock.url } }, routes, server: { requestTimeoutMs: 200 }, cache: false, retry: false }));
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(res.status).toBe(200);
    expect(JSON.parse(await readAll(res)).choices[0].message.content).toBe('Hello from the mock provider.');
  });
});
