/**
 * An in-process adapter whose n-th call does what a script says, for unit tests of middleware:
 * answer, throw, wait, hang, or stream with delays, a stall or a cut. No sockets, no runtime
 * dependency on `@lifeline/core` (errors are values the script supplies).
 *
 * @module
 */
import type { Adapter, AdapterCall, AdapterCapabilities, ChatChunk, ChatRequest, ChatResponse, ResponseInfo, Usage } from '@lifeline/core';
import { chatResponse, DEFAULT_PROMPT_TOKENS, defaultUsage, textChunks, words } from './chat-fixtures.js';
import { type AdapterScript, type AdapterStepSpec, stepFor } from './scripted-step.js';
import { scriptedStream } from './scripted-stream.js';
import { type AbortErrorFn, type ScriptClock, signalReason, untilAborted, wait } from './scripted-wait.js';

/** Options of {@link scriptedAdapter}. */
export interface ScriptedAdapterOptions {
  /** Target name (`meta.provider`, breaker key). @defaultValue `'fake'` */
  name?: string;
  /** @defaultValue `'fake'` */
  kind?: string;
  capabilities?: AdapterCapabilities;
  /** `id` of every generated response and chunk. @defaultValue `'chatcmpl-1'` (responses), `'c1'` (chunks) */
  id?: string;
  /** Default answer text. @defaultValue `'Hello world'` */
  text?: string;
  /** Default stream pieces, when they should differ from the words of `text`. */
  pieces?: readonly string[];
  /** Usage of every answer (`null` for none). @defaultValue `promptTokens` + one token per piece */
  usage?: Usage | null;
  /** Prompt tokens of the default usage. @defaultValue 3 */
  promptTokens?: number;
  /** Reported through `call.onResponse` on every answer (rate-limit headers, a status). @defaultValue nothing reported */
  responseInfo?: ResponseInfo;
  /**
   * Time for `calls[].at`, and timers for delays when it has `setTimeout` (a `fakeClock()`).
   * @defaultValue `Date.now` and the global timers (so `vi.useFakeTimers()` drives delays)
   */
  clock?: ScriptClock;
  /**
   * The error an abort rejects with. Pass core's `abortReason` to throw what real adapters throw.
   * @defaultValue the signal's `reason`
   */
  abortError?: AbortErrorFn;
}

/** One recorded call. */
export interface RecordedCall {
  request: ChatRequest;
  /** The call's signal, deadline, metadata and `onResponse`. */
  call: AdapterCall;
  /** `clock.now()` when the call arrived. */
  at: number;
  /** 0-based call index. */
  n: number;
  streaming: boolean;
}

/** An {@link Adapter} that records its calls. */
export interface ScriptedAdapter extends Adapter {
  /** Every call, in arrival order. */
  readonly calls: RecordedCall[];
  /** Streams whose iteration ended (completed, failed, or abandoned by the consumer). */
  readonly closed: number;
}

/**
 * Creates an in-process adapter driven by `script`.
 *
 * @param script - one step per call (`'ok'` past its end), one step for every call, or a function `(request, call, n) => step`
 * @param options - name, default answer, clock, abort error
 * @example
 * ```ts
 * import { ServerError, createClient } from '@lifeline/core';
 * import { fakeClock, scriptedAdapter } from '@lifeline/testing';
 *
 * const clock = fakeClock();
 * const adapter = scriptedAdapter([new ServerError('down', { status: 503 }), 'ok'], { clock });
 * const client = createClient({ adapter, clock, use: [retry({ random: () => 0.5 })] });
 * const { response } = await clock.run(client.chat({ model: 'gpt-4.1', messages }));
 * expect(adapter.calls.map((c) => c.at)).toEqual([0, 250]);
 * ```
 */
export function scriptedAdapter(script?: AdapterScript, options: ScriptedAdapterOptions = {}): ScriptedAdapter {
  const calls: RecordedCall[] = [];
  let closed = 0;
  const clock = options.clock;
  const abortError = options.abortError ?? signalReason;

  async function open(request: ChatRequest, call: AdapterCall, streaming: boolean): Promise<AdapterStepSpec> {
    const n = calls.length;
    calls.push({ request, call, at: clock ? clock.now() : Date.now(), n, streaming });
    const spec = await stepFor(script, request, call, n);
    if (spec.delayMs) await wait(spec.delayMs, call.signal, clock, abortError);
    if (spec.hang) await untilAborted(call.signal, abortError);
    if (spec.error !== undefined && (!streaming || spec.afterChunks === undefined)) throw spec.error;
    const info = spec.responseInfo ?? options.responseInfo;
    if (info) call.onResponse?.(info);
    return spec;
  }

  const piecesOf = (spec: AdapterStepSpec): readonly string[] =>
    spec.pieces ?? (spec.text !== undefined ? words(spec.text) : (options.pieces ?? words(options.text ?? 'Hello world')));
  const usageOf = (spec: AdapterStepSpec, pieces: number): Usage | null =>
    spec.usage !== undefined ? spec.usage : options.usage !== undefined ? options.usage : defaultUsage(pieces, options.promptTokens ?? DEFAULT_PROMPT_TOKENS);

  const adapter: ScriptedAdapter = {
    name: options.name ?? 'fake',
    kind: options.kind ?? 'fake',
    ...(options.capabilities ? { capabilities: options.capabilities } : {}),
    calls,
    get closed() {
      return closed;
    },
    async chat(request, call): Promise<ChatResponse> {
      const spec = await open(request, call, false);
      if (spec.response) return spec.response;
      const text = spec.text ?? spec.pieces?.join('') ?? options.text ?? options.pieces?.join('') ?? 'Hello world';
      const model = spec.model ?? request.model;
      return chatResponse(text, {
        model,
        usage: usageOf(spec, words(text).length),
        ...(options.id ? { id: options.id } : {}),
        ...(spec.finishReason ? { finishReason: spec.finishReason } : {}),
      });
    },
    async stream(request, call): Promise<AsyncIterable<ChatChunk>> {
      const spec = await open(request, call, true);
      let chunks = spec.chunks;
      if (!chunks) {
        const pieces = piecesOf(spec);
        chunks = textChunks(pieces, {
          model: spec.model ?? request.model,
          finishReason: spec.finishReason ?? 'stop',
          usage: usageOf(spec, pieces.length) ?? false,
          ...(options.id ? { id: options.id } : {}),
        });
      }
      return scriptedStream(chunks, spec, { signal: call.signal, clock, abortError, onClose: () => closed++ });
    },
  };
  return adapter;
}
