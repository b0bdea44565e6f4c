/**
 * Passing a stream through with hooks, without an async generator per chunk.
 * @module
 */
import { innermost, type DelegatingIterator } from './delegate.js';

/** How a tapped stream's iteration ended. */
export type TapEnd = 'done' | 'error' | 'stopped';

/** The hooks of {@link tapStream}; each is optional. */
export interface StreamTap<T> {
  /**
   * Sees each chunk before the consumer does; returns the chunk to pass on (`undefined`: the same).
   * Throwing releases the source and fails the stream with that error.
   */
  chunk?(chunk: T): T | void;
  /** The source ended: runs (and is awaited) before the consumer sees the end; throwing fails the stream. */
  end?(): unknown;
  /** The source (or a hook) threw: returns the error the consumer gets instead (`undefined`: the same). */
  error?(error: unknown): unknown;
  /**
   * Runs once, however the iteration ended — completed (`done`), failed (`error`, with the error) or
   * stopped by the consumer (`stopped`) — and is awaited. Not called when the consumer stops before
   * its first `next()` (as an async generator's `finally` is not).
   */
  finally?(how: TapEnd, error?: unknown): unknown;
}

/**
 * An async iterator that can also hand out a chunk it already holds, without a promise.
 *
 * `take()` returns what `next()` would resolve with when that is a chunk available now, consuming
 * it exactly as `next()` would; otherwise (nothing read yet, the end, an error, a call in flight)
 * `undefined`, and the caller calls `next()`. Stacked pass-through iterators that all take from
 * each other cost one promise per chunk, at the top, instead of one per layer.
 */
export interface TakeableIterator<T> extends AsyncIterator<T> {
  take?(): IteratorYieldResult<T> | undefined;
}

/** A chunk `it` already holds ({@link TakeableIterator}), or `undefined`: then call `it.next()`. */
export function takeFrom<T>(it: AsyncIterator<T>): IteratorYieldResult<T> | undefined {
  return (it as TakeableIterator<T>).take?.();
}

/** What {@link tapStream} returns: an async iterator (and iterable) whose `return()` is always there. */
export interface TappedStream<T> extends AsyncIterableIterator<T> {
  return(): Promise<IteratorReturnResult<undefined>>;
  /** A chunk available now, through the hooks ({@link TakeableIterator}). */
  take(): IteratorYieldResult<T> | undefined;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as PromiseLike<unknown> | null)?.then === 'function';

/** The rest of a tapped stream's end after an `end` hook that returned a promise. */
async function endedAfter(
  end: PromiseLike<unknown>,
  fail: (err: unknown) => Promise<never>,
  settle: (how: TapEnd) => Promise<void>,
): Promise<IteratorReturnResult<undefined>> {
  try {
    await end;
  } catch (err) {
    return fail(err);
  }
  await settle('done');
  return DONE;
}

/**
 * Wraps `source` so that `tap`'s hooks see each chunk and the end — the work of a
 * `for await … yield` async generator, at the cost of one promise per chunk instead of several
 * (no generator frame, no extra turns of the microtask queue). It behaves as such a generator
 * would: the source is opened on the first `next()`, calls are serialised (a `return()` during a
 * pending `next()` waits for it), `return()` releases the source and runs `finally('stopped')`,
 * and after the end every call resolves `done`.
 *
 * @param source - the stream to pass through
 * @param tap - the hooks
 * @returns an async iterator (and iterable) over the same chunks
 * @example
 * ```ts
 * ctx.stream = tapStream(ctx.stream, { chunk: (c) => void count++, finally: (how) => report(how) });
 * ```
 */
