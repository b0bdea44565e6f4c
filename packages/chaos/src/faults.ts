/**
 * Every fault the mock provider can inject, as weighted script steps: HTTP errors (every preset),
 * hangs, resets, malformed JSON, errors hidden in a 200, delays, relay quirks, and each stream
 * fault (cut, stall, garbage event, missing terminator, in-band error, keep-alive comments, slow
 * first token, slow chunks) before and after content.
 * @module
 */
import type { Step } from '@lifeline/testing';
import { pickWeighted, type Random } from './seed.ts';

/** Names of the fault kinds, for the report (`faults injected by kind`). */
export type FaultKind = string;

/** A fault and the name it is counted under. */
export interface Fault {
  kind: FaultKind;
  step: Step;
}

const PRESETS = [
  'rate_limit',
  'insufficient_quota',
  'quota_per_day',
  'context_length_exceeded',
  'content_policy',
  'overloaded',
  'server_error',
  'unavailable',
  'timeout',
  'invalid_api_key',
  'model_not_found',
] as const;

/**
 * Draws a fault for one upstream attempt.
 *
 * @param rand - the run's seeded random source
 * @param text - the reply text, for faults that still answer
 * @returns the fault (its step carries `reply.text` when it answers)
 * @example
 * ```ts
 * const { kind, step } = drawFault(prng(1), 'Answer 7 from alpha.');
 * ```
 */
export function drawFault(rand: Random, text: string): Fault {
  const k = () => Math.floor(rand() * 4); // content chunks before a stream fault: 0 = before any content
  const reply = { text };
  const preset = PRESETS[Math.floor(rand() * PRESETS.length)]!;
  return pickWeighted<() => Fault>(rand, [
    [10, () => ({ kind: `preset:${preset}`, step: { preset, retryAfterMs: 20 + Math.floor(rand() * 200) } })],
    [3, () => ({ kind: 'status:429+retry-after', step: { status: 429, retryAfter: 1 } })],
    [3, () => ({ kind: 'status:500', step: { status: 500 } })],
    [2, () => ({ kind: 'status:529', step: { status: 529 } })],
    [2, () => ({ kind: 'status:408', step: { status: 408 } })],
    [1, () => ({ kind: 'x-should-retry:false 503', step: { status: 503, shouldRetry: false } })],
    [2, () => ({ kind: 'hang', step: { hang: true } })],
    [3, () => ({ kind: 'reset', step: { reset: true } })],
    [3, () => ({ kind: 'malformed-json', step: { malformedJson: true } })],
    [3, () => ({ kind: 'error-body-200', step: { errorBody200: true } })],
    [2, () => ({ kind: 'leading-blank-lines', step: { reply, leadingBlankLines: 3 } })],
    [3, () => ({ kind: 'delay', step: { reply, delayMs: 20 + Math.floor(rand() * 200) } })],
    [2, () => ({ kind: 'rate-limit-headers', step: { reply, rateLimit: { limitRequests: 100, remainingRequests: 0, resetRequestsMs: 50 } } })],
    [4, () => ({ kind: 'stream:cut', step: { reply, stream: { cutAfter: k() } } })],
    [2, () => ({ kind: 'stream:stall', step: { reply, stream: { stallAfter: k() } } })],
    [3, () => ({ kind: 'stream:malformed', step: { reply, stream: { malformedAfter: k() } } })],
    [2, () => ({ kind: 'stream:no-done', step: { reply, stream: { noDone: true } } })],
    [3, () => ({ kind: 'stream:error-after', step: { reply, stream: { errorAfter: k() } } })],
    [2, () => ({ kind: 'stream:keep-alive', step: { reply, stream: { keepAliveComments: true } } })],
    [2, () => ({ kind: 'stream:slow-first-token', step: { reply, stream: { firstTokenDelayMs: 50 + Math.floor(rand() * 250) } } })],
    [2, () => ({ kind: 'stream:slow-chunks', step: { reply, stream: { chunkDelayMs: 5 + Math.floor(rand() * 30) } } })],
  ])();
}
