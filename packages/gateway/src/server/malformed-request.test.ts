import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedAdapter } from '@lifeline/testing';
import { startHarness, type Harness } from '../../test/harness.js';
import { malformedRequestAnswer } from './malformed-request.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ adapter: scriptedAdapter() });
});
afterAll(() => h.close());

/** Writes `payload` on a fresh socket; resolves with everything received once the gateway closes it. */
function raw(payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(h.url).port), '127.0.0.1', () => socket.write(payload));
    let got = '';
    socket.on('data', (d) => void (got += d.toString()));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer to ${JSON.stringify(payload.slice(0, 60))}`)));
  });
}

function parse(answer: string): { statusLine: string; headers: Record<string, string>; body: unknown } {
  const [head, body] = [answer.slice(0, answer.indexOf('\r\n\r\n')), answer.slice(answer.indexOf('\r\n\r\n') + 4)];
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  expect(Number(headers['content-length'])).toBe(Buffer.byteLength(body));
  return { statusLine: statusLine!, headers, body: JSON.parse(body) };
}

const badRequest = (message: string) => ({ error: { message, type: 'invalid_request_error', param: null, code: 'bad_http_request' } });

describe('malformed HTTP (rejected by the parser, before any route)', () => {
  it('answers a bad request line with a 400 in the OpenAI shape, then closes the socket', async () => {
    const answer = parse(await raw('GARBAGE\r\n\r\n'));
    expect(answer.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(answer.headers).toMatchObject({ 'content-type': 'application/json', connection: 'close' });
    expect(answer.body).toEqual(badRequest('Malformed HTTP request: Invalid method encountered (HPE_INVALID_METHOD)'));
  });

  it.each([
    ['a header name with a space', 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n', 'Malformed HTTP request: Invalid header token (HPE_INVALID_HEADER_TOKEN)'],
    ['a non-numeric Content-Length', 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 'Malformed HTTP request: Invalid character in Content-Length (HPE_INVALID_CONTENT_LENGTH)'],
    ['a broken chunked body', 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n', 'Malformed HTTP request: Invalid character in chunk size (HPE_INVALID_CHUNK_SIZE)'],
  ])('answers %s with a 400 bad_http_request', async (_name, payload, message) => {
    const answer = parse(await raw(payload));
    expect(answer.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(answer.body).toEqual(badRequest(message));
  });

  it('answers headers larger than the limit with a 431', async () => {
    const answer = parse(await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(answer.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(answer.body).toEqual({ error: { message: "The request's headers are larger than this gateway accepts", type: 'invalid_request_error', param: null, code: 'headers_too_large' } });
  });

  it('keeps serving after them', async () => {
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
  });
});

describe('malformedRequestAnswer', () => {
  it('maps a request timeout to a 408', () => {
    const err = Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
    const answer = malformedRequestAnswer(err);
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ error: { message: 'The request was not received in time', type: 'invalid_request_error', param: null, code: 'request_timeout' } });
  });

  it('uses the message when the error has no reason or code', () => {
    const answer = malformedRequestAnswer(new Error('Parse Error: Something odd'));
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error.message).toBe('Malformed HTTP request: Something odd');
  });
});
