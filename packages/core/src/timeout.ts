/**
 * `timeout()`: per-attempt deadlines, and for streams a first-token and an idle limit.
 * @module
 */
import { takeFrom, tapStream, type TakeableIterator } from './tap.js';
import { abortReason } from './abort.js';
import { raceContext } from './race.js';
import type { Context } from './context.js';
import { ConfigurationError, TimeoutError, type TimeoutKind } from './errors.js';
import { isContentChunk } from './assemble.js';
import type { Middleware, Next } from './middleware.js';
import type { ChatChunk } from './types.js';

/** Options of {@link timeout}. At least one limit is required. */
export interface TimeoutOptions {
  /** Total time per attempt (until the response, or the end of the stream), in ms. */
  ms?: number;
  /** Streams: time from the start of the attempt to the first content chunk, in ms. */
  firstTokenMs?: number;
  /** Streams: longest silence between two chunks, in ms. */
  idleMs?: number;
}

const LABEL: Record<'total' | 'firstToken' | 'idle', string> = {
  total: 'ms',
  firstToken: 'firstTokenMs',
  idle: 'idleMs',
};

function check(name: keyof TimeoutOptions, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))) {
    throw new ConfigurationError(`timeout: ${name} must be a positive number of milliseconds, got ${String(value)}`);
  }
}

/**
 * Bounds each attempt. Place it innermost (after retry and the breaker) so every attempt gets
 * its own limits; a fired limit raises {@link TimeoutError} whose `kind` says which one.
 * Enforced even against an adapter that ignores its abort signal.
 *
 * @param options - the limits
 * @throws {@link ConfigurationError} when no limit is given or a limit is not a positive number
 * @example
 * ```ts
 * createClient({ adapter, use: [retry(), timeout({ ms: 30_000, firstTokenMs: 10_000, idleMs: 15_000 })] });
 * ```
 */
export function timeout(options: TimeoutOptions): Middleware {
  const { ms, firstTokenMs, idleMs } = options ?? {};
  check('ms', ms);
  check('firstTokenMs', firstTokenMs);
  check('idleMs', idleMs);
  if (ms === undefined && firstTokenMs === undefined && idleMs === undefined) {
    throw new ConfigurationError('timeout: give at least one of ms, firstTokenMs, idleMs');
  }

  // A JSON call takes the lean path (one timer, no stream bookkeeping, no async frame); a stream the full one.
  return function timeout(ctx, next) {
    return ctx.streaming ? timeStream(ctx, next) : timeCall(ctx, next, ms);
  };

  async function timeStream(ctx: Context, next: Next): Promise<void> {
    const child = ctx.fork();
    const clock = ctx.clock;
    const startedAt = clock.now();
    const timers = new Map<TimeoutKind, unknown>();
    const fire = (kind: 'total' | 'firstToken' | 'idle', limit: number) => () => expire(child, kind, limit);
    const arm = (kind: 'total' | 'firstToken' | 'idle', limit: number | undefined) => {
      if (limit === undefined) return;
      const old = timers.get(kind);
      if (old !== undefined) clock.clearTimeout(old);
      timers.set(kind, clock.setTimeout(fire(kind, limit), limit));
    };
    const disarm = (kind: TimeoutKind) => {
      const t = timers.get(kind);
      // Stryker disable next-line ConditionalExpression: clearing or deleting a timer that is not armed is a no-op
      if (t !== undefined) {
        clock.clearTimeout(t);
        // Stryker disable next-line CallExpression: a cleared timer left in the map is only cleared again by release(), a no-op
        timers.delete(kind);
      }
    };
    // The idle limit: one timer per silence, not one per chunk. A chunk only records when it came;
    // when the timer fires early (chunks came since), it is set again for what is left.
    let lastChunkAt = 0;
    const idleCheck = () => {
      const silentMs = clock.now() - lastChunkAt;
      if (idleMs === undefined) return;
      if (silentMs >= idleMs) {
        timers.delete('idle');
        fire('idle', idleMs)();
      } else {
        timers.set('idle', clock.setTimeout(idleCheck, idleMs - silentMs));
      }
    };
    const touchIdle = () => {
      lastChunkAt = clock.now();
      if (idleMs !== undefined && !timers.has('idle')) timers.set('idle', clock.setTimeout(idleCheck, idleMs));
    };
    const release = () => {
      for (const t of timers.values()) clock.clearTimeout(t);
      timers.clear();
      child.dispose();
    };

    if (ms !== undefined) {
      const until = startedAt + ms;
      child.deadline = child.deadline === undefined ? until : Math.min(child.deadline, until);
      arm('total', ms);
    }
    if (ctx.streaming) arm('firstToken', firstTokenMs);

    try {
      await raceContext(next(child), child);
    } catch (err) {
      release();
      throw err;
    }
    ctx.adopt(child);
    if (!ctx.streaming || !child.stream) {
      release();
      return;
    }
    touchIdle();
    let awaitingContent = firstTokenMs !== undefined;
    ctx.stream = guard(child.stream, child, {
      onChunk(chunk) {
        if (awaitingContent && isContentChunk(chunk)) {
          awaitingContent = false;
          disarm('firstToken');
        }
        if (idleMs !== undefined) touchIdle();
      },
      release,
    });
  }
}

