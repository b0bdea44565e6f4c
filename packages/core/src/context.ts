/**
 * The per-call context every middleware receives.
 * @module
 */
import type { Adapter } from './adapter.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { AbortError } from './errors.js';
import { createMeta, type Meta } from './meta.js';
import type { ChatChunk, ChatRequest, ChatResponse } from './types.js';
import type { EmbeddingRequest, EmbeddingResponse } from './embedding-types.js';

/**
 * Which call a context serves: `chat` (`client.chat()` and `client.stream()`) or `embed`
 * (`client.embed()`). A middleware with nothing to do for an operation passes it through.
 */
export type Operation = 'chat' | 'embed';

/** Inputs of a {@link Context}. */
export interface ContextInit {
  /** The request: a `ChatRequest`, or on `embed` calls the `EmbeddingRequest` (see {@link Context.request}). */
  request: ChatRequest;
  /** Which call this is. @defaultValue 'chat' */
  operation?: Operation;
  /** True for `client.stream()` calls: the terminal sets `ctx.stream` instead of `ctx.response`. */
  streaming?: boolean;
  /** The caller's signal; aborting it aborts the context. */
  signal?: AbortSignal | undefined;
  /** Epoch ms after which the call fails with a `TimeoutError`. */
  deadline?: number | undefined;
  metadata?: Record<string, unknown> | undefined;
  target?: Adapter | undefined;
  clock?: Clock;
}

/**
 * What flows through the onion: the request on the way in, the response (or stream) on the way
 * out, the target to call, the cancellation signal and deadline, caller metadata, and `meta`
 * that the caller gets back.
 */
export class Context {
  /**
   * The request to send. Middleware may replace it (e.g. failover swaps the model). On `embed`
   * calls it holds the {@link EmbeddingRequest} (read it typed as {@link Context.embeddingRequest}):
   * `model` and a spread copy (`{ ...ctx.request, model }`) mean the same for both operations.
   */
  request: ChatRequest;
  /** Which call this is: `chat` (chat and stream) or `embed`. */
  readonly operation: Operation;
  /** Set by the terminal on `embed` calls (or by a cache hit); `response` and `stream` stay unset. */
  embeddingResponse: EmbeddingResponse | undefined;
  /** True for streaming calls. */
  readonly streaming: boolean;
  /** Set by the terminal on `chat` calls (or by a cache hit, a fallback). */
  response: ChatResponse | undefined;
  /** Set by the terminal on `stream` calls; middleware wrap it, never buffer it. */
  stream: AsyncIterable<ChatChunk> | undefined;
  /** The adapter the terminal calls. Failover sets it per attempt. */
  target: Adapter | undefined;
  /** Epoch ms after which waiting is pointless (from `timeoutMs` and `timeout()`). */
  deadline: number | undefined;
  /** Caller-supplied metadata (`options.metadata`), e.g. `{ tenant: 'acme' }`. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Returned to the caller: provider, model, attempts, latency, cache, cost, degraded. */
  meta: Meta;
  /** The context this one was forked from. */
  readonly parent: Context | undefined;
  /** Time source shared by the call's middleware. */
  readonly clock: Clock;

  #state: Record<string | symbol, unknown> | undefined;
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown = undefined;
  /** Forks to abort with this context (plain references: no EventTarget listener per fork; an array: a call has one or two). */
  #children: Context[] | undefined;
  /** Callbacks run once on abort (see {@link Context.onAbort}). */
  #callbacks: Array<(reason: unknown) => void> | undefined;
  readonly #upstream: AbortSignal | undefined;
  #onUpstreamAbort: (() => void) | undefined;

