/**
 * Gemini stream events (each a full `GenerateContentResponse` with *incremental* parts) →
 * OpenAI-shaped `ChatChunk`s. A pure state machine: {@link GeminiStreamTranslator.push} each
 * event's JSON, then {@link GeminiStreamTranslator.end} at end of body.
 *
 * Gemini has no end sentinel: the last event carries `finishReason`, so a body that ends without
 * any is a truncation ({@link StreamInterruptedError}). `usageMetadata` may come on many events:
 * the last one wins and is emitted as a final usage chunk (`choices: []`). An error object in the
 * stream throws the mapped error; a safety stop throws {@link ContentFilterError}.
 * @module
 */
import { StreamInterruptedError, type ChatChunk, type ChunkChoice } from '@lifeline/core';
import { geminiError } from './errors.js';
import { FILTER_REASONS, blockedError, toFinishReason, toToolCall, toUsage, type GeminiResponseContext } from './response.js';
import type { GeminiResponse, GeminiUsage } from './types.js';

/** Settings of one stream's translation. */
export interface GeminiStreamOptions extends GeminiResponseContext {
  /** Put on errors. Gemini sends no request-id header; the first event's `responseId` is used when absent. */
  requestId?: string | undefined;
  /** Exact strings to scrub from error messages. */
  secrets?: readonly string[];
  /** Candidates requested (`n`). With one, a safety stop throws; with more, it is a `content_filter` finish. */
  candidateCount?: number;
}

interface CandidateState {
  tools: number;
  finished: boolean;
}

/**
 * Translates one Gemini stream. Not reusable across streams.
 * @example
 * ```ts
 * const t = new GeminiStreamTranslator({ provider: 'gemini', label: 'gemini', model, newId: () => `call_${randomUUID()}` });
 * for await (const data of payloads) for (const chunk of t.push(data)) emit(chunk);
 * for (const chunk of t.end()) emit(chunk); // the usage chunk; throws when no finishReason came
 * ```
 */
export class GeminiStreamTranslator {
  readonly #options: GeminiStreamOptions;
  readonly #created: number;
  #id: string | undefined;
  #responseId: string | undefined;
  #model: string;
  #usage: GeminiUsage | undefined;
  readonly #candidates = new Map<number, CandidateState>();
  #finished = false;
  #content = false;

  constructor(options: GeminiStreamOptions) {
    this.#options = options;
    const now = options.nowMs ?? Date.now();
    this.#created = Math.floor(now / 1000);
    this.#model = options.model;
    this.#fallbackId = `gemini-${now.toString(36)}`;
  }

  readonly #fallbackId: string;

  /** True once a candidate carried a `finishReason`. */
  get finished(): boolean {
    return this.#finished;
  }

  /** True once a chunk with text, reasoning or a tool call was produced. */
  get contentDelivered(): boolean {
    return this.#content;
  }

  /**
   * Translates one event.
   * @param data - the event's JSON text (`data:` payload, or an unframed JSON error)
   * @throws the mapped error for an error object; {@link ContentFilterError} for a blocked prompt
   *   or answer; {@link StreamInterruptedError} for unparsable data
   */
  push(data: string): ChatChunk[] {
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      throw this.#interrupted('received an unparsable event');
    }
    if (Array.isArray(payload)) return payload.flatMap((item) => this.#event(item));
    return this.#event(payload);
  }

  /**
   * Call at end of body.
   * @returns the final usage chunk, if usage was reported
   * @throws {@link StreamInterruptedError} when no event carried a `finishReason`
   */
  end(): ChatChunk[] {
    if (!this.#finished) throw this.#interrupted('ended without a finishReason');
    return this.#usage ? [{ ...this.#base(), choices: [], usage: toUsage(this.#usage) }] : [];
  }

  #event(raw: unknown): ChatChunk[] {
    if (typeof raw !== 'object' || raw === null) throw this.#interrupted('received an unparsable event');
    const o = this.#options;
    const event = raw as GeminiResponse & { error?: unknown };
    if (event.error !== undefined) {
      throw geminiError({ provider: o.provider, label: o.label, status: undefined, body: event, requestId: this.#requestId(), secrets: o.secrets, source: 'stream' });
    }
    if (this.#responseId === undefined && typeof event.responseId === 'string') this.#responseId = event.responseId;
    // Every chunk of a stream carries the same id: fixed by the first event.
    this.#id ??= this.#responseId ?? this.#fallbackId;
    if (typeof event.modelVersion === 'string') this.#model = event.modelVersion;
    if (event.usageMetadata) this.#usage = event.usageMetadata;
    const candidates = Array.isArray(event.candidates) ? event.candidates : [];
    if (candidates.length === 0 && event.promptFeedback?.blockReason) {
      throw blockedError(o, 'prompt', event.promptFeedback.blockReason, event.promptFeedback.blockReasonMessage, this.#requestId());
    }
    const out: ChatChunk[] = [];
    candidates.forEach((candidate, i) => {
      const index = candidate.index ?? i;
      let state = this.#candidates.get(index);
      if (!state) {
        state = { tools: 0, finished: false };
        this.#candidates.set(index, state);
        out.push(this.#chunk(index, { role: 'assistant', content: '' }));
      }
      for (const part of candidate.content?.parts ?? []) {
        if (part.functionCall) {
          const call = toToolCall(part, o.newId);
          out.push(this.#chunk(index, { tool_calls: [{ index: state.tools++, ...call }] }));
        } else if (typeof part.text === 'string' && part.text !== '') {
          out.push(this.#chunk(index, part.thought === true ? { reasoning_content: part.text } : { content: part.text }));
        }
      }
      const reason = candidate.finishReason;
      if (reason && !state.finished) {
        state.finished = true;
        this.#finished = true;
        if (FILTER_REASONS.has(reason) && (o.candidateCount ?? 1) <= 1) throw blockedError(o, 'response', reason, undefined, this.#requestId());
        out.push(this.#chunk(index, {}, toFinishReason(reason, state.tools > 0)));
      }
    });
    return out;
  }

  #requestId(): string | undefined {
    return this.#options.requestId ?? this.#responseId;
  }

  #interrupted(what: string): StreamInterruptedError {
    return new StreamInterruptedError(`${this.#options.label}: stream ${what}`, {
      provider: this.#options.provider,
      requestId: this.#requestId(),
      retryable: true,
      contentDelivered: this.#content,
    });
  }

  #base(): { id: string; object: 'chat.completion.chunk'; created: number; model: string } {
    return { id: this.#id ?? this.#fallbackId, object: 'chat.completion.chunk', created: this.#created, model: this.#model };
  }

  #chunk(index: number, delta: ChunkChoice['delta'], finish: ChunkChoice['finish_reason'] = null): ChatChunk {
    if (delta.content || delta.reasoning_content || delta.tool_calls) this.#content = true;
    return { ...this.#base(), choices: [{ index, delta, finish_reason: finish }] };
  }
}
