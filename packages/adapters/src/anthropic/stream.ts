/**
 * Anthropic SSE events → OpenAI-shaped `ChatChunk`s. A pure state machine: feed it each event's
 * name and data with {@link AnthropicStreamTranslator.push}, then call
 * {@link AnthropicStreamTranslator.end} at end of body.
 *
 * `message_start` → a role chunk; `text_delta` → `content`; `thinking_delta` → `reasoning_content`;
 * `tool_use` blocks → `tool_calls` deltas keyed by the tool's position among tool calls (0, 1, …);
 * `message_delta` → the `finish_reason` chunk; `message_stop` → a final usage chunk (`choices: []`).
 * Usage is cumulative and overwritten, never added. `ping` and unknown events are ignored;
 * `event: error` throws the mapped error; a body that ends before `message_stop` throws
 * {@link StreamInterruptedError}.
 * @module
 */
import { StreamInterruptedError, type ChatChunk, type ChunkChoice } from '@lifeline/core';
import { classifyError } from '../http/errors.js';
import { extractProviderError } from '../http/provider-error.js';
import { ChunkIterator } from '../http/chunks.js';
import type { ResponseBody } from '../http/send.js';
import type { EventSourceMessage, SseReaderOptions } from '../http/sse.js';
import { toFinishReason, toUsage } from './response.js';
import type { AnthropicUsage } from './types.js';

/** Settings of one stream's translation. */
export interface AnthropicStreamOptions {
  /** Adapter name (errors' `provider`). */
  provider: string;
  /** Error message prefix. @defaultValue `provider` */
  label?: string;
  /** The `request-id` of the response, put on errors. */
  requestId?: string | undefined;
  /** Exact strings to scrub from error messages. */
  secrets?: readonly string[];
  /** Current time (epoch ms), for `created`. */
  nowMs?: number;
}

interface BlockState {
  kind: 'text' | 'tool' | 'thinking' | 'redacted' | 'other';
  toolIndex: number;
  input: unknown;
  sawArgs: boolean;
  thinking: string;
  signature: string;
  data: string;
}

type Delta = ChunkChoice['delta'];

/**
 * Translates one Anthropic stream. Not reusable across streams.
 * @example
 * ```ts
 * const t = new AnthropicStreamTranslator({ provider: 'anthropic' });
 * for await (const e of new SseReader(body, { provider: 'anthropic', label: 'anthropic' })) {
 *   for (const chunk of t.push(e.event, e.data)) emit(chunk);
 *   if (t.finished) break;
 * }
 * t.end(); // throws StreamInterruptedError when message_stop never came
 * ```
 */
export class AnthropicStreamTranslator {
  readonly #options: AnthropicStreamOptions;
  #id = '';
  #model = '';
  readonly #created: number;
  #usage: AnthropicUsage | undefined;
  readonly #blocks = new Map<number, BlockState>();
  #tools = 0;
  #stopped = false;
  #content = false;

  constructor(options: AnthropicStreamOptions) {
    this.#options = options;
    this.#created = Math.floor((options.nowMs ?? Date.now()) / 1000);
  }

  /** True once `message_stop` arrived. */
  get finished(): boolean {
    return this.#stopped;
  }

  /** True once a chunk with text, reasoning or a tool call was produced. */
  get contentDelivered(): boolean {
    return this.#content;
  }