/**
 * A JSON call: only `ms` applies — one timer; the attempt raced against the child's abort as
 * {@link raceContext} would (settles at once on abort; a late outcome is ignored), with one
 * promise and no async frame.
 */
function timeCall(ctx: Context, next: Next, ms: number | undefined): Promise<void> {
  const child = ctx.fork();
  const clock = ctx.clock;
  let timer: unknown;
  if (ms !== undefined) {
    const until = clock.now() + ms;
    child.deadline = child.deadline === undefined ? until : Math.min(child.deadline, until);
    timer = clock.setTimeout(() => expire(child, 'total', ms), ms);
  }
  let work: Promise<void>;
  try {
    work = next(child);
  } catch (error) {
    work = Promise.reject(error);
  }
  return new Promise<void>((resolve, reject) => {
    let done = false;
    let off: (() => void) | undefined;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      off?.();
      if (timer !== undefined) clock.clearTimeout(timer);
      return true;
    };
    work.then(
      () => {
        if (!finish()) return;
        ctx.adopt(child);
        child.dispose();
        resolve();
      },
      (error: unknown) => {
        if (!finish()) return;
        child.dispose();
        reject(error);
      },
    );
    off = child.onAbort(() => {
      if (!finish()) return;
      child.dispose();
      reject(abortReason(child));
    });
    if (done) off(); // aborted already: onAbort ran the callback before returning its disposer
  });
}

/** Aborts `child` with the {@link TimeoutError} of the limit that fired. */
function expire(child: Context, kind: 'total' | 'firstToken' | 'idle', limit: number): void {
  const provider = child.target?.name;
  const from = provider ? ` from ${provider}` : '';
  const option = `(timeout({ ${LABEL[kind]} }))`;
  const message =
    kind === 'total'
      ? `Timeout: attempt${provider ? ` to ${provider}` : ''} did not finish within ${limit} ms ${option}`
      : kind === 'firstToken'
        ? `Timeout: no first token${from} within ${limit} ms ${option}`
        : `Timeout: stream${from} went silent for ${limit} ms ${option}`;
  child.abort(new TimeoutError(message, { kind, timeoutMs: limit, provider }));
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** Passes `stream` through, each read raced against the child's abort (its timers); `release` at the end. */
function guard(
  stream: AsyncIterable<ChatChunk>,
  child: Context,
  hooks: { onChunk(chunk: ChatChunk): void; release(): void },
): AsyncIterable<ChatChunk> {
  const raced = new RacedSource(stream, child);
  return tapStream(raced, {
    chunk(chunk) {
      hooks.onChunk(chunk);
    },
    finally(how) {
      raced.unlisten();
      hooks.release();
      if (how !== 'done') raced.releaseSource();
    },
  });
}

/**
 * The source as the tap reads it: each `next()` raced against the child (as raceContext() would,
 * with one abort callback for the whole stream instead of one per read); a chunk the source
 * already holds needs no race, unless the child is already aborted. `return()` is the tap's
 * `finally` ({@link RacedSource.unlisten}, {@link RacedSource.releaseSource}). A class: one object
 * per stream, not a closure per method.
 */
class RacedSource implements AsyncIterableIterator<ChatChunk>, TakeableIterator<ChatChunk> {
  readonly #stream: AsyncIterable<ChatChunk>;
  readonly #child: Context;
  #source: AsyncIterator<ChatChunk> | undefined = undefined;
  #off: (() => void) | undefined = undefined;
  /** Rejects the read in flight (a settled read ignores it). */
  #failRead: ((reason: unknown) => void) | undefined = undefined;

  constructor(stream: AsyncIterable<ChatChunk>, child: Context) {
    this.#stream = stream;
    this.#child = child;
  }

  [Symbol.asyncIterator](): this {
    this.#source = this.#stream[Symbol.asyncIterator]();
    this.#off = this.#child.onAbort(this.#onAbort);
    return this;
  }

  next(): Promise<IteratorResult<ChatChunk>> {
    return new Promise(this.#read);
  }

  take(): IteratorYieldResult<ChatChunk> | undefined {
    return this.#child.aborted ? undefined : takeFrom(this.#source!);
  }

  return(): Promise<IteratorReturnResult<undefined>> {
    return Promise.resolve(DONE);
  }

  /** Stops listening for the child's abort (the stream is over). */
  unlisten(): void {
    this.#off?.();
  }

  /** Releases the source (a stream that did not end by itself). */
  releaseSource(): void {
    const it = this.#source;
    if (it) void Promise.resolve(it.return?.()).catch(() => {});
  }

  readonly #onAbort = (): void => this.#failRead?.(abortReason(this.#child));

  readonly #read = (resolve: (r: IteratorResult<ChatChunk>) => void, reject: (reason: unknown) => void): void => {
    this.#failRead = reject;
    this.#source!.next().then(resolve, reject);
    if (this.#child.aborted) reject(abortReason(this.#child));
  };
}
