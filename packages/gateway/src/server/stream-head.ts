/**
 * Writing the head of a response the gateway writes itself (an event stream, after
 * `reply.hijack()`), where a throw would otherwise leave the client waiting forever.
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { OpenAIErrorBody } from './errors.js';

const BROKEN_HEAD: OpenAIErrorBody = {
  error: { message: 'Internal error in the Lifeline gateway: the response head could not be written; see its logs', type: 'server_error', param: null, code: 'internal_error' },
};

/**
 * Writes a 200 head with `headers`. When Node refuses it (a header value it cannot send), answers
 * 500 in the OpenAI error shape instead, or destroys the socket when even that is impossible, so
 * the client always gets an answer or a closed connection, never a hang.
 *
 * @param res - the raw response, head not yet sent
 * @param headers - the head's headers
 * @returns `undefined` when the head was written, else the error that prevented it
 * @example
 * ```ts
 * const failure = writeStreamHead(reply.raw, { 'content-type': 'text/event-stream', ...safeHeaders(meta) });
 * if (failure) return; // the client got a 500 (or a closed socket)
 * ```
 */
export function writeStreamHead(res: ServerResponse, headers: Readonly<Record<string, string>>): Error | undefined {
  try {
    res.writeHead(200, headers);
    return undefined;
  } catch (error) {
    try {
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      const body = JSON.stringify(BROKEN_HEAD);
      res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    } catch {
      res.destroy();
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
