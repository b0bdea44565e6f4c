/**
 * Where the built-in logger writes: stdout, a burst of lines in one write.
 *
 * pino's default stdout destination makes one `write(2)` per line, on libuv's thread pool (a
 * futex wake and an eventfd round trip each): at one `request done` line per request, that was
 * most of the system calls the gateway made. Here lines collect in a string and are handed to
 * pino's `SonicBoom` (which writes them in one call) when they reach {@link LOG_BUFFER_BYTES}, or
 * {@link LOG_FLUSH_MS} after the first line of a batch, whichever comes first. SonicBoom is given
 * whole batches, not lines: it measures the UTF-8 length of what it already holds on every
 * `write`, which cost more than the line itself once it held a few KB. pino flushes what is
 * left (the batch being collected too) synchronously on process exit.
 * @module
 */
import pino from 'pino';

/** Longest a log line waits before it is written, in ms. */
export const LOG_FLUSH_MS = 100;
/** Buffered characters (bytes, for ASCII lines) that trigger a write at once. */
export const LOG_BUFFER_BYTES = 16_384;

/** A pino destination with a `flush` (pino's `logger.flush(cb)` calls it). */
export interface LogDestination {
  write(line: string): void;
  /** Writes what is buffered; `cb` runs once it is written. */
  flush(cb?: (err?: Error) => void): void;
}

/**
 * The gateway's stdout destination.
 *
 * @param fd - file descriptor to write to
 * @returns the destination
 * @example
 * ```ts
 * const logger = pino({ level: 'info' }, batchedDestination());
 * ```
 */
export function batchedDestination(fd = 1): LogDestination {
  // minLength 1: a batch handed over is written at once, and `flush(cb)` waits for the write (at 0 it would not).
  const sonic = pino.destination({ dest: fd, sync: false, minLength: 1 });
  let batch = '';
  let timer: NodeJS.Timeout | undefined;
  const handOver = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (batch === '') return;
    const lines = batch;
    batch = '';
    sonic.write(lines);
  };
  // pino's exit handlers flush the SonicBoom itself (`flushSync` on exit, `flush` before it):
  // the batch being collected goes first.
  const flushSync = sonic.flushSync.bind(sonic);
  const flush = sonic.flush.bind(sonic);
  sonic.flushSync = () => {
    handOver();
    flushSync();
  };
  sonic.flush = (cb?: (err?: Error) => void) => {
    handOver();
    flush(cb);
  };
  return {
    write(line) {
      batch += line;
      if (batch.length >= LOG_BUFFER_BYTES) handOver();
      else if (timer === undefined) {
        timer = setTimeout(handOver, LOG_FLUSH_MS);
        timer.unref();
      }
    },
    flush: (cb) => sonic.flush(cb),
  };
}
