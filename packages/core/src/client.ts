/**
 * `createClient`: the entry point applications call.
 * @module
 */
import { abortReason } from './abort.js';
import { raceContext } from './race.js';
import type { Adapter } from './adapter.js';
import { ResponseAssembler, responseToChunks } from './assemble.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { compose } from './compose.js';
import { innermost } from './delegate.js';
import { Context } from './context.js';
import { AbortError, ConfigurationError, LifelineError, TimeoutError } from './errors.js';
import { lifelineChannel, type RequestEvent } from './events.js';
import type { Meta } from './meta.js';
import type { Middleware, Next } from './middleware.js';
import { type TakeableIterator, takeFrom, tapStream } from './tap.js';
import { createTerminal } from './terminal.js';
import type { ChatChunk, ChatRequest, ChatResponse } from './types.js';
import { validateRequest } from './validate.js';
import { validateEmbeddingRequest } from './validate-embedding.js';
import { embedCall, type EmbeddingResult } from './client-embed.js';
import type { EmbeddingRequest } from './embedding-types.js';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** The default target, used when no middleware sets `ctx.target`. */
  adapter?: Adapter;
  /** Middleware, outermost first. */
  use?: readonly Middleware[];
  /** Time source for deadlines and latencies. @defaultValue the system clock */
  clock?: Clock;
}

/** Per-call options of `chat` and `stream`. */
export interface CallOptions {
  /** Aborts the call; raises {@link AbortError}. */
  signal?: AbortSignal;
  /** Overall deadline across all attempts, in ms; raises {@link TimeoutError} (`kind: 'overall'`). */
  timeoutMs?: number;
  /** Free-form data visible to middleware as `ctx.metadata` (e.g. `{ tenant: 'acme' }`). */
  metadata?: Record<string, unknown>;
}

/** What `chat` resolves to. */
export interface ChatResult {
  response: ChatResponse;
  meta: Meta;
}

/** The async iterable `stream` returns. */
export interface LifelineStream extends AsyncIterable<ChatChunk> {
  /** Settles when the iteration ends: the assembled response, or the error that ended it. */
  readonly result: Promise<ChatResult>;
  /** Live meta of the call. */
  readonly meta: Meta;
  /** Stops the call and releases the upstream connection. */
  abort(reason?: unknown): void;
}

/** A Lifeline client. */
export interface LifelineClient {
  /** Sends a request through the pipeline and resolves with the complete response. */
  chat(request: ChatRequest, options?: CallOptions): Promise<ChatResult>;
  /** Streams a request through the pipeline; see {@link LifelineStream}. */
  stream(request: ChatRequest, options?: CallOptions): LifelineStream;
  /**
   * Sends an embedding request through the same pipeline (`ctx.operation === 'embed'`) and
   * resolves with the vectors, one per input item, in order.
   * @throws {@link BadRequestError} naming the invalid field, before any network call
   */
  embed(request: EmbeddingRequest, options?: CallOptions): Promise<EmbeddingResult>;
}

const noop = () => {};

/** The options of a call made without any (shared: a call only reads them). */
const NO_OPTIONS: CallOptions = Object.freeze({});

/** `lifeline:request`, looked up once: a call builds its payloads only while someone subscribes. */
const requests = lifelineChannel('lifeline:request');

/**
 * Attaches the failed call's meta (attempts, attempt log, provider…) to the error as a
 * non-enumerable `meta` property, so a caller can report what happened without it leaking into
 * `JSON.stringify(error)`. An error already carrying a meta (one shared by coalesced callers)
 * keeps the first.
 */
function attachMeta(error: unknown, meta: Meta): void {
  if (typeof error !== 'object' || error === null || Object.isFrozen(error)) return;
  if (Object.prototype.hasOwnProperty.call(error, 'meta')) return;
  try {
    Object.defineProperty(error, 'meta', { value: meta, enumerable: false, configurable: true });
  } catch {
    // an exotic error object that refuses new properties: nothing to attach
  }
}

/** The meta of the call that failed with `error`, when `chat()`/`stream()` attached one. */
export function errorMeta(error: unknown): Meta | undefined {
  const meta = (error as { meta?: unknown } | null)?.meta;
  return typeof meta === 'object' && meta !== null && Array.isArray((meta as Meta).attemptLog) ? (meta as Meta) : undefined;
}

/**
 * Once `timeoutMs` fires, the pipeline keeps this long to answer from a fallback (stale cache,
 * degraded answer) before the call fails with the `TimeoutError`. The caller's own abort has no grace.
 */