  constructor(init: ContextInit, parent?: Context) {
    this.request = init.request;
    this.operation = init.operation ?? 'chat';
    this.embeddingResponse = undefined;
    this.streaming = init.streaming ?? false;
    this.response = undefined;
    this.stream = undefined;
    this.target = init.target;
    this.deadline = init.deadline;
    this.metadata = init.metadata ?? {};
    this.parent = parent;
    this.clock = init.clock ?? systemClock;
    this.meta = createMeta(parent?.meta.attemptLog);
    this.#state = undefined;
    this.#upstream = undefined;
    this.#onUpstreamAbort = undefined;
    if (parent) {
      if (parent.aborted) this.abort(parent.reason);
      else (parent.#children ??= []).push(this);
    } else if (init.signal) {
      const upstream = init.signal;
      this.#upstream = upstream;
      if (upstream.aborted) this.abort(upstream.reason);
      else {
        this.#onUpstreamAbort = () => this.abort(upstream.reason);
        // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, so `once` only frees the listener early
        upstream.addEventListener('abort', this.#onUpstreamAbort, { once: true });
      }
    }
  }

  /** The request of an `embed` call, typed; `undefined` on chat calls. */
  get embeddingRequest(): EmbeddingRequest | undefined {
    return this.operation === 'embed' ? (this.request as unknown as EmbeddingRequest) : undefined;
  }

  /** Replaces the request of an `embed` call (e.g. with only the items a cache did not have). */
  set embeddingRequest(request: EmbeddingRequest) {
    this.request = request as unknown as ChatRequest;
  }

  /**
   * Scratch space for middleware. A fork starts with a copy of its parent's entries (taken when
   * it first reads its state) and writes its own.
   */
  get state(): Record<string | symbol, unknown> {
    let state = this.#state;
    if (state === undefined) {
      const parent = this.parent;
      const inherited = parent === undefined ? undefined : parent.#state;
      // Stryker disable next-line ConditionalExpression: spreading undefined gives {} as well; the check only skips the spread
      state = this.#state = inherited === undefined ? {} : { ...inherited };
    }
    return state;
  }

  /** Aborted when the caller aborts, a deadline fires, the parent aborts, or {@link Context.abort} is called. */
  get signal(): AbortSignal {
    let controller = this.#controller;
    if (!controller) {
      controller = this.#controller = new AbortController();
      if (this.#aborted) controller.abort(this.#reason);
    }
    return controller.signal;
  }

  /** True once the context is aborted (cheap: creates no signal). */
  get aborted(): boolean {
    return this.#aborted || (this.#upstream?.aborted ?? false);
  }

  /** Why the context was aborted (`undefined` while it is not). */
  get reason(): unknown {
    return this.#aborted ? this.#reason : this.#upstream?.aborted ? this.#upstream.reason : undefined;
  }

  /** Aborts this context and its forks; `reason` becomes the error waits reject with. */
  abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason ?? new AbortError('The operation was aborted');
    this.#controller?.abort(this.#reason);
    const callbacks = this.#callbacks;
    this.#callbacks = undefined;
    if (callbacks) for (const fn of callbacks) fn(this.#reason);
    const children = this.#children;
    this.#children = undefined;
    if (children) for (const child of children) child.abort(this.#reason);
  }

  /**
   * Runs `fn` once when this context aborts (at once if it already has). Cheaper than a listener
   * on {@link Context.signal}: no `AbortController` is created.
   *
   * @returns a disposer that unregisters `fn`
   */
  onAbort(fn: (reason: unknown) => void): () => void {
    if (this.aborted) {
      fn(this.reason);
      return noop;
    }
    const callbacks = (this.#callbacks ??= []);
    callbacks.push(fn);
    return () => {
      const list = this.#callbacks;
      if (!list) return;
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Milliseconds left before `deadline`, or `undefined` when there is none. */
  remainingMs(): number | undefined {
    return this.deadline === undefined ? undefined : this.deadline - this.clock.now();
  }

  /**
   * A child context with its own response, stream, meta and signal, for running `next` on the
   * side (hedging, per-attempt timeouts). Aborting the parent aborts the child; the child's
   * attempts are logged in the parent's `meta.attemptLog`. Use {@link Context.adopt} to copy
   * the winner's result up, and {@link Context.dispose} when the child is done.
   */
  fork(): Context {
    return new Context(
      {
        request: this.request,
        operation: this.operation,
        streaming: this.streaming,
        deadline: this.deadline,
        metadata: this.metadata as Record<string, unknown>,
        target: this.target,
        clock: this.clock,
      },
      this,
    );
  }

  /** Copies a child's outcome (response, stream, embedding response, target, meta) into this context. */
  adopt(child: Context): void {
    this.response = child.response;
    this.stream = child.stream;
    this.embeddingResponse = child.embeddingResponse;
    this.target = child.target;
    const meta = this.meta;
    const from = child.meta;
    // for…in over a plain meta object: its own keys, without an array of them.
    for (const key in from) {
      if (key !== 'attemptLog' && key !== 'attempts') meta[key] = from[key];
    }
    meta.attempts = meta.attemptLog.length;
  }

  /** Detaches this context from its caller's signal or its parent. Idempotent. */
  dispose(): void {
    // Stryker disable next-line ConditionalExpression: removing an undefined listener is a no-op
    if (this.#onUpstreamAbort) {
      // Stryker disable next-line OptionalChaining: a listener is only ever set together with #upstream
      this.#upstream?.removeEventListener('abort', this.#onUpstreamAbort);
      this.#onUpstreamAbort = undefined;
    }
    const parent = this.parent;
    const siblings = parent === undefined ? undefined : parent.#children;
    if (siblings !== undefined) {
      const i = siblings.indexOf(this);
      if (i >= 0) siblings.splice(i, 1);
    }
  }
}

const noop = () => {};
