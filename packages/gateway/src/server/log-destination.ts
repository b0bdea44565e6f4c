/**
 * Where the built-in logger writes: stdout, a burst of lines in one write.
 *
 * pino's default stdout destination makes one `write(2)` per line, on libuv's thread pool (a
 * futex wake and an eventfd round trip each): at one `request done` line per request, that was
 * most of the system calls the gateway made. Here lines collect in pino's own `SonicBoom` buffer
 * and go out when it holds {@link LOG_BUFFER_BYTES}, or {@link LOG_FLUSH_MS} after the first line
 * of a batch, whichever comes first. pino flushes what is left synchronously on process exit.
 * @module
 */
import pino from 'pino';

/** Longest a log line waits before it is written, in ms. */
export const LOG_FLUSH_MS = 100;
/** Buffered bytes that trigger a write at once. */
export const LOG_BUFFER_BYTES = 4096;

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
  const sonic = pino.destination({ dest: fd, sync: false, minLength: LOG_BUFFER_BYTES });
  let timer: NodeJS.Timeout | undefined;
  const flushNow = (cb?: (err?: Error) => void) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    sonic.flush(cb);
  };
  return {
    write(line) {
      sonic.write(line);
      if (timer === undefined) {
        timer = setTimeout(flushNow, LOG_FLUSH_MS);
        timer.unref();
      }
    },
    flush: flushNow,
  };
}
