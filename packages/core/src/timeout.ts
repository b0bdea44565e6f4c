/**
 * `timeout()`: per-attempt deadlines, and for streams a first-token and an idle limit.
 * @module
 */
import type { Context } from './context.js';
import { ConfigurationError, TimeoutError, type TimeoutKind } from './errors.js';
import { isContentChunk } from './assemble.js';
import type { Middleware } from './middleware.js';
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

  return async function timeout(ctx, next) {
    const child = ctx.fork();
    const clock = ctx.clock;
    const startedAt = clock.now();
    const timers = new Map<TimeoutKind, unknown>();
    const fire = (kind: 'total' | 'firstToken' | 'idle', limit: number) => () => {
      const provider = child.target?.name;
      const what = kind === 'total' ? 'attempt did not finish' : kind === 'firstToken' ? 'no first token' : 'stream went silent';
      const message = kind === 'idle'
        ? `Timeout: stream went silent for ${limit} ms (${LABEL[kind]})${provider ? ` from ${provider}` : ''}`
        : `Timeout: ${what} within ${limit} ms (${LABEL[kind]})${provider ? ` from ${provider}` : ''}`;
      child.abort(new TimeoutError(message, { kind, timeoutMs: limit, provider }));
    };
    const arm = (kind: 'total' | 'firstToken' | 'idle', limit: number | undefined) => {
      if (limit === undefined) return;
      const old = timers.get(kind);
      if (old !== undefined) clock.clearTimeout(old);
      timers.set(kind, clock.setTimeout(fire(kind, limit), limit));
    };
    const disarm = (kind: TimeoutKind) => {
      const t = timers.get(kind);
      if (t !== undefined) {
        clock.clearTimeout(t);
        timers.delete(kind);
      }
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
      await untilAborted(next(child), child);
    } catch (err) {
      release();
      throw err;
    }
    ctx.adopt(child);
    if (!ctx.streaming || !child.stream) {
      release();
      return;
    }
    if (idleMs !== undefined) arm('idle', idleMs);
    ctx.stream = guard(child.stream, child, {
      onChunk(chunk) {
        if (isContentChunk(chunk)) disarm('firstToken');
        if (idleMs !== undefined) arm('idle', idleMs);
      },
      release,
    });
  };
}

/** Rejects with the child's abort reason as soon as it aborts, even if `work` never settles. */
function untilAborted<T>(work: Promise<T>, child: Context): Promise<T> {
  const signal = child.signal;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

async function* guard(
  stream: AsyncIterable<ChatChunk>,
  child: Context,
  hooks: { onChunk(chunk: ChatChunk): void; release(): void },
): AsyncGenerator<ChatChunk> {
  const it = stream[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      const r = await untilAborted(it.next(), child);
      if (r.done) {
        done = true;
        return;
      }
      hooks.onChunk(r.value);
      yield r.value;
    }
  } finally {
    hooks.release();
    if (!done) void Promise.resolve(it.return?.()).catch(() => {});
  }
}
