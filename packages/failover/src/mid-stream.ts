/**
 * Streams after their first token: the `midStream` policy decides what a break (cut, stall,
 * malformed chunk, in-band error) becomes — an honest error, a restart on the next target, or a
 * continuation from a prefill.
 * @module
 */
import {
  AbortError,
  type ChatChunk,
  type ChatRequest,
  LifelineError,
  ResponseAssembler,
  StreamInterruptedError,
  abortReason,
  isRetryable,
} from '@lifeline/core';
import { type TargetFailure, describeFailure } from './aggregate.js';
import { type ContinuationMode, planContinuation } from './continuation.js';
import { emit } from './events.js';
import type { MidStreamPolicy } from './options.js';
import { mismatchReason } from './regenerate.js';
import { type ResolvedTarget, requestFor } from './target.js';
import type { Attempt } from './attempt.js';
import type { FailoverCall } from './walk.js';

/**
 * What `meta.midStream` says about the last break of a stream.
 * @example
 * ```ts
 * const info = stream.meta.midStream as MidStreamInfo | undefined; // { policy: 'restart', from: 'primary', to: 'backup', reason: 'connection', … }
 * ```
 */
export interface MidStreamInfo {
  policy: MidStreamPolicy;
  /** Target whose stream broke. */
  from: string;
  /** Target that restarted or continued the answer; absent when none did. */
  to?: string;
  /** `'continue'`: how `to` continued — from the partial answer as a prefill, or by regenerating it. */
  continuedBy?: ContinuationMode;
  /** Code of the error that broke the stream (`connection`, `timeout`, `server`, …). */
  reason: string;
  /** Its message. */
  message: string;
}

/**
 * The `lifeline` field of the chunk announcing a restart (the chunk has `choices: []`).
 * @example
 * ```ts
 * for await (const chunk of client.stream(req)) {
 *   if ((chunk.lifeline as RestartMarker | undefined)?.event === 'restart') ui.clear();
 *   else ui.append(chunk.choices[0]?.delta.content ?? '');
 * }
 * ```
 */
export interface RestartMarker {
  event: 'restart';
  /** Target whose stream broke. */
  from: string;
  /** Target the answer restarts on. */
  target: string;
  /** Code of the error that broke the stream. */
  reason: string;
}

export const codeOf = (e: unknown) => (e instanceof LifelineError ? e.code : e instanceof Error ? e.name : 'unknown');
export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export type Recovery = { attempt: Attempt; trimmed: boolean; mode?: ContinuationMode } | { failure: string };

/**
 * Starts the answer again (`restart`) or continues it (`continue`: prefill, or regeneration) on the
 * next target; `delivered` (what the caller got so far) is needed to continue.
 */
export async function recover(call: FailoverCall, policy: 'restart' | 'continue', original: ChatRequest, delivered: ResponseAssembler | undefined): Promise<Recovery> {
  const plan = policy === 'continue' ? planContinuation(original, (delivered ?? new ResponseAssembler()).finish(), call.options.prefillMemory, call.ctx) : undefined;
  if (typeof plan === 'string') return { failure: plan };
  const before = call.failures.length;
  try {
    // A recovery target's refusal (e.g. a 400 for the prefill) must not end the walk, nor mask the original failure.
    const attempt = await call.walk({
      request: plan ? (t) => plan.request(t) : (t: ResolvedTarget) => requestFor(t, original),
      ...(plan && { wrap: (t: ResolvedTarget) => plan.wrap(t), again: (t: ResolvedTarget, e: unknown) => plan.again(t, e) }),
      hedging: false,
      failoverOn: (e) => !(e instanceof AbortError),
    });
    const mode = plan?.mode(attempt.target);
    return { attempt, trimmed: mode === 'prefill' && plan!.trimmed, ...(mode && { mode }) };
  } catch (error) {
    if (call.ctx.aborted) throw abortReason(call.ctx);
    const tried = call.failures.slice(before);
    if (tried.length === 0) return { failure: 'no target left' };
    return { failure: tried.map(describeRecovery).join('; ') };
  }
}

/** One recovery target's failure, as the final error lists it: a diverging regeneration says so. */
function describeRecovery(f: TargetFailure): string {
  const why = mismatchReason(f.error);
  return why === undefined ? describeFailure(f) : `${f.target}: ${why}`;
}

export function interrupted(from: string, cause: unknown, contentDelivered: boolean, policy: MidStreamPolicy, failure: string | undefined): StreamInterruptedError {
  const what = `Stream from ${from} broke after content was delivered (${codeOf(cause)}: ${messageOf(cause)})`;
  const tail = policy === 'error' ? '' : failure === undefined ? `; no ${policy}: the error does not fail over` : `; ${policy} failed: ${failure}`;
  return new StreamInterruptedError(what + tail, {
    provider: from,
    status: cause instanceof LifelineError ? cause.status : undefined,
    retryable: isRetryable(cause),
    contentDelivered,
    cause,
  });
}

export function restartChunk(next: Attempt, from: string, reason: string, now: number): ChatChunk {
  const marker: RestartMarker = { event: 'restart', from, target: next.target.name, reason };
  return { id: '', object: 'chat.completion.chunk', created: Math.floor(now / 1000), model: next.child.request.model, choices: [], lifeline: marker };
}

/**
 * Drops whitespace at the start of the continuation (the prefill was sent without its trailing
 * whitespace). Returns the chunk and whether the next chunk must still be stripped (this one had
 * no text, or only whitespace).
 */
export function stripLeadingSpace(chunk: ChatChunk): [ChatChunk, boolean] {
  const choice = chunk.choices?.[0];
  const content = choice?.delta.content;
  if (!choice || typeof content !== 'string' || content === '') return [chunk, true];
  const rest = content.replace(/^\s+/, '');
  return [{ ...chunk, choices: [{ ...choice, delta: { ...choice.delta, content: rest } }, ...chunk.choices.slice(1)] }, rest === ''];
}

/**
 * Whether `chunk` gives the caller content, as {@link ResponseAssembler.hasContent} counts it
 * (text, a refusal, a tool call), without assembling the answer.
 */
export function deliversContent(chunk: ChatChunk): boolean {
  const choices = chunk.choices;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    const d = choice.delta;
    if (!d) continue;
    if ((typeof d.content === 'string' && d.content.length > 0) || typeof d.refusal === 'string') return true;
    if (Array.isArray(d.tool_calls) && d.tool_calls.length > 0) return true;
  }
  return false;
}
