/**
 * The script vocabulary of {@link scriptedAdapter}: what the n-th call gets.
 *
 * @module
 */
import type { AdapterCall, ChatChunk, ChatRequest, ChatResponse, ResponseInfo, Usage } from '@lifeline/core';

/**
 * What one call does, as a plain object. Fields combine: `{ delayMs: 300, text: 'fast' }` answers
 * after 300 ms. Counts (`afterChunks`, `stallAfter`, `hold.afterChunks`) are **content chunks**
 * (text, refusal, reasoning or tool-call deltas), as in `startMockProvider`'s stream faults: the
 * role, finish and usage chunks around them do not count.
 */
export interface AdapterStepSpec {
  /** Waits this long before answering (before the stream head); an abort rejects at once. */
  delayMs?: number;
  /** Never answers: rejects only when the call's signal aborts. */
  hang?: boolean;
  /**
   * Thrown when the call starts (after `delayMs`), for `chat()` and `stream()` alike; with
   * `afterChunks`, a stream opens and throws it part-way instead. Construct it yourself:
   * `new ServerError('down', { status: 503 })`.
   */
  error?: unknown;
  /** Streams: deliver this many content chunks, then throw `error` (always thrown, even if the stream is shorter). */
  afterChunks?: number;
  /** `chat()` answers exactly this response. */
  response?: ChatResponse;
  /** `stream()` yields exactly these chunks. */
  chunks?: readonly ChatChunk[];
  /** Answer text; streamed one word per content chunk. */
  text?: string;
  /** Streams: the content pieces exactly (their concatenation is the `chat()` answer). */
  pieces?: readonly string[];
  /** Model reported in the answer. @defaultValue the requested model */
  model?: string;
  /** Usage reported (`null` for none). @defaultValue the adapter's `usage`, else prompt tokens + one per piece */
  usage?: Usage | null;
  /** @defaultValue `'stop'` */
  finishReason?: string;
  /** Reported through `call.onResponse` when the head "arrives". @defaultValue the adapter's `responseInfo` */
  responseInfo?: ResponseInfo;
  /** Streams: delay before the first content chunk. */
  firstTokenDelayMs?: number;
  /** Streams: delay before every later content chunk. */
  chunkDelayMs?: number;
  /** Streams: after this many content chunks, go silent until the call's signal aborts. */
  stallAfter?: number;
  /** Streams: after `afterChunks` content chunks, await `until()` before each further chunk. */
  hold?: { afterChunks: number; until: () => PromiseLike<unknown> };
}

/**
 * What one call does: `'ok'` (the default answer), an `Error` (thrown at once), a `ChatResponse`
 * (the `chat()` answer) or an {@link AdapterStepSpec}.
 */
export type AdapterStep = 'ok' | Error | ChatResponse | AdapterStepSpec;

/**
 * Decides each call: may return a step (or nothing, for the default answer), throw (the call
 * rejects with that error), or return a promise (the call waits for it). `n` counts from 0.
 */
export type AdapterScriptFn = (
  request: ChatRequest,
  call: AdapterCall,
  n: number,
) => AdapterStep | undefined | void | PromiseLike<AdapterStep | undefined | void>;

/**
 * A script: one step per call (calls past its end get `'ok'`), one step for every call, or a
 * function of the call.
 */
export type AdapterScript = readonly AdapterStep[] | AdapterStep | AdapterScriptFn;

/** Normalises a step to its spec form. */
export function specOf(step: AdapterStep | undefined | void): AdapterStepSpec {
  if (step === undefined || step === 'ok') return {};
  if (step instanceof Error) return { error: step };
  if (isChatResponse(step)) return { response: step };
  return step;
}

function isChatResponse(step: object): step is ChatResponse {
  return (step as { object?: unknown }).object === 'chat.completion' && Array.isArray((step as { choices?: unknown }).choices);
}

/** The step for call `n` (0-based) of `script`. */
export async function stepFor(script: AdapterScript | undefined, request: ChatRequest, call: AdapterCall, n: number): Promise<AdapterStepSpec> {
  if (script === undefined) return {};
  if (typeof script === 'function') return specOf(await script(request, call, n));
  if (Array.isArray(script)) return specOf((script as readonly AdapterStep[])[n]);
  return specOf(script as AdapterStep);
}
