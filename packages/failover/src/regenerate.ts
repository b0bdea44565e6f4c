/**
 * Resuming a broken stream by regeneration: a target that cannot take a prefill is asked for the
 * whole answer again, and only what follows the text the caller already has is passed on — when,
 * and only when, the new answer starts with exactly that text.
 * @module
 */
import { type ChatChunk, StreamInterruptedError } from '@lifeline/core';

/** The errors raised when a regenerated answer does not start with the delivered text, and why. */
const MISMATCHES = new WeakMap<object, string>();

/** For the error {@link resumeAfter} raises when the regenerated answer diverges: why (`regenerated a different answer: …`); else `undefined`. */
export function mismatchReason(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? MISMATCHES.get(error) : undefined;
}

/** True for the error {@link resumeAfter} raises when the regenerated answer diverges. */
export function isMismatch(error: unknown): boolean {
  return mismatchReason(error) !== undefined;
}

function mismatch(provider: string, why: string): StreamInterruptedError {
  const reason = `regenerated a different answer: ${why}`;
  const error = new StreamInterruptedError(`${provider} ${reason}`, { provider, retryable: false, contentDelivered: false });
  MISMATCHES.set(error, reason);
  return error;
}

const show = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

/**
 * Wraps the stream of a regenerated answer: drops its chunks until their content covers
 * `delivered`, then yields the rest of the answer (the first yielded chunk carries only what
 * follows `delivered`). Nothing is yielded unless the answer starts with exactly `delivered`: a
 * divergence (or an answer that ends, calls a tool or refuses before reaching it) raises a
 * `StreamInterruptedError` as soon as it shows, and the upstream request is released.
 *
 * @param stream - the regenerated answer's chunks
 * @param delivered - the text the caller already received
 * @param provider - the target's name, for the error
 * @returns the continuation's chunks
 * @example
 * ```ts
 * for await (const chunk of resumeAfter(backupStream, 'The quick ', 'backup')) write(chunk); // 'brown fox…'
 * ```
 */
export async function* resumeAfter(stream: AsyncIterable<ChatChunk>, delivered: string, provider: string): AsyncGenerator<ChatChunk> {
  let seen = '';
  let matched = delivered === '';
  for await (const chunk of stream) {
    if (matched) {
      yield chunk;
      continue;
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    if (choices.length > 1) throw mismatch(provider, 'it has several choices');
    const choice = choices[0];
    const delta = choice?.delta;
    if (delta?.tool_calls?.length) throw mismatch(provider, 'it calls a tool');
    if (typeof delta?.refusal === 'string' && delta.refusal !== '') throw mismatch(provider, 'it is a refusal');
    seen += typeof delta?.content === 'string' ? delta.content : '';
    if (seen.length < delivered.length) {
      if (!delivered.startsWith(seen)) throw mismatch(provider, `it does not start with the ${delivered.length} characters already delivered (diverged at ${show(seen)})`);
      if (choice?.finish_reason) break;
      continue;
    }
    if (!seen.startsWith(delivered)) throw mismatch(provider, `it does not start with the ${delivered.length} characters already delivered (diverged at ${show(seen.slice(0, delivered.length))})`);
    matched = true;
    const rest = seen.slice(delivered.length);
    if (rest === '' && !choice?.finish_reason && !chunk.usage) continue;
    yield { ...chunk, choices: [{ ...choice!, delta: { ...delta, content: rest } }] };
  }
  if (!matched) throw mismatch(provider, `it ended after ${seen.length} of the ${delivered.length} characters already delivered`);
}