export function tapStream<T>(source: AsyncIterable<T>, tap: StreamTap<T>): TappedStream<T> {
  let it: AsyncIterator<T> | undefined;
  let finished = false;
  let pending: Promise<unknown> | undefined;
  /** The failure of a chunk taken by `take()` whose hook threw: what the next `next()` returns. */
  let failed: Promise<never> | undefined;
  /**
   * The last `take()` found the source holding nothing: the `next()` that follows (a layer above
   * falling back to it) reads without trying again, so stacked layers try once per read, not once
   * per layer each.
   */
  let dry = false;

  /** Marks the stream finished and runs `finally`: its result as is (a promise only when the hook made one). */
  const settleNow = (how: TapEnd, error?: unknown): unknown => {
    finished = true;
    return tap.finally?.(how, error);
  };
  const settle = async (how: TapEnd, error?: unknown): Promise<void> => {
    const f = settleNow(how, error);
    if (tap.finally) await f;
  };
  const fail = async (err: unknown): Promise<never> => {
    const replaced = tap.error ? tap.error(err) : undefined;
    const error = replaced === undefined ? err : replaced;
    await settle('error', error);
    throw error;
  };
  /**
   * The source ended: `end`, then `finally('done')`. Hooks that return no promise (most) are run
   * without one: no async function and no turn of the microtask queue per layer at each stream's end.
   */
  const ended = (): IteratorReturnResult<undefined> | Promise<IteratorReturnResult<undefined>> => {
    if (tap.end) {
      let r: unknown;
      try {
        r = tap.end();
      } catch (err) {
        return fail(err);
      }
      if (isThenable(r)) return endedAfter(r, fail, settle);
    }
    const f = settleNow('done');
    return isThenable(f) ? Promise.resolve(f).then(() => DONE) : DONE;
  };
  /** The chunk result `r` through the `chunk` hook (a hook that throws releases the source and fails the stream). */
  const passed = (r: IteratorYieldResult<T>): IteratorYieldResult<T> | Promise<never> => {
    if (tap.chunk) {
      let next: T | void;
      try {
        next = tap.chunk(r.value);
      } catch (err) {
        finished = true;
        void Promise.resolve(it!.return?.()).catch(() => {});
        return fail(err);
      }
      if (next !== undefined && next !== r.value) return { value: next, done: false };
    }
    return r;
  };
  const onResult = (r: IteratorResult<T>): IteratorResult<T> | Promise<IteratorResult<T>> => {
    pending = undefined;
    if (r.done) {
      finished = true;
      return tap.end || tap.finally ? ended() : DONE;
    }
    return passed(r);
  };
  const onError = (err: unknown): Promise<never> => {
    pending = undefined;
    finished = true;
    return fail(err);
  };

  const self: TappedStream<T> = {
    next(): Promise<IteratorResult<T>> {
      if (failed) {
        const failure = failed;
        failed = undefined;
        return failure;
      }
      if (finished) return pending ? pending.then(() => DONE, () => DONE) : Promise.resolve(DONE);
      if (pending) return pending.then(() => self.next(), () => self.next());
      if (dry) dry = false;
      else if (it) {
        const taken = self.take();
        if (taken) return Promise.resolve(taken);
        if (failed) return self.next();
        dry = false;
      }
      try {
        it = it === undefined ? source[Symbol.asyncIterator]() : (it as DelegatingIterator<T>).delegate === undefined ? it : innermost(it);
        return (pending = it.next().then(onResult, onError));
      } catch (err) {
        return onError(err);
      }
    },
    take(): IteratorYieldResult<T> | undefined {
      if (finished || pending || failed || !it) return undefined;
      if ((it as DelegatingIterator<T>).delegate !== undefined) it = innermost(it);
      const r = takeFrom(it);
      dry = r === undefined;
      if (r === undefined) return undefined;
      const out = passed(r);
      if (out instanceof Promise) {
        failed = out;
        out.catch(() => {}); // handled by whoever calls next(), right after this returns undefined
        return undefined;
      }
      return out;
    },
    async return(): Promise<IteratorReturnResult<undefined>> {
      if (pending) await pending.catch(() => {});
      if (finished) return DONE;
      finished = true;
      if (!it) return DONE;
      let error: unknown;
      let failed = false;
      try {
        const r = it.return?.();
        if (isThenable(r)) await r;
      } catch (err) {
        failed = true;
        error = err;
      }
      await settle('stopped');
      if (failed) throw error;
      return DONE;
    },
    [Symbol.asyncIterator]() {
      return self;
    },
  };
  return self;
}
