/**
 * Batched writes of server-sent events to a response.
 * @module
 */
import type { ServerResponse } from 'node:http';
import { AbortError } from '@lifeline/core';

/** Resolves when `res` drained its buffer or closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Writes events to the socket in batches: the first event goes out at once (with the response
 * head), then the events written during one event-loop turn are joined and written together at
 * the end of that turn (`setImmediate`: no timer, no added wait when the loop is idle). One
 * chunked-encoding frame and one socket write per batch instead of one per event.
 * @example
 * ```ts
 * const out = new EventWriter(res);
 * for await (const chunk of stream) {
 *   const wait = out.write(`data: ${JSON.stringify(chunk)}\n\n`);
 *   if (wait) await wait; // the socket buffer is full
 * }
 * out.end('data: [DONE]\n\n', { 'x-lifeline-attempts': '1' });
 * ```
 */
export class EventWriter {
  readonly #res: ServerResponse;
  #pending = '';
  #scheduled = false;
  #started = false;
  #finishing = false;
  #held = false;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  /**
   * Queues `data`; returns a promise when the caller must wait for the socket to drain.
   * @throws {@link AbortError} when the client is gone
   */
  write(data: string): Promise<void> | undefined {
    const wait = this.queue(data);
    if (this.#pending !== '') this.#schedule();
    return wait;
  }

  /**
   * Queues `data` without scheduling a write: the caller has more events ready now and calls
   * {@link EventWriter.send} when it has none. The first event still goes out at once (with the
   * head). Returns a promise when the caller must wait for the socket to drain.
   * @throws {@link AbortError} when the client is gone
   */
  queue(data: string): Promise<void> | undefined {
    const res = this.#res;
    if (res.destroyed || res.writableEnded) throw new AbortError('The client disconnected during the stream');
    if (!this.#started) {
      this.#started = true;
      return res.write(data) ? undefined : drained(res);
    }
    this.#pending += data;
    return res.writableNeedDrain ? drained(res) : undefined;
  }

  /**
   * No other event is ready now: writes what is queued at once, in one write (no wait for the
   * end of the turn) — unless the stream is {@link EventWriter.finishing}, whose last batch waits
   * for the end as {@link EventWriter.write}'s does.
   */
  send(): Promise<void> | undefined {
    const res = this.#res;
    if (this.#pending === '' || res.destroyed || res.writableEnded) return undefined;
    if (this.#finishing) {
      this.#schedule();
      return undefined;
    }
    const data = this.#pending;
    this.#pending = '';
    return res.write(data) ? undefined : drained(res);
  }

  /**
   * The stream's last chunk was written: the end (`[DONE]`, trailers) usually follows within a
   * turn, so the last batch waits one more turn (at most) to go out with it in one write.
   */
  finishing(): void {
    this.#finishing = true;
  }

  /** Writes what is queued at the end of this turn (once, however often it is asked). */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(flushWriter, this);
  }

  /** Writes what is queued (the scheduled turn). */
  flush(): void {
    if (this.#finishing && !this.#held && this.#pending !== '') {
      this.#held = true;
      setImmediate(flushWriter, this);
      return;
    }
    this.#scheduled = false;
    const res = this.#res;
    if (this.#pending === '' || res.destroyed || res.writableEnded) return;
    const data = this.#pending;
    this.#pending = '';
    res.write(data);
  }

  /** Ends the response with what is queued, then `data`, then `trailers`. */
  end(data: string, trailers: Record<string, string>): void {
    const body = this.#pending + data;
    this.#pending = '';
    this.#res.addTrailers(trailers);
    this.#res.end(body);
  }
}

function flushWriter(writer: EventWriter): void {
  writer.flush();
}