export const DEADLINE_GRACE_MS = 250;

/**
 * Creates a client running `use` as an onion around the adapter.
 *
 * @param options - adapter and middleware
 * @returns the client
 * @throws {@link ConfigurationError} when a middleware is not a function
 * @example
 * ```ts
 * const client = createClient({ adapter: openai({ baseURL, apiKey }), use: [retry(), timeout({ ms: 30_000 })] });
 * const { response, meta } = await client.chat({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] });
 * const { response: vectors } = await client.embed({ model: 'text-embedding-3-small', input: ['a', 'b'] });
 * for await (const chunk of client.stream({ model, messages })) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
 * ```
 */
export function createClient(options: ClientOptions = {}): LifelineClient {
  const pipeline = compose(options.use ?? []);
  const terminal: Next = createTerminal(options.adapter);
  const clock = options.clock ?? systemClock;

  /** Validates the request and opens the call's context; `deadlineTimer` arms `timeoutMs` on it. */
  function open(request: ChatRequest, streaming: boolean, call: CallOptions, operation?: 'embed'): Context {
    if (operation === undefined) validateRequest(request);
    else validateEmbeddingRequest(request);
    const { timeoutMs } = call;
    if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs > 0))) {
      throw new ConfigurationError(`timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
    }
    const ctx = new Context({
      request: streaming ? { ...request, stream: true } : request,
      streaming,
      signal: call.signal,
      deadline: timeoutMs === undefined ? undefined : clock.now() + timeoutMs,
      metadata: call.metadata,
      target: options.adapter,
      clock,
      operation,
    });
    if (requests.hasSubscribers) requests.publish({ phase: 'start', ctx } satisfies RequestEvent);
    return ctx;
  }

  /** The `timeoutMs` timer of a call (`undefined` without one): aborts `ctx` when it fires. */
  function deadlineTimer(ctx: Context, timeoutMs: number | undefined): unknown {
    if (timeoutMs === undefined) return undefined;
    return clock.setTimeout(() => {
      ctx.abort(new TimeoutError(`Request timed out after ${timeoutMs} ms (timeoutMs)`, { kind: 'overall', timeoutMs }));
    }, timeoutMs);
  }

  /** Ends a call opened by {@link open}: clears its deadline timer, detaches its context. */
  function close(ctx: Context, timer: unknown): void {
    if (timer !== undefined) clock.clearTimeout(timer);
    ctx.dispose();
  }

  /** {@link open} with its deadline armed, and the cleanup that ends it (streams and embeddings). */
  function openWithCleanup(request: ChatRequest, streaming: boolean, call: CallOptions, operation?: 'embed'): { ctx: Context; cleanup: () => void } {
    const ctx = open(request, streaming, call, operation);
    const timer = deadlineTimer(ctx, call.timeoutMs);
    return { ctx, cleanup: () => close(ctx, timer) };
  }

  function finish(ctx: Context, response: ChatResponse, startedAt: number): ChatResult {
    const meta = ctx.meta;
    meta.latencyMs = clock.now() - startedAt;
    meta.attempts = meta.attemptLog.length;
    if (meta.usage === undefined && response.usage) meta.usage = response.usage;
    if (meta.model === undefined) meta.model = response.model || ctx.request.model;
    if (requests.hasSubscribers) requests.publish({ phase: 'end', ctx } satisfies RequestEvent);
    return { response, meta };
  }

  function failure(ctx: Context, err: unknown): unknown {
    const error = ctx.aborted && !(err instanceof LifelineError && err.code !== 'abort') ? abortReason(ctx) : err;
    ctx.meta.attempts = ctx.meta.attemptLog.length;
    attachMeta(error, ctx.meta);
    if (requests.hasSubscribers) requests.publish({ phase: 'end', ctx, error } satisfies RequestEvent);
    return error;
  }

  async function chat(request: ChatRequest, call: CallOptions = NO_OPTIONS): Promise<ChatResult> {
    const ctx = open(request, false, call);
    const timer = deadlineTimer(ctx, call.timeoutMs);
    const startedAt = clock.now();
    try {
      // The terminal already races each adapter call against its signal; racing the whole
      // pipeline too only matters when something outside it (caller, timeoutMs) can abort.
      await (call.signal || call.timeoutMs !== undefined ? raceContext(pipeline(ctx, terminal), ctx, DEADLINE_GRACE_MS) : pipeline(ctx, terminal));
      let response = ctx.response;
      if (!response && ctx.stream) {
        const asm = new ResponseAssembler();
        for await (const chunk of ctx.stream) asm.push(chunk);
        response = asm.finish();
      }
      if (!response) {
        throw new ConfigurationError('The pipeline finished without a response: a middleware returned without calling next() or setting ctx.response');
      }
      return finish(ctx, response, startedAt);
    } catch (err) {
      throw failure(ctx, err);
    } finally {
      close(ctx, timer);
    }
  }

  function stream(request: ChatRequest, call: CallOptions = NO_OPTIONS): LifelineStream {
    const { ctx, cleanup } = openWithCleanup(request, true, call);
    const startedAt = clock.now();
    let settle!: (r: ChatResult) => void;
    let reject!: (e: unknown) => void;
    let settled = false;
    const result = new Promise<ChatResult>((res, rej) => {
      settle = (r) => {
        settled = true;
        cleanup();
        res(r);
      };
      reject = (e) => {
        settled = true;
        cleanup();
        rej(e);
      };
    });
    result.catch(noop);
    let iterating = false;
    const started = raceContext(pipeline(ctx, terminal), ctx, DEADLINE_GRACE_MS);
    started.catch((err: unknown) => {
      if (!iterating && !settled) reject(failure(ctx, err));
    });

    // The pipeline's stream, opened once the pipeline has run (on the consumer's first next()).
    const source: AsyncIterable<ChatChunk> = {
      [Symbol.asyncIterator]: (): TakeableIterator<ChatChunk> => {
        let inner: AsyncIterator<ChatChunk> | undefined;
        return {
          // A chunk the pipeline's stream holds now: the consumer's tap takes it without a promise.
          // Read through delegates (a primed stream that stepped aside is not a stage of its own).
          take: () => (inner ? takeFrom((inner = innermost(inner))) : undefined),
          next: () =>
            inner
              ? (inner = innermost(inner)).next()
              : started.then(() => {
                  const from: AsyncIterable<ChatChunk> | Iterable<ChatChunk> | undefined = ctx.stream ?? (ctx.response ? responseToChunks(ctx.response) : undefined);
                  if (!from) {
                    throw new ConfigurationError('The pipeline finished without a stream: a middleware returned without calling next() or setting ctx.stream');
                  }
                  inner = iteratorOf(from);
                  return inner.next();
                }),
          return: () => (inner?.return ? inner.return() : Promise.resolve(DONE)),
        };
      },
    };

    function run(): AsyncIterator<ChatChunk> {
      const asm = new ResponseAssembler();
      return tapStream(source, {
        chunk(chunk) {
          asm.push(chunk);
          if (ctx.meta.timeToFirstTokenMs === undefined && asm.hasContent) ctx.meta.timeToFirstTokenMs = clock.now() - startedAt;
        },
        end() {
          settle(finish(ctx, asm.finish(), startedAt));
        },
        error(err) {
          if (settled) return err;
          const error = failure(ctx, err);
          reject(error);
          return error;
        },
        finally() {
          if (!settled) {
            const error = new AbortError('The stream was stopped before it ended (the consumer broke out or returned)');
            ctx.abort(error);
            reject(failure(ctx, error));
          }
        },
      });
    }

    return {
      result,
      meta: ctx.meta,
      abort(reason?: unknown) {
        ctx.abort(reason ?? new AbortError('The stream was aborted by the caller'));
        if (!iterating && !settled) reject(failure(ctx, abortReason(ctx)));
      },
      [Symbol.asyncIterator]() {
        if (iterating) throw new ConfigurationError('A Lifeline stream can be iterated only once');
        iterating = true;
        return run();
      },
    };
  }

  const embed = embedCall({
    open: (request, call) => openWithCleanup(request as unknown as ChatRequest, false, call, 'embed'),
    run: (ctx, call) => (call.signal || call.timeoutMs !== undefined ? raceContext(pipeline(ctx, terminal), ctx, DEADLINE_GRACE_MS) : pipeline(ctx, terminal)),
    failure,
    clock,
  });

  return { chat, stream, embed };
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** The async iterator of a stream, or of a plain iterable of chunks. */
function iteratorOf(source: AsyncIterable<ChatChunk> | Iterable<ChatChunk>): AsyncIterator<ChatChunk> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const it = source[Symbol.iterator]();
  return {
    next: () => Promise.resolve(it.next()),
    return: () => Promise.resolve(DONE),
  };
}
