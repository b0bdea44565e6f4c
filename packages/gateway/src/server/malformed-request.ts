/**
 * The raw HTTP answer to a request Node's parser rejected before any route saw it.
 * @module
 */
import type { OpenAIErrorBody } from './errors.js';

/** Status, reason phrase, message and `code` of a parser error. */
function classify(error: Error & { code?: string; reason?: string }, requestTimeoutMs: number | undefined): { status: number; phrase: string; message: string; code: string } {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    const within = requestTimeoutMs ? ` within ${requestTimeoutMs} ms (server.requestTimeoutMs)` : ' in time';
    return { status: 408, phrase: 'Request Timeout', message: `The request was not received${within}`, code: 'request_timeout' };
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, phrase: 'Request Header Fields Too Large', message: "The request's headers are larger than this gateway accepts", code: 'headers_too_large' };
  }
  const detail = error.reason ?? error.message.replace(/^Parse Error: /, '');
  return { status: 400, phrase: 'Bad Request', message: `Malformed HTTP request: ${detail}${error.code ? ` (${error.code})` : ''}`, code: 'bad_http_request' };
}

/**
 * The whole HTTP/1.1 response (head and JSON body, `Connection: close`) for a client error
 * raised by Node's HTTP parser: 400 `bad_http_request`, 431 `headers_too_large`, or 408
 * `request_timeout`, with the OpenAI error body.
 *
 * @param error - the `clientError` error (`code` like `HPE_INVALID_METHOD`, `reason` from llhttp)
 * @param options - `requestTimeoutMs`, named in the 408's message
 * @returns the bytes to write to the socket
 * @example
 * ```ts
 * server.on('clientError', (err, socket) => socket.end(malformedRequestAnswer(err)));
 * // HTTP/1.1 400 Bad Request … {"error":{"message":"Malformed HTTP request: Invalid method encountered (HPE_INVALID_METHOD)","type":"invalid_request_error","param":null,"code":"bad_http_request"}}
 * ```
 */
export function malformedRequestAnswer(error: Error & { code?: string; reason?: string }, options: { requestTimeoutMs?: number | undefined } = {}): string {
  const { status, phrase, message, code } = classify(error, options.requestTimeoutMs);
  const body: OpenAIErrorBody = { error: { message, type: 'invalid_request_error', param: null, code } };
  const json = JSON.stringify(body);
  return `HTTP/1.1 ${status} ${phrase}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`;
}
