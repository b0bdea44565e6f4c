/**
 * The winning attempt's stream as the caller reads it: chunks passed through, the `midStream`
 * policy applied when it breaks.
 * @module
 */
import { AbortError, type ChatChunk, type ChatRequest, ResponseAssembler, type TakeableIterator, abortReason, innermost, takeFrom } from '@lifeline/core';
import type { Attempt } from './attempt.js';
import { emit } from './events.js';
import { type MidStreamInfo, codeOf, deliversContent, interrupted, messageOf, recover, restartChunk, stripLeadingSpace } from './mid-stream.js';
import type { FailoverCall } from './walk.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * Wraps the winning attempt's primed stream: passes chunks through (never buffering), keeps
 * `meta.model` current, and applies the `midStream` policy when the stream breaks.
 *
 * It behaves as the `for await … yield` async generator it replaces (opened on the first read,
 * calls serialised, `return()` closes the source then aborts and disposes the attempt, a
 * `return()` before the first read — `next()` or `take()` — does nothing), at one promise
 * reaction per chunk, and hands out chunks the source already holds without one
 * ({@link TakeableIterator}).
 */
export function guardStream(call: FailoverCall, first: Attempt, original: ChatRequest): AsyncIterableIterator<ChatChunk> & TakeableIterator<ChatChunk> {
  return new GuardedStream(call, first, original);
}

class GuardedStream implements AsyncIterableIterator<ChatChunk>, TakeableIterator<ChatChunk> {
  readonly #call: FailoverCall;
  readonly #original: ChatRequest;
  #current: Attempt;
  #source: AsyncIterable<ChatChunk>;
  /** The source's iterator; `undefined` until it is opened (first read, after a restart). */
  #it: AsyncIterator<ChatChunk> | undefined;
  /** What the caller got so far, assembled: only `continue` needs it (the prefill). */
  #delivered: ResponseAssembler | undefined;
  /** The caller got content (text, refusal, tool call) from the current answer. */
  #contentDelivered = false;
  #strip = false;
  #head: { id: string; created: number } | undefined;
  #continued = false;
  /** The source ran to its end (the attempt is disposed, not aborted). */
  #finished = false;
  #state: 'initial' | 'open' | 'closed' = 'initial';
  /** The `next()` in flight. */
  #pending: Promise<IteratorResult<ChatChunk>> | undefined;
  /** The last `take()` found the source holding nothing: the `next()` that follows reads without trying again. */
  #dry = false;
  /** What the next `next()` returns: the handling of a chunk taken by `take()` that failed. */
  #queued: Promise<IteratorResult<ChatChunk>> | undefined;

