/**
 * The `continue` mid-stream policy, capability-aware: each target continues the partial answer
 * from a prefill when it accepts one, or else regenerates the answer, of which only what follows
 * the delivered text is passed on. A 400 refusing the prefill is remembered and the same target
 * is asked again, by regeneration.
 * @module
 */
import type { ChatChunk, ChatRequest, ChatResponse, Context } from '@lifeline/core';
import { withPrefill } from './prefill.js';
import { type PrefillMemory, isPrefillRejection } from './prefill-memory.js';
import { isMismatch, resumeAfter } from './regenerate.js';
import { type ResolvedTarget, requestFor } from './target.js';

/** How a target continues a broken answer. */
export type ContinuationMode = 'prefill' | 'regeneration';

/** The per-target decisions of one continuation walk. */
export interface ContinuationPlan {
  /** The request `target` receives: the prefill request, or the caller's request (regeneration). */
  request(target: ResolvedTarget): ChatRequest;
  /** Wraps the stream of a regeneration so that only what follows the delivered text passes. */
  wrap(target: ResolvedTarget): ((stream: AsyncIterable<ChatChunk>) => AsyncIterable<ChatChunk>) | undefined;
  /** After a failure: true when `target` refused the prefill and should be asked again, by regeneration. */
  again(target: ResolvedTarget, error: unknown): boolean;
  /** The mode `target` was last asked in. */
  mode(target: ResolvedTarget): ContinuationMode | undefined;
  /** True when the prefill lost trailing whitespace, to be stripped from the continuation's start. */
  readonly trimmed: boolean;
}

/**
 * Plans the continuation of `partial` (what the caller received) of the answer to `original`.
 *
 * @param original - the caller's request
 * @param partial - the delivered part of the answer, assembled
 * @param memory - what 400s taught about prefills
 * @param ctx - the call's context (a regeneration that diverges is recorded in its attempt log as such)
 * @returns the plan, or why the answer cannot be continued (several choices, tool calls, a refusal)
 */
export function planContinuation(original: ChatRequest, partial: ChatResponse, memory: PrefillMemory, ctx: Context): ContinuationPlan | string {
  const prefill = withPrefill(original, partial);
  if (typeof prefill === 'string') return prefill;
  const delivered = partial.choices[0]?.message.content ?? '';
  const modes = new Map<string, ContinuationMode>();
  const again = new Set<string>();
  const modelOf = (t: ResolvedTarget) => requestFor(t, original).model;
  const canPrefill = (t: ResolvedTarget) => t.prefill && !memory.rejects(t.name, modelOf(t));
  return {
    trimmed: prefill.trimmed,
    request(t) {
      const mode: ContinuationMode = canPrefill(t) ? 'prefill' : 'regeneration';
      modes.set(t.name, mode);
      return mode === 'prefill' ? { ...prefill.request, model: modelOf(t) } : requestFor(t, original);
    },
    wrap(t) {
      if (modes.get(t.name) !== 'regeneration') return undefined;
      return (stream) => regenerated(stream, delivered, t.name, ctx);
    },
    again(t, error) {
      if (modes.get(t.name) !== 'prefill' || !isPrefillRejection(error)) return false;
      memory.learn(t.name, modelOf(t));
      if (again.has(t.name)) return false;
      again.add(t.name);
      return true;
    },
    mode: (t) => modes.get(t.name),
  };
}

/** {@link resumeAfter}, recording a divergence on the attempt that produced it (not as a consumer's abort). */
async function* regenerated(stream: AsyncIterable<ChatChunk>, delivered: string, target: string, ctx: Context): AsyncGenerator<ChatChunk> {
  const record = ctx.meta.attemptLog.findLast((r) => r.target === target);
  try {
    yield* resumeAfter(stream, delivered, target);
  } catch (error) {
    if (record && isMismatch(error)) {
      record.outcome = 'error';
      record.errorCode = 'stream_interrupted';
      record.errorMessage = (error as Error).message;
      record.latencyMs = ctx.clock.now() - record.startedAt;
    }
    throw error;
  }
}
