import { once } from 'node:events';
import { connect, type IncomingHttpHeaders, type IncomingHttpStatusHeader } from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockProvider } from './server.js';
import { authHeaders, chat, jsonOf, parseSse } from './test-utils.js';
import type { Flavor, MockProvider } from './types.js';

let mock: MockProvider;
afterEach(() => mock?.close());

/** A completion as a provider may write it: `é` escaped as `\u00e9`, `"usage":null` last (JSON.stringify writes neither). */
const JSON_BODY = '{"id":"r1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"caf\\u00e9"},"finish_reason":"stop"}],"usage":null}';
const SSE_BODY = 'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"caf\\u00e9"}}],"usage":null}\n\n: a comment\n\ndata: [DONE]\n\n';

const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());

describe('raw steps', () => {
  it('send the body byte for byte with status 200 and application/json, and nothing of the flavour', async () => {
    mock = await startMockProvider({ script: { raw: { body: JSON_BODY } } });
    const res = await chat(mock);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-request-id')).toBeNull();
    expect(await res.text()).toBe(JSON_BODY);
  });

  it('send the status, the headers and the bytes given (a Buffer that is not UTF-8 too)', async () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]);
    mock = await startMockProvider({ script: [{ raw: { body: bytes, status: 502, headers: { 'Content-Type': 'text/html', 'x-relay': 'edge-1' } } }] });
    const res = await chat(mock);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.headers.get('x-relay')).toBe('edge-1');
    expect(await bytesOf(res)).toEqual(bytes);
  });

  it("take the step's own headers over raw.headers, and its rateLimit headers; not the server's rateLimit", async () => {
    mock = await startMockProvider({
      rateLimit: { limitTokens: 999 },
      script: { raw: { body: '{}', headers: { 'x-a': 'raw', 'x-b': 'raw' } }, headers: { 'x-b': 'step' }, rateLimit: { limitRequests: 10 } },
    });
    const res = await chat(mock);
    expect([res.headers.get('x-a'), res.headers.get('x-b')]).toEqual(['raw', 'step']);
    expect(res.headers.get('x-ratelimit-limit-requests')).toBe('10');
    expect(res.headers.get('x-ratelimit-limit-tokens')).toBeNull();
    expect(await res.text()).toBe('{}');
  });

  it('send an SSE body as given to a streaming request, with the stream content type', async () => {
    mock = await startMockProvider({ script: { raw: { body: SSE_BODY } } });
    const res = await chat(mock, { stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await res.text()).toBe(SSE_BODY);
    expect(parseSse(SSE_BODY).map((e) => e.data)).toEqual(['{"id":"c1","choices":[{"index":0,"delta":{"content":"caf\\u00e9"}}],"usage":null}', '[DONE]']);
  });

  it('default to application/json for an error status on a streaming request', async () => {
    mock = await startMockProvider({ script: { raw: { body: '{"error":{"message":"no"}}', status: 429 } } });
    const res = await chat(mock, { stream: true });
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe('{"error":{"message":"no"}}');
  });

  const cases: Array<[Flavor, { stream?: boolean; sse?: boolean }, string]> = [
    ['openai', {}, 'application/json'],
    ['openai', { stream: true }, 'text/event-stream; charset=utf-8'],
    ['anthropic', {}, 'application/json'],
    ['anthropic', { stream: true }, 'text/event-stream; charset=utf-8'],
    ['gemini', {}, 'application/json'],
    ['gemini', { stream: true }, 'text/event-stream'],
    ['gemini', { stream: true, sse: false }, 'application/json; charset=UTF-8'],
  ];
  it.each(cases)('%s %o: the bytes as given, content-type %s', async (flavor, opts, type) => {
    const body = `${flavor}: caf\\u00e9 \u00e9\r\n`;
    mock = await startMockProvider({ flavor, script: [{ raw: { body } }] });
    const res = await chat(mock, opts);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(await bytesOf(res)).toEqual(Buffer.from(body, 'utf8'));
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]!.stream).toBe(opts.stream ?? false);
  });

  it('send the bytes over HTTP/2 too', async () => {
    mock = await startMockProvider({ http2: true, script: { raw: { body: SSE_BODY } } });
    const session = connect(mock.origin);
    try {
      const req = session.request({ ':method': 'POST', ':path': '/v1/chat/completions', authorization: 'Bearer test-key', 'content-type': 'application/json' });
      req.end(JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
      const [headers] = (await once(req, 'response')) as [IncomingHttpHeaders & IncomingHttpStatusHeader];
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      expect([headers[':status'], headers['content-type']]).toEqual([200, 'text/event-stream; charset=utf-8']);
      expect(Buffer.concat(chunks).toString('utf8')).toBe(SSE_BODY);
    } finally {
      session.close();
    }
  });

  it('record the request, check its key first (a refused one takes no step) and honour delayMs', async () => {
    mock = await startMockProvider({ flavor: 'anthropic', script: [{ raw: { body: JSON_BODY }, delayMs: 50 }] });
    const refused = await chat(mock, { headers: authHeaders('anthropic', 'wrong-key') });
    expect(refused.status).toBe(401);
    expect((await jsonOf(refused)).error.type).toBe('authentication_error');
    const t = performance.now();
    const res = await chat(mock);
    expect(await res.text()).toBe(JSON_BODY);
    expect(performance.now() - t).toBeGreaterThanOrEqual(45);
    expect(mock.requests.map((r) => [r.path, r.model, r.stream, r.keyIndex, r.headers['x-api-key']])).toEqual([
      ['/v1/messages', 'claude-test', false, undefined, '[redacted]'],
      ['/v1/messages', 'claude-test', false, 0, '[redacted]'],
    ]);
    expect(mock.requests[1]!.body).toEqual({ model: 'claude-test', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello' }] });
    // The script moves on: the next request gets a normal reply.
    expect((await jsonOf(chat(mock))).type).toBe('message');
  });
});