  /**
   * Translates one SSE event.
   * @param event - the SSE `event:` name, if any (the data's `type` is used when they differ)
   * @param data - the SSE `data:` payload
   * @returns the chunks to emit, possibly none
   * @throws the mapped error for `event: error`; {@link StreamInterruptedError} for unparsable data
   */
  push(event: string | undefined, data: string): ChatChunk[] {
    if (this.#stopped) return [];
    let payload: Record<string, unknown> | null = null;
    try {
      payload = JSON.parse(data) as Record<string, unknown> | null;
    } catch {
      // handled below
    }
    if (typeof payload !== 'object' || payload === null) throw this.#interrupted(`received an unparsable ${event ?? 'data'} event`);
    const type = typeof payload.type === 'string' ? payload.type : event;
    if (type === 'error' || event === 'error') {
      const { provider, label = provider, requestId, secrets } = this.#options;
      // `overloaded_error` after a 200 is the typical case: a retryable ServerError.
      const info = extractProviderError(payload) ?? { type: 'api_error', message: 'error event without details' };
      throw classifyError({ provider, label, status: undefined, info, requestId, secrets, source: 'stream' });
    }
    switch (type) {
      case 'message_start': {
        const message = (payload.message ?? {}) as { id?: unknown; model?: unknown; usage?: AnthropicUsage };
        if (typeof message.id === 'string') this.#id = message.id;
        if (typeof message.model === 'string') this.#model = message.model;
        if (message.usage) this.#usage = { ...message.usage };
        return [this.#chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_start':
        return this.#blockStart(Number(payload.index), (payload.content_block ?? {}) as Record<string, unknown>);
      case 'content_block_delta':
        return this.#blockDelta(Number(payload.index), (payload.delta ?? {}) as Record<string, unknown>);
      case 'content_block_stop':
        return this.#blockStop(Number(payload.index));
      case 'message_delta': {
        this.#mergeUsage(payload.usage as AnthropicUsage | undefined);
        const stop = (payload.delta as { stop_reason?: string | null } | undefined)?.stop_reason;
        return stop ? [this.#chunk({}, toFinishReason(stop))] : [];
      }
      case 'message_stop':
        this.#stopped = true;
        return this.#usage ? [{ ...this.#base(), choices: [], usage: toUsage(this.#usage) }] : [];
      default:
        return []; // ping, and event types added after this adapter was written
    }
  }

  /**
   * Call at end of body.
   * @throws {@link StreamInterruptedError} when `message_stop` never came
   */
  end(): void {
    if (!this.#stopped) throw this.#interrupted('ended before message_stop');
  }

  #interrupted(what: string): StreamInterruptedError {
    return new StreamInterruptedError(`${this.#options.label ?? this.#options.provider}: stream ${what}`, {
      provider: this.#options.provider,
      requestId: this.#options.requestId,
      retryable: true,
      contentDelivered: this.#content,
    });
  }

  #mergeUsage(update: AnthropicUsage | undefined): void {
    if (!update) return;
    const merged: AnthropicUsage = { ...this.#usage };
    for (const [key, value] of Object.entries(update)) if (value !== null && value !== undefined) merged[key] = value;
    this.#usage = merged;
  }

  #blockStart(index: number, block: Record<string, unknown>): ChatChunk[] {
    const state: BlockState = { kind: 'other', toolIndex: -1, input: undefined, sawArgs: false, thinking: '', signature: '', data: '' };
    this.#blocks.set(index, state);
    switch (block.type) {
      case 'text':
        state.kind = 'text';
        return typeof block.text === 'string' && block.text !== '' ? [this.#chunk({ content: block.text })] : [];
      case 'thinking':
        state.kind = 'thinking';
        return typeof block.thinking === 'string' && block.thinking !== '' ? this.#blockDelta(index, { type: 'thinking_delta', thinking: block.thinking }) : [];
      case 'redacted_thinking':
        state.kind = 'redacted';
        state.data = typeof block.data === 'string' ? block.data : '';
        return [];
      case 'tool_use':
        state.kind = 'tool';
        state.toolIndex = this.#tools++;
        state.input = block.input;
        return [this.#chunk({ tool_calls: [{ index: state.toolIndex, id: String(block.id), type: 'function', function: { name: String(block.name), arguments: '' } }] })];
      default:
        return []; // server tools and their results have no OpenAI counterpart
    }
  }

  #blockDelta(index: number, delta: Record<string, unknown>): ChatChunk[] {
    const state = this.#blocks.get(index);
    if (delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text !== '') return [this.#chunk({ content: delta.text })];
    if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string' && delta.thinking !== '') {
      if (state) state.thinking += delta.thinking;
      return [this.#chunk({ reasoning_content: delta.thinking })];
    }
    if (delta.type === 'signature_delta' && state && typeof delta.signature === 'string') state.signature += delta.signature;
    if (delta.type === 'input_json_delta' && state?.kind === 'tool' && typeof delta.partial_json === 'string' && delta.partial_json !== '') {
      state.sawArgs = true;
      return [this.#chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: delta.partial_json } }] })];
    }
    return [];
  }

  #blockStop(index: number): ChatChunk[] {
    const state = this.#blocks.get(index);
    if (!state) return [];
    if (state.kind === 'tool' && !state.sawArgs) {
      // A call without arguments sends no input_json_delta: "{}" keeps the arguments valid JSON.
      const input = state.input && typeof state.input === 'object' && Object.keys(state.input).length > 0 ? JSON.stringify(state.input) : '{}';
      return [this.#chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: input } }] })];
    }
    if (state.kind === 'thinking') return [this.#chunk({ thinking_blocks: [{ type: 'thinking', thinking: state.thinking, signature: state.signature }] })];
    if (state.kind === 'redacted') return [this.#chunk({ thinking_blocks: [{ type: 'redacted_thinking', data: state.data }] })];
    return [];
  }

  #base(): { id: string; object: 'chat.completion.chunk'; created: number; model: string } {
    return { id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#model };
  }

  #chunk(delta: Delta, finish: ChunkChoice['finish_reason'] = null): ChatChunk {
    if (delta.content || delta.reasoning_content || delta.tool_calls) this.#content = true;
    return { ...this.#base(), choices: [{ index: 0, delta, finish_reason: finish }] };
  }
}

/**
 * The chunks of an Anthropic stream body, through `translator` (see `ChunkIterator`): `message_stop`
 * finishes the stream (the rest of the body drained); a body that ends before it raises
 * {@link StreamInterruptedError}.
 *
 * @param body - the unread SSE body of a 2xx response
 * @param options - provider, label, signal, request id, secrets, timeouts
 * @param translator - the stream's translator
 */
export function readAnthropicChunks(body: ResponseBody, options: Omit<SseReaderOptions, 'contentDelivered'>, translator: AnthropicStreamTranslator): AsyncIterableIterator<ChatChunk> {
  return new AnthropicChunks(body, options, translator);
}

class AnthropicChunks extends ChunkIterator<EventSourceMessage> {
  readonly #translator: AnthropicStreamTranslator;

  constructor(body: ResponseBody, options: Omit<SseReaderOptions, 'contentDelivered'>, translator: AnthropicStreamTranslator) {
    super(body, options);
    this.#translator = translator;
  }

  protected override delivered(): boolean {
    return this.#translator.contentDelivered;
  }

  protected override convert(event: EventSourceMessage): readonly ChatChunk[] {
    const translator = this.#translator;
    const chunks = translator.push(event.event, event.data);
    if (translator.finished) this.finish();
    return chunks;
  }

  protected override atEnd(): undefined {
    this.#translator.end();
    return undefined;
  }
}
