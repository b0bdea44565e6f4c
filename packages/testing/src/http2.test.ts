import { connect, type ClientHttp2Session } from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockProvider } from './server.js';
import type { MockProvider } from './types.js';

let mock: MockProvider | undefined;
let session: ClientHttp2Session | undefined;
afterEach(async () => {
  session?.close();
  await mock?.close();
  mock = session = undefined;
});

/** One request on the session: status and body, or the stream's error code. */
function post(s: ClientHttp2Session, model: string, stream = false): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const req = s.request({ ':method': 'POST', ':path': '/v1/chat/completions', authorization: 'Bearer test-key', 'content-type': 'application/json' });
    let status = 0;
    let body = '';
    req.setEncoding('utf8');
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (d: string) => (body += d));
    req.on('end', () => resolve({ status, body }));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ status, body, error: e.code ?? e.message }));
    req.end(JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }));
  });
}

describe('http2: true (h2c)', () => {
  it('answers, streams and records requests that share one connection', async () => {
    mock = await startMockProvider({ http2: true, text: 'one two' });
    session = connect(mock.origin);
    const [json, sse] = await Promise.all([post(session, 'm'), post(session, 'm', true)]);
    expect(json.status).toBe(200);
    expect(JSON.parse(json.body).choices[0].message.content).toBe('one two');
    expect(sse.status).toBe(200);
    expect(sse.body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(mock.requests.map((r) => r.stream).sort()).toEqual([false, true]);
    expect(mock.connections).toBe(1);
  });

  it('a reset step and a cut stream reset their own HTTP/2 stream only', async () => {
    mock = await startMockProvider({ http2: true, text: 'one two three', routes: { reset: { reset: true }, cut: { stream: { cutAfter: 1 } } } });
    session = connect(mock.origin);
    const [reset, cut, fine] = await Promise.all([post(session, 'reset'), post(session, 'cut', true), post(session, 'ok')]);
    expect(reset.error).toBe('ERR_HTTP2_STREAM_ERROR');
    expect(cut.error).toBe('ERR_HTTP2_STREAM_ERROR');
    expect(cut.status).toBe(200);
    expect(cut.body).toContain('"content":"one"');
    expect(cut.body).not.toContain('[DONE]');
    expect(fine.status).toBe(200);
    expect(session.closed).toBe(false);
  });

  it('HTTP/1.1 mocks count their connections too', async () => {
    mock = await startMockProvider();
    await fetch(`${mock.url}/models`, { headers: { authorization: 'Bearer test-key' } });
    expect(mock.connections).toBe(1);
  });
});
