/**
 * Core `ChatChunk`s → Anthropic stream events, a pure state machine. One content block is open
 * at a time: reasoning opens a `thinking` block (`thinking_delta`; the Anthropic upstream's
 * signature arrives as `signature_delta` just before the block stops), text a `text` block
 * (`text_delta`), each tool call a `tool_use` block (`input_json_delta`); a block of another kind
 * closes the open one (`content_block_stop`). `message_delta` (stop reason, usage) is built at the
 * end, when the usage is known.
 *
 * Chunks that a failover continuation adds (a second role chunk, another vendor's ids) simply
 * continue the open message. A restart marker after content was sent cannot be expressed in this
 * dialect and ends the stream with an error instead of a doubled answer.
 * @module
 */
import { StreamInterruptedError, type ChatChunk, type FinishReason, type ToolCallDelta, type Usage } from '@lifeline/core';
import { thinkingBlock } from './response.js';
import type { BlockDelta, ContentBlock, StreamEvent } from './types.js';
import { toDeltaUsage, toStopReason, toolUseId } from './usage.js';

/** Settings of one stream's translation. */
export interface MessageEventsOptions {
  /** `id` of the message. */
  id: string;
  /** The model answering. */
  model: string;
  /** `usage.input_tokens` of `message_start`: an estimate, the exact count comes with `message_delta`. */
  inputTokens: number;
}

type Kind = 'text' | 'thinking' | 'tool';

const event = (type: string, data: Record<string, unknown> = {}): StreamEvent => ({ event: type, data: { type, ...data } });

/** The `message_stop` event. */
export const MESSAGE_STOP: StreamEvent = event('message_stop');

/** The `ping` event. */
export const PING: StreamEvent = event('ping');

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Translates one stream. Not reusable across streams.
 * @example
 * ```ts
 * const t = new MessageEvents({ id: 'msg_1', model: 'gpt-4.1', inputTokens: 12 });
 * send([t.start()]);
 * for await (const chunk of stream) send(t.push(chunk));
 * send([...t.close(usage), MESSAGE_STOP]);
 * ```
 */
export class MessageEvents {
  readonly #options: MessageEventsOptions;
  #next = 0;
  #open: { kind: Kind; index: number } | undefined;
  readonly #tools = new Map<number, { index: number; id: string | undefined }>();
  #finish: FinishReason | null = null;
  #usage: Usage | undefined;
  #calledTools = false;
  #refused = false;
  #texted = false;

  constructor(options: MessageEventsOptions) {
    this.#options = options;
  }

  /** The `message_start` event. */
  start(): StreamEvent {
    const { id, model, inputTokens } = this.#options;
    const usage = { ...toDeltaUsage(undefined), input_tokens: inputTokens, cache_creation_input_tokens: null, cache_read_input_tokens: null };
    const message = { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, stop_details: null, container: null, diagnostics: null };
    return event('message_start', { message: { ...message, usage: { ...usage, cache_creation: null, service_tier: null, inference_geo: null, speed: null } } });
  }