  constructor(call: FailoverCall, first: Attempt, original: ChatRequest) {
    this.#call = call;
    this.#original = original;
    this.#current = first;
    this.#source = first.child.stream!;
    if (call.options.midStream === 'continue') this.#delivered = new ResponseAssembler();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChatChunk>> {
    if (this.#pending) return this.#pending.then(() => this.next(), () => this.next());
    if (this.#queued) {
      const queued = this.#queued;
      this.#queued = undefined;
      return queued;
    }
    if (this.#state === 'closed') return Promise.resolve(DONE);
    this.#state = 'open';
    if (this.#dry) this.#dry = false;
    else {
      const taken = this.take();
      if (taken) return Promise.resolve(taken);
      if (this.#queued) return this.next();
      this.#dry = false;
    }
    return (this.#pending = this.#read());
  }

  take(): IteratorYieldResult<ChatChunk> | undefined {
    if (this.#pending || this.#queued || this.#state === 'closed') return undefined;
    if (this.#it === undefined) {
      // The first read may be a take() (a layer above priming its stream): the source is opened
      // as next() would open it; a failure to open is left to next(), which meets it again.
      try {
        this.#it = this.#source[Symbol.asyncIterator]();
      } catch {
        return undefined;
      }
      this.#state = 'open';
    }
    this.#it = innermost(this.#it);
    const r = takeFrom(this.#it);
    this.#dry = r === undefined;
    if (r === undefined) return undefined;
    try {
      return this.#pass(r);
    } catch (error) {
      const queued = this.#bodyFailed(error);
      queued.catch(() => {}); // handled by whoever calls next(), right after this returns undefined
      this.#queued = queued;
      return undefined;
    }
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    if (this.#pending) await this.#pending.catch(() => {});
    if (this.#queued) await this.#queued.catch(() => {});
    if (this.#state !== 'open') {
      this.#state = 'closed';
      return DONE;
    }
    this.#state = 'closed';
    const it = this.#it;
    this.#it = undefined;
    try {
      await it?.return?.();
    } finally {
      this.#close();
    }
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<ChatChunk>> {
    await this.return();
    throw error;
  }

  /** Reads the source (opening it first when needed); a failure goes to the `midStream` policy. */
  #read(): Promise<IteratorResult<ChatChunk>> {
    try {
      const it = this.#it === undefined ? this.#source[Symbol.asyncIterator]() : innermost(this.#it);
      this.#it = it;
      return it.next().then(this.#onResult, this.#onError);
    } catch (error) {
      return this.#broken(error);
    }
  }

  readonly #onResult = (r: IteratorResult<ChatChunk>): IteratorResult<ChatChunk> | Promise<IteratorResult<ChatChunk>> => {
    this.#pending = undefined;
    if (r.done) {
      this.#finished = true;
      this.#close();
      return DONE;
    }
    try {
      return this.#pass(r);
    } catch (error) {
      return this.#bodyFailed(error);
    }
  };

  readonly #onError = (error: unknown): Promise<IteratorResult<ChatChunk>> => {
    this.#pending = undefined;
    return this.#broken(error);
  };

  /** A chunk on its way to the caller: stripped, re-identified after a continuation, recorded. */
  #pass(r: IteratorYieldResult<ChatChunk>): IteratorYieldResult<ChatChunk> {
    let chunk = r.value;
    if (this.#strip) [chunk, this.#strip] = stripLeadingSpace(chunk);
    // A continuation reads as one completion: the first chunk's id and created throughout.
    const head = this.#head;
    if (this.#continued && head) chunk = { ...chunk, id: head.id || chunk.id, created: head.created || chunk.created };
    else this.#head ??= { id: chunk.id, created: chunk.created };
    if (this.#delivered) this.#delivered.push(chunk);
    else if (!this.#contentDelivered && deliversContent(chunk)) this.#contentDelivered = true;
    const meta = this.#call.ctx.meta;
    if (chunk.model && meta.model !== chunk.model) meta.model = chunk.model;
    return chunk === r.value ? r : { value: chunk, done: false };
  }

  /** Passing a chunk on failed: the source is closed (awaited, its own error ignored), then the break is handled. */
  async #bodyFailed(error: unknown): Promise<IteratorResult<ChatChunk>> {
    const it = this.#it;
    this.#it = undefined;
    try {
      await it?.return?.();
    } catch {
      // the first error is the one that counts
    }
    return this.#broken(error);
  }

  /** The source broke: an honest error, or the stream goes on on the next target (`restart`, `continue`). */
  async #broken(error: unknown): Promise<IteratorResult<ChatChunk>> {
    this.#it = undefined;
    const call = this.#call;
    const { ctx } = call;
    const policy = call.options.midStream;
    try {
      if (ctx.aborted || error instanceof AbortError) throw ctx.aborted ? abortReason(ctx) : error;
      const from = this.#current.target.name;
      const info: MidStreamInfo = { policy, from, reason: codeOf(error), message: messageOf(error) };
      ctx.meta.midStream = info;
      const recovery = policy === 'error' || !call.options.failoverOn(error, ctx) ? undefined : await recover(call, policy, this.#original, this.#delivered);
      if (!recovery || 'failure' in recovery) {
        emit(() => ({ ctx, event: 'midStream', from, error, policy }));
        throw interrupted(from, error, this.#delivered ? this.#delivered.hasContent : this.#contentDelivered, policy, recovery?.failure);
      }
      const next = recovery.attempt;
      this.#current.child.dispose();
      this.#current = next;
      this.#source = next.child.stream!;
      call.failovers++;
      ctx.meta.failovers = call.failovers;
      info.to = next.target.name;
      if (recovery.mode) info.continuedBy = recovery.mode;
      emit(() => ({ ctx, event: 'midStream', from, to: next.target.name, error, policy }));
      const stream = ctx.stream;
      const contributors = (ctx.meta.contributors as string[] | undefined) ?? [from];
      ctx.adopt(next.child);
      ctx.stream = stream;
      ctx.meta.midStream = info;
      if (policy === 'restart') {
        this.#contentDelivered = false;
        return { value: restartChunk(next, from, info.reason, ctx.clock.now()), done: false };
      }
      this.#strip = recovery.trimmed;
      this.#continued = true;
      ctx.meta.contributors = [...contributors, next.target.name];
    } catch (failure) {
      this.#state = 'closed';
      this.#close();
      throw failure;
    }
    return this.#read();
  }

  /** The attempt is done with: aborted unless its stream ran to its end, then disposed. */
  #close(): void {
    this.#state = 'closed';
    const current = this.#current;
    if (!this.#finished) current.child.abort(new AbortError('The stream was stopped before it ended', { provider: current.target.name }));
    current.child.dispose();
  }
}
