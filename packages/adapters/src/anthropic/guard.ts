/**
 * Keeps a streamed response body from leaking its socket when the stream handed to the pipeline
 * is never read: aborted or returned before its first `next()`.
 * @module
 */
import { release } from '../http/body.js';
import type { ResponseBody } from '../http/send.js';

/**
 * Wraps `source` (a not-yet-started generator that reads `body`). Until the first `next()`, an
 * abort of `signal` or a `return()` releases `body`; once reading started, the reader owns it.
 *
 * @param source - the generator that will read the body
 * @param body - the response body
 * @param signal - the call's signal
 * @returns a generator yielding what `source` yields
 */
export function guardBody<T>(source: AsyncGenerator<T, void, undefined>, body: ResponseBody, signal: AbortSignal): AsyncGenerator<T, void, undefined> {
  let started = false;
  const onAbort = () => release(body);
  if (signal.aborted) release(body);
  else signal.addEventListener('abort', onAbort, { once: true });
  async function* run(): AsyncGenerator<T, void, undefined> {
    started = true;
    signal.removeEventListener('abort', onAbort);
    yield* source;
  }
  const gen = run();
  const original = gen.return.bind(gen);
  gen.return = (value) => {
    if (!started) {
      signal.removeEventListener('abort', onAbort);
      release(body);
    }
    return original(value);
  };
  return gen;
}