  /**
   * The events of one chunk, possibly none.
   * @throws {@link StreamInterruptedError} for a restart marker after content was sent
   */
  push(chunk: ChatChunk): StreamEvent[] {
    const out: StreamEvent[] = [];
    if ((chunk.lifeline as { event?: unknown } | undefined)?.event === 'restart') {
      if (this.#next > 0) throw new StreamInterruptedError('The stream broke and the answer restarted on another target; a Messages stream cannot take back what it sent', { contentDelivered: true });
      return out;
    }
    if (chunk.usage) this.#usage = chunk.usage;
    const choice = chunk.choices?.find((c) => c.index === 0);
    if (!choice) return out;
    const d = choice.delta ?? {};
    const blocks = Array.isArray(d.thinking_blocks) ? d.thinking_blocks : [];
    // A replayed answer (cache, fallback) carries whole thinking blocks next to the joined reasoning: the blocks win.
    if (nonEmpty(d.reasoning_content) && blocks.length === 0) this.#delta('thinking', { type: 'thinking_delta', thinking: d.reasoning_content }, out);
    for (const raw of blocks) this.#thinking(raw, out);
    if (nonEmpty(d.content)) {
      this.#texted = true;
      this.#delta('text', { type: 'text_delta', text: d.content }, out);
    }
    if (nonEmpty(d.refusal)) {
      this.#refused = true;
      this.#delta('text', { type: 'text_delta', text: d.refusal }, out);
    }
    for (const call of d.tool_calls ?? []) this.#toolCall(call, out);
    if (choice.finish_reason) {
      this.#finish = choice.finish_reason;
      this.#close(out);
    }
    return out;
  }

  /**
   * Closes the open block and returns it with `message_delta`; send {@link MESSAGE_STOP} after.
   * @param usage - the call's final usage, when the stream itself carried none
   */
  close(usage?: Usage | null): StreamEvent[] {
    const out: StreamEvent[] = [];
    this.#close(out);
    const finish = this.#refused && !this.#texted && this.#finish === 'stop' ? 'content_filter' : this.#finish;
    const delta = { stop_reason: toStopReason(finish, this.#calledTools), stop_sequence: null, stop_details: null, container: null };
    out.push(event('message_delta', { delta, usage: toDeltaUsage(usage ?? this.#usage) }));
    return out;
  }

  #close(out: StreamEvent[]): void {
    if (!this.#open) return;
    out.push(event('content_block_stop', { index: this.#open.index }));
    this.#open = undefined;
  }

  #begin(kind: Kind, block: ContentBlock, out: StreamEvent[]): number {
    this.#close(out);
    const index = this.#next++;
    this.#open = { kind, index };
    out.push(event('content_block_start', { index, content_block: block }));
    return index;
  }

  #delta(kind: 'text' | 'thinking', delta: BlockDelta, out: StreamEvent[]): void {
    let index = this.#open?.kind === kind ? this.#open.index : undefined;
    if (index === undefined) {
      index = this.#begin(kind, kind === 'text' ? { type: 'text', text: '', citations: null } : { type: 'thinking', thinking: '', signature: '' }, out);
    }
    out.push(event('content_block_delta', { index, delta }));
  }

  #thinking(raw: Record<string, unknown>, out: StreamEvent[]): void {
    const block = thinkingBlock(raw);
    if (!block) return;
    if (block.type === 'redacted_thinking') {
      this.#begin('thinking', block, out);
      this.#close(out);
      return;
    }
    if (this.#open?.kind !== 'thinking' && block.type === 'thinking') {
      const index = this.#begin('thinking', { type: 'thinking', thinking: '', signature: '' }, out);
      if (block.thinking !== '') out.push(event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: block.thinking } }));
    }
    if (block.type === 'thinking' && block.signature !== '') {
      out.push(event('content_block_delta', { index: this.#open!.index, delta: { type: 'signature_delta', signature: block.signature } }));
    }
    this.#close(out);
  }

  #toolCall(call: ToolCallDelta, out: StreamEvent[]): void {
    let entry = this.#tools.get(call.index);
    if (!entry || (call.id !== undefined && entry.id !== undefined && call.id !== entry.id)) {
      const index = this.#begin('tool', { type: 'tool_use', id: toolUseId(call.id), name: call.function?.name ?? '', input: {}, caller: { type: 'direct' } }, out);
      entry = { index, id: call.id };
      this.#tools.set(call.index, entry);
      this.#calledTools = true;
    }
    const args = call.function?.arguments;
    // A late fragment of an earlier call goes to that call's block: the SDKs assemble by index.
    if (nonEmpty(args)) out.push(event('content_block_delta', { index: entry.index, delta: { type: 'input_json_delta', partial_json: args } }));
  }
}
