/**
 * Server-sent events over an undici response body, parsed with `eventsource-parser`: tolerant of
 * comments (`: keep-alive`), CRLF, events split across packets; abort-aware; releases the socket
 * whenever the consumer stops early.
 * @module
 */
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { StreamInterruptedError, abortReason, type LifelineError } from '@lifeline/core';
import { drain, release, socketReturned } from './body.js';
import type { ResponseBody } from './send.js';
import { abortsOf, followedCancellation, transportError, type TransportErrorContext } from './transport-error.js';

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
export class SseReader<E = EventSourceMessage> implements AsyncIterable<E> {
  readonly #body: ResponseBody;
  readonly #options: SseReaderOptions;
  readonly #framing: Framing<E>;
  #completed = false;
  #started = false;

  /**
   * @param body - the unread response body
   * @param options - error context, signal, bounds
   * @param framing - how the body's text splits into events; SSE events by default
   */
  constructor(body: ResponseBody, options: SseReaderOptions, framing: Framing<E> = sseFraming as unknown as Framing<E>) {
    this.#body = body;
    this.#options = options;
    this.#framing = framing;
  }

  /** Marks the stream as finished by its protocol (`[DONE]`, `message_stop`): leaving the loop now drains the body instead of destroying it. */
  complete(): void {
    this.#completed = true;
  }

  /** Destroys the body now (releases the socket). Safe to call at any time. */
  destroy(): void {
    release(this.#body);
  }

  [Symbol.asyncIterator](): SseEventIterator<E> {
    if (this.#started) throw new TypeError('SseReader can be iterated only once');
    this.#started = true;
    return new SseEvents(this.#body, this.#options, this.#framing, () => this.#completed, (err) => this.#broken(err));
  }

  #broken(err: unknown): LifelineError {
    const options = this.#options;
    const mapped = transportError(err, options);
    if (abortsOf(options)?.aborted || mapped.code === 'timeout' || mapped.code === 'abort') return mapped;
    return new StreamInterruptedError(`${options.label}: stream cut — ${mapped.message.replace(`${options.label}: `, '')}`, {
      provider: options.provider,
      requestId: options.requestId,
      retryable: true,
      contentDelivered: options.contentDelivered?.() ?? false,
      cause: mapped,
    });
  }
}

/** The iterator of an {@link SseReader}: an async iterator that also hands out events already read without a promise. */
export interface SseEventIterator<E = EventSourceMessage> extends AsyncIterableIterator<E> {
  /**
   * The next event when one is already read and the iteration can simply go on (not aborted, not
   * ended); `undefined` otherwise — then `next()` says what comes (an event to wait for, the end,
   * an error). Taking events this way is the same as `next()` resolving with them, without a
   * promise per event.
   */
  take(): E | undefined;
  return(): Promise<IteratorReturnResult<undefined>>;
}

/** Splits a body's decoded text into events, pushed to the queue it was made with. */
export interface Framer {
  /** Parses `text`; false when an event outgrew `maxEventSize` (the stream then fails). */
  feed(text: string): boolean;
  /** The body's last text: parses it, then dispatches an event left without its blank line. */
  end(text: string): boolean;
}

/** Makes the {@link Framer} of one body, pushing its events to `queue`. */
export type Framing<E> = (queue: E[], maxEventSize: number) => Framer;

/** SSE events, parsed with `eventsource-parser` (the default {@link Framing} of {@link SseReader}). */
class SseFramer implements Framer {
  readonly #parser: EventSourceParser;
  #overflow = false;

  constructor(queue: EventSourceMessage[], maxBufferSize: number) {
    this.#parser = createParser({
      onEvent: (event) => queue.push(event),
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') this.#overflow = true;
      },
      maxBufferSize,
    });
  }

  feed(text: string): boolean {
    this.#parser.feed(text);
    return !this.#overflow;
  }

  end(text: string): boolean {
    // An event the body ended without its blank line is dispatched too (then judged by the caller).
    return this.feed(`${text}\n\n`);
  }
}

const sseFraming: Framing<EventSourceMessage> = (queue, maxEventSize) => new SseFramer(queue, maxEventSize);

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
/** Events parsed ahead of the consumer before the body is paused. */
const HIGH_WATER_EVENTS = 256;

/**
 * The events of one body, read with `data` events (no async iterator over the body, no generator
 * per event): each buffer is parsed at once, its events queued; the body pauses while the consumer
 * lags {@link HIGH_WATER_EVENTS} behind. Failures surface after the events read before them, an
 * abort at once.
 */
