/**
 * Reading response bodies with a size bound, and releasing their sockets.
 * @module
 */
import type { LifelineError } from '@lifeline/core';
import type { ResponseBody } from './send.js';
import { abortsOf, transportError, type TransportErrorContext } from './transport-error.js';

/**
 * Largest body {@link readText} reads by default: 32 MiB.
 * @example
 * ```ts
 * await readText(res.body, { provider, label, maxBytes: MAX_BODY_BYTES / 512 });
 * ```
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Options of {@link readText}. */
export interface ReadTextOptions extends TransportErrorContext {
  /**
   * Bytes to read at most.
   * @defaultValue {@link MAX_BODY_BYTES}
   */
  maxBytes?: number;
  /** What to do past `maxBytes`: `'truncate'` returns what was read, `'error'` calls `onTooLarge`. @defaultValue 'truncate' */
  overflow?: 'truncate' | 'error';
  /** The error thrown when `overflow` is `'error'` and the body is too large. */
  onTooLarge?: (maxBytes: number) => LifelineError;
}

/**
 * Reads a whole body as UTF-8 text, up to `maxBytes`. A body cut by the network rejects with a
 * `ConnectionError`; an aborted signal rejects with its reason. The socket is released either way
 * (back to the pool when the body ended, destroyed otherwise).
 *
 * @param body - the unread body
 * @param options - bound, signal and error context
 * @example
 * ```ts
 * const text = await readText(res.body, { provider, label, signal, maxBytes: 64 * 1024 });
 * ```
 */
export async function readText(body: ResponseBody, options: ReadTextOptions): Promise<string> {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  // Plain 'data'/'end' listeners: several times cheaper per response than an async iterator.
  const text = await new Promise<string>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const finish = (outcome: () => void) => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      const room = maxBytes - size;
      if (chunk.length <= room) {
        parts.push(chunk);
        size += chunk.length;
        return;
      }
      release(body);
      if (options.overflow === 'error' && options.onTooLarge) {
        const error = options.onTooLarge(maxBytes);
        finish(() => reject(error));
        return;
      }
      parts.push(chunk.subarray(0, room));
      size = maxBytes;
      finish(() => resolve(Buffer.concat(parts, size).toString('utf8')));
    };
    // One chunk (most answers): decoded as is, without Buffer.concat's copy.
    const onEnd = () => finish(() => resolve(parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts, size).toString('utf8')));
    const onError = (err: unknown) => {
      release(body);
      finish(() => reject(transportError(err, options)));
    };
    if (body.readableEnded) {
      resolve('');
      return;
    }
    if (body.destroyed) {
      const aborts = abortsOf(options);
      onError(aborts?.aborted ? aborts.reason : new Error('the response body was already destroyed'));
      return;
    }
    body.on('data', onData).on('end', onEnd).on('error', onError);
  });
  if (body.readableEnded) await socketReturned();
  return text;
}

/**
 * Resolves once undici has put the socket of a just-ended body back in its pool. undici marks the
 * connection free a turn of the event loop after the body's `end`; a request sent before that
 * would open a second socket instead of reusing the first.
 * @example
 * ```ts
 * for await (const chunk of res.body) parts.push(chunk);
 * await socketReturned();
 * ```
 */
export function socketReturned(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Releases a body that will not be read: destroys it (and so its socket) unless it already ended.
 * Safe to call twice.
 * @example
 * ```ts
 * if (!wanted) release(res.body);
 * ```
 */
export function release(body: ResponseBody): void {
  if (body.destroyed || body.readableEnded) return;
  // undici turns a plain destroy() into an 'error' event (AbortError): with no listener left it
  // would be an uncaught exception.
  body.on('error', noop);
  body.destroy();
}

function noop(): void {}

/**
 * Reads and discards what is left of a body (at most `limitBytes`, within `graceMs`) so that its
 * socket can go back to the pool, and destroys it otherwise. Never rejects. Use it after a stream's
 * terminator (`[DONE]`, `message_stop`), when the server is about to end the response anyway.
 *
 * @param body - the body to finish
 * @param graceMs - how long to wait for the end @defaultValue 1_000
 * @param limitBytes - how much to read at most @defaultValue 65_536
 * @example
 * ```ts
 * await drain(res.body, 500);
 * ```
 */
export function drain(body: ResponseBody, graceMs = 1_000, limitBytes = 65_536): Promise<void> {
  if (body.destroyed || body.readableEnded) return Promise.resolve();
  body.on('error', noop);
  // A plain timer, cleared when the body ends (an `AbortSignal.timeout` would live on and fire for every stream).
  const timer = setTimeout(release, graceMs, body);
  timer.unref();
  return body.dump({ limit: limitBytes }).then(
    () => clearTimeout(timer),
    () => {
      clearTimeout(timer);
      release(body);
    },
  );
}
