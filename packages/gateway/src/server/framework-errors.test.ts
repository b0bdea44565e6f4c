import { scriptedAdapter } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../test/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("Fastify's own errors in the OpenAI shape", () => {
  it('an over-long path parameter → 414 uri_too_long', async () => {
    h = await startHarness({ adapter: scriptedAdapter(), pipeline: { cost: () => undefined } });
    const res = await fetch(`${h.url}/api/cost/${'m'.repeat(300)}`);
    expect(res.status).toBe(414);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ error: { message: 'A path parameter is longer than 100 characters', type: 'invalid_request_error', param: null, code: 'uri_too_long' } });
  });

  it('a path that is not valid percent-encoding → 400 invalid_url', async () => {
    h = await startHarness({ adapter: scriptedAdapter() });
    const res = await fetch(`${h.url}/api/cost/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { message: 'The URL path is not valid percent-encoding', type: 'invalid_request_error', param: null, code: 'invalid_url' } });
  });
});

describe('requests arriving while the gateway shuts down', () => {
  it('get 503 shutting_down in the OpenAI shape on a kept-alive connection', async () => {
    const { connect } = await import('node:net');
    const { textChunks } = await import('@lifeline/testing');
    h = await startHarness({ adapter: scriptedAdapter({ chunks: textChunks(['a', 'b', 'c', 'd']), chunkDelayMs: 60 }) });
    const socket = connect(Number(new URL(h.url).port), '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    const body = JSON.stringify({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await expect.poll(() => text.includes('"content":"a"')).toBe(true);
    const closing = h.gateway.close();
    socket.write('GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n');
    await closing;
    await closed;
    const second = text.slice(text.indexOf('HTTP/1.1', 10));
    expect(second).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(second.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4))).toEqual({ error: { message: 'The gateway is shutting down; retry on another instance', type: 'service_unavailable', param: null, code: 'shutting_down' } });
    h = undefined;
  });
});