class SseEvents<E> implements SseEventIterator<E> {
  readonly #body: ResponseBody;
  readonly #options: SseReaderOptions;
  readonly #framing: Framing<E>;
  readonly #completed: () => boolean;
  readonly #broken: (err: unknown) => LifelineError;
  readonly #queue: E[] = [];
  #head = 0;
  #framer: Framer | undefined;
  readonly #decoder = new TextDecoder('utf-8');
  #listening = false;
  #paused = false;
  /** The body ended (all its events are parsed). */
  #ended = false;
  /** The body failed (the error comes after the queued events). */
  #failure: unknown = undefined;
  #failed = false;
  /** The iteration is over: every call resolves `done`. */
  #finished = false;
  /** Settles the `next()` waiting for the body (set while one waits). */
  #wake: ((result: IteratorResult<E> | Promise<IteratorResult<E>>) => void) | undefined;
  readonly #onData = (chunk: Buffer) => this.#feed(this.#decoder.decode(chunk, { stream: true }));
  readonly #onEnd = () => {
    this.#ended = true;
    this.#feed(this.#decoder.decode(), true);
  };
  readonly #onError = (err: unknown) => this.#fail(this.#broken(err));
  readonly #onAbort = () => release(this.#body);
  /** Stops following the call's aborts (set while the body is listened to). */
  #unfollow: (() => void) | undefined = undefined;

  constructor(body: ResponseBody, options: SseReaderOptions, framing: Framing<E>, completed: () => boolean, broken: (err: unknown) => LifelineError) {
    this.#body = body;
    this.#options = options;
    this.#framing = framing;
    this.#completed = completed;
    this.#broken = broken;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<E>> {
    if (this.#finished) return Promise.resolve(DONE);
    const aborts = abortsOf(this.#options);
    if (aborts?.aborted) return this.#stop(abortReason(aborts, this.#options.provider));
    if (!this.#listening) this.#listen();
    if (this.#head < this.#queue.length) return Promise.resolve({ value: this.#dequeue(), done: false });
    if (this.#failed) return this.#stop(this.#failure);
    if (this.#ended) return this.#close().then(() => DONE);
    return this.#waitThenNext();
  }

  /**
   * Waits for the body's next event, end or failure, then answers `next()` (a closure here, not in
   * `next()`: it would cost a context on every call). An event that arrives settles the read with
   * itself: one promise per awaited event, no second `next()`.
   */
  #waitThenNext(): Promise<IteratorResult<E>> {
    return new Promise<IteratorResult<E>>((resolve) => (this.#wake = resolve));
  }

  /** What the waiting `next()` answers now that the body moved: the first queued event, else what `next()` says. */
  #afterWait(): IteratorResult<E> | Promise<IteratorResult<E>> {
    if (!this.#finished && this.#head < this.#queue.length && !abortsOf(this.#options)?.aborted) return { value: this.#dequeue(), done: false };
    return this.next();
  }

  take(): E | undefined {
    if (this.#finished || this.#head >= this.#queue.length || abortsOf(this.#options)?.aborted) return undefined;
    return this.#dequeue();
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    if (this.#finished) return DONE;
    await this.#close();
    return DONE;
  }

  /** The first queued event (there is one); resumes the body once the consumer caught up. */
  #dequeue(): E {
    const queue = this.#queue;
    const event = queue[this.#head++]!;
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    }
    if (this.#paused && queue.length - this.#head < HIGH_WATER_EVENTS / 2) {
      this.#paused = false;
      this.#body.resume();
    }
    return event;
  }

  #listen(): void {
    this.#listening = true;
    const options = this.#options;
    this.#framer = this.#framing(this.#queue, options.maxEventSize ?? 16 * 1024 * 1024);
    const body = this.#body;
    const cancellation = followedCancellation(options);
    if (cancellation !== undefined) this.#unfollow = cancellation.onAbort(this.#onAbort);
    else options.signal?.addEventListener('abort', this.#onAbort, { once: true });
    if (body.readableEnded) {
      this.#onEnd();
      return;
    }
    if (body.destroyed) {
      const aborts = abortsOf(options);
      this.#onError(aborts?.aborted ? aborts.reason : new Error('the response body was already destroyed'));
      return;
    }
    body.on('data', this.#onData).on('end', this.#onEnd).on('error', this.#onError);
  }

  #feed(text: string, last = false): void {
    if (this.#failed) return;
    let fits: boolean;
    try {
      fits = last ? this.#framer!.end(text) : this.#framer!.feed(text);
    } catch (err) {
      this.#fail(this.#broken(err));
      return;
    }
    if (!fits) {
      const o = this.#options;
      this.#fail(
        new StreamInterruptedError(`${o.label}: stream event larger than ${o.maxEventSize ?? 16 * 1024 * 1024} characters`, {
          provider: o.provider, requestId: o.requestId, retryable: true, contentDelivered: o.contentDelivered?.() ?? false,
        }),
      );
      return;
    }
    if (!this.#paused && !this.#ended && this.#queue.length - this.#head >= HIGH_WATER_EVENTS) {
      this.#paused = true;
      this.#body.pause();
    }
    this.#wakeUp();
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#failure = error;
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    if (wake) {
      this.#wake = undefined;
      wake(this.#afterWait());
    }
  }

  /** Ends the iteration with `error` (after releasing the body). */
  async #stop(error: unknown): Promise<never> {
    this.#failed = true;
    await this.#close();
    throw error;
  }

  /** Detaches from the body; drains it when the protocol said the stream is over, else destroys it. */
  async #close(): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    const body = this.#body;
    const signal = this.#options.signal;
    const unfollow = this.#unfollow;
    if (unfollow !== undefined) {
      this.#unfollow = undefined;
      unfollow();
    } else signal?.removeEventListener('abort', this.#onAbort);
    if (this.#listening) {
      // Paused first: what is left of the body waits for drain() instead of flowing to nobody.
      body.pause();
      body.off('data', this.#onData).off('end', this.#onEnd).off('error', this.#onError);
      // undici turns a destroy() into an 'error' event: keep one listener for it.
      body.on('error', noop);
    }
    if (this.#ended) {
      // The body ended: its socket goes back to the pool on the next turn.
      await socketReturned();
      return;
    }
    if (this.#completed() && !this.#failed && !signal?.aborted) {
      // The protocol said the stream is over: wait (briefly) for the body's end so the socket
      // goes back to the pool before the caller's next request.
      await drain(body, this.#options.drainMs ?? 1_000);
      if (body.readableEnded) await socketReturned();
    } else {
      release(body);
    }
  }
}

function noop(): void {}
