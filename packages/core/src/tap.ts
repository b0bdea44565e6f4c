/**
 * Passing a stream through with hooks, without an async generator per chunk.
 * @module
 */
import { innermost } from './delegate.js';

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
   * its first read, `next()` or `take()` (as an async generator's `finally` is not).
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
  return new Tapped(source, tap);
}

/**
 * The iterator {@link tapStream} returns. A class rather than closures: an in-flight stream holds
 * one object per tap instead of a dozen functions and their context (memory per in-flight stream
 * is what sizes a gateway); only the two callbacks a read hands to `then` are made per stream.
 */
class Tapped<T> implements TappedStream<T> {
  readonly #source: AsyncIterable<T>;
  readonly #tap: StreamTap<T>;
  #it: AsyncIterator<T> | undefined = undefined;
  #finished = false;
  #pending: Promise<unknown> | undefined = undefined;
  /** The failure of a chunk taken by `take()` whose hook threw: what the next `next()` returns. */
  #failed: Promise<never> | undefined = undefined;
  /**
   * The last `take()` found the source holding nothing: the `next()` that follows (a layer above
   * falling back to it) reads without trying again, so stacked layers try once per read, not once
   * per layer each.
   */
  #dry = false;

  constructor(source: AsyncIterable<T>, tap: StreamTap<T>) {
    this.#source = source;
    this.#tap = tap;
  }

  next(): Promise<IteratorResult<T>> {
    const failed = this.#failed;
    if (failed) {
      this.#failed = undefined;
      return failed;
    }
    const pending = this.#pending;
    if (this.#finished) return pending ? pending.then(done, done) : Promise.resolve(DONE);
    if (pending) return this.#after(pending);
    let it = this.#it;
    if (this.#dry) this.#dry = false;
    else if (it) {
      const taken = this.take();
      if (taken) return Promise.resolve(taken);
      if (this.#failed) return this.next();
      this.#dry = false;
    }
    try {
      it = it === undefined ? this.#source[Symbol.asyncIterator]() : innermost(it);
      this.#it = it;
      return (this.#pending = it.next().then(this.#onResult, this.#onError));
    } catch (err) {
      return this.#onError(err);
    }
  }

  take(): IteratorYieldResult<T> | undefined {
    let it = this.#it;
    if (this.#finished || this.#pending || this.#failed) return undefined;
    if (it === undefined) {
      // The first read may be a take(): the source is opened as next() would open it (a failure
      // to open is left to next(), which meets it again).
      try {
        it = this.#source[Symbol.asyncIterator]();
      } catch {
        return undefined;
      }
    }
    this.#it = it = innermost(it);
    const r = takeFrom(it);
    this.#dry = r === undefined;
    if (r === undefined) return undefined;
    const out = this.#passed(r);
    if (out instanceof Promise) {
      this.#failed = out;
      out.catch(() => {}); // handled by whoever calls next(), right after this returns undefined
      return undefined;
    }
    return out;
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    if (this.#pending) await this.#pending.catch(() => {});
    if (this.#finished) return DONE;
    this.#finished = true;
    const it = this.#it;
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
    await this.#settle('stopped');
    if (failed) throw error;
    return DONE;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next result once the read in flight settled (a method, not a closure in `next()`). */
  #after(pending: Promise<unknown>): Promise<IteratorResult<T>> {
    return pending.then(
      () => this.next(),
      () => this.next(),
    );
  }

  readonly #onResult = (r: IteratorResult<T>): IteratorResult<T> | Promise<IteratorResult<T>> => {
    this.#pending = undefined;
    if (r.done) {
      this.#finished = true;
      return this.#tap.end || this.#tap.finally ? this.#ended() : DONE;
    }
    return this.#passed(r);
  };

  readonly #onError = (err: unknown): Promise<never> => {
    this.#pending = undefined;
    this.#finished = true;
    return this.#fail(err);
  };

  /** Marks the stream finished and runs `finally`: its result as is (a promise only when the hook made one). */
  #settleNow(how: TapEnd, error?: unknown): unknown {
    this.#finished = true;
    return this.#tap.finally?.(how, error);
  }

  async #settle(how: TapEnd, error?: unknown): Promise<void> {
    const f = this.#settleNow(how, error);
    if (this.#tap.finally) await f;
  }

  async #fail(err: unknown): Promise<never> {
    const tap = this.#tap;
    const replaced = tap.error ? tap.error(err) : undefined;
    const error = replaced === undefined ? err : replaced;
    await this.#settle('error', error);
    throw error;
  }

  /**
   * The source ended: `end`, then `finally('done')`. Hooks that return no promise (most) are run
   * without one: no async function and no turn of the microtask queue per layer at each stream's end.
   */
  #ended(): IteratorReturnResult<undefined> | Promise<IteratorReturnResult<undefined>> {
    const tap = this.#tap;
    if (tap.end) {
      let r: unknown;
      try {
        r = tap.end();
      } catch (err) {
        return this.#fail(err);
      }
      if (isThenable(r)) return this.#endedAfter(r);
    }
    const f = this.#settleNow('done');
    return isThenable(f) ? Promise.resolve(f).then(done) : DONE;
  }

  /** The rest of the end after an `end` hook that returned a promise. */
  async #endedAfter(end: PromiseLike<unknown>): Promise<IteratorReturnResult<undefined>> {
    try {
      await end;
    } catch (err) {
      return this.#fail(err);
    }
    await this.#settle('done');
    return DONE;
  }

  /** The chunk result `r` through the `chunk` hook (a hook that throws releases the source and fails the stream). */
  #passed(r: IteratorYieldResult<T>): IteratorYieldResult<T> | Promise<never> {
    const tap = this.#tap;
    if (tap.chunk) {
      let next: T | void;
      try {
        next = tap.chunk(r.value);
      } catch (err) {
        this.#finished = true;
        void Promise.resolve(this.#it!.return?.()).catch(() => {});
        return this.#fail(err);
      }
      if (next !== undefined && next !== r.value) return { value: next, done: false };
    }
    return r;
  }
}

/** Resolves `done` whatever it is given (a shared callback). */
const done = (): IteratorReturnResult<undefined> => DONE;
