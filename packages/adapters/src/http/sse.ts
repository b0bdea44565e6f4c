/**
 * Server-sent events over an undici response body, parsed with `eventsource-parser`: tolerant of
 * comments (`: keep-alive`), CRLF, events split across packets; abort-aware; releases the socket
 * whenever the consumer stops early.
 * @module
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { StreamInterruptedError, abortReason, type LifelineError } from '@lifeline/core';
import { drain, release, socketReturned } from './body.js';
import type { ResponseBody } from './send.js';
import { transportError, type TransportErrorContext } from './transport-error.js';

export type { EventSourceMessage } from 'eventsource-parser';

/** Options of {@link SseReader}. */
export interface SseReaderOptions extends TransportErrorContext {
  /**
   * Whether content already reached the caller, recorded as `contentDelivered` on the
   * `StreamInterruptedError` raised when the connection breaks.
   * @defaultValue () => false
   */
  contentDelivered?: () => boolean;
  /**
   * Most characters buffered for one event (a line or an event still incomplete); past it the
   * stream fails with `StreamInterruptedError` instead of growing without bound.
   * @defaultValue 16_777_216 (16 Mi)
   */
  maxEventSize?: number;
  /**
   * After {@link SseReader.complete}, how long leaving the loop waits for the body's end (so the
   * socket is reused) before destroying it, in ms.
   * @defaultValue 1_000
   */
  drainMs?: number;
}

/**
 * Reads SSE events from a response body.
 *
 * Iteration ends when the body ends. A broken connection rejects with `StreamInterruptedError`
 * (`retryable: true`, `cause` the `ConnectionError`); a body timeout with `TimeoutError`
 * (`kind: 'idle'`); an aborted signal with `abortReason(signal)`, promptly, whatever the socket is
 * doing. When the consumer stops early, the body is destroyed (its socket closed) unless
 * {@link SseReader.complete} was called first: then the rest is drained so the socket is reused.
 *
 * @example
 * ```ts
 * const sse = new SseReader(res.body, { provider, label, signal });
 * for await (const event of sse) {
 *   if (event.data === '[DONE]') { sse.complete(); break; }
 *   handle(JSON.parse(event.data));
 * }
 * ```
 */
export class SseReader implements AsyncIterable<EventSourceMessage> {
  readonly #body: ResponseBody;
  readonly #options: SseReaderOptions;
  #completed = false;
  #started = false;

  /**
   * @param body - the unread response body
   * @param options - error context, signal, bounds
   */
  constructor(body: ResponseBody, options: SseReaderOptions) {
    this.#body = body;
    this.#options = options;
  }

  /** Marks the stream as finished by its protocol (`[DONE]`, `message_stop`): leaving the loop now drains the body instead of destroying it. */
  complete(): void {
    this.#completed = true;
  }

  /** Destroys the body now (releases the socket). Safe to call at any time. */
  destroy(): void {
    release(this.#body);
  }

  [Symbol.asyncIterator](): AsyncGenerator<EventSourceMessage, void, undefined> {
    if (this.#started) throw new TypeError('SseReader can be iterated only once');
    this.#started = true;
    return this.#events();
  }

  async *#events(): AsyncGenerator<EventSourceMessage, void, undefined> {
    const options = this.#options;
    const body = this.#body;
    const signal = options.signal;
    const queue: EventSourceMessage[] = [];
    let overflow = false;
    const parser = createParser({
      onEvent: (event) => queue.push(event),
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') overflow = true;
      },
      maxBufferSize: options.maxEventSize ?? 16 * 1024 * 1024,
    });
    const decoder = new TextDecoder('utf-8');
    const iterator = body.iterator({ destroyOnReturn: false })[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let ended = false;
    let failed = false;
    const onAbort = () => release(body);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (signal?.aborted) throw abortReason(signal, options.provider);
        let step: IteratorResult<Buffer>;
        try {
          step = await iterator.next();
        } catch (err) {
          failed = true;
          throw this.#broken(err);
        }
        if (step.done) {
          ended = true;
          // An event the body ended without its blank line is dispatched too (then judged by the caller).
          parser.feed(`${decoder.decode()}\n\n`);
        } else {
          parser.feed(decoder.decode(step.value, { stream: true }));
        }
        if (overflow) {
          failed = true;
          throw new StreamInterruptedError(`${options.label}: stream event larger than ${options.maxEventSize ?? 16 * 1024 * 1024} characters`, {
            provider: options.provider, requestId: options.requestId, retryable: true, contentDelivered: options.contentDelivered?.() ?? false,
          });
        }
        while (queue.length > 0) {
          yield queue.shift()!;
          if (signal?.aborted) throw abortReason(signal, options.provider);
        }
        if (ended) {
          await socketReturned();
          return;
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (!ended) {
        void iterator.return?.();
        if (this.#completed && !failed && !signal?.aborted) {
          // The protocol said the stream is over: wait (briefly) for the body's end so the socket
          // goes back to the pool before the caller's next request.
          await drain(body, options.drainMs ?? 1_000);
          if (body.readableEnded) await socketReturned();
        } else {
          release(body);
        }
      }
    }
  }

  #broken(err: unknown): LifelineError {
    const options = this.#options;
    const mapped = transportError(err, options);
    if (options.signal?.aborted || mapped.code === 'timeout' || mapped.code === 'abort') return mapped;
    return new StreamInterruptedError(`${options.label}: stream cut — ${mapped.message.replace(`${options.label}: `, '')}`, {
      provider: options.provider,
      requestId: options.requestId,
      retryable: true,
      contentDelivered: options.contentDelivered?.() ?? false,
      cause: mapped,
    });
  }
}
