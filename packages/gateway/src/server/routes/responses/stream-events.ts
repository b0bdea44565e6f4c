/**
 * Core chat chunks → the Responses API's semantic event sequence: `response.created`,
 * `response.in_progress`, then per output item `output_item.added`, `content_part.added`,
 * `output_text.delta` / `reasoning_text.delta` / `refusal.delta` /
 * `function_call_arguments.delta`, their `…done` events, `output_item.done`, and finally
 * `response.completed` (or `response.incomplete`), or `error` + `response.failed` for a break.
 *
 * It only ever sees chunks, so whatever the pipeline does underneath (failover before content, a
 * mid-stream continuation from another target) reaches the client as one response.
 * @module
 */
import type { ChatChunk, ChatResponse } from '@lifeline/core';
import type { StreamFailure } from './errors.js';
import { responseObject, statusOf, toUsage, type ResponseEnvelope, type ResponseState } from './response.js';
import type { FunctionCallItem, MessageItem, OutputItem, ReasoningItem, ResponseEvent, ResponseObject } from './types.js';

type Part = { kind: 'text' | 'refusal'; index: number; value: string };
type Open =
  | { kind: 'message'; at: number; item: MessageItem; parts: Part[] }
  | { kind: 'reasoning'; at: number; item: ReasoningItem; text: string }
  | { kind: 'function_call'; at: number; item: FunctionCallItem };

/**
 * The event sequence of one streamed response. Each method returns the events to send, in
 * order, with `sequence_number` stamped.
 * @example
 * ```ts
 * const events = new ResponseStreamEvents(envelope, 'gpt-4.1');
 * send(events.start());
 * for await (const chunk of stream) send(events.push(chunk));
 * send(events.finish((await stream.result).response));
 * ```
 */
export class ResponseStreamEvents {
  readonly #envelope: ResponseEnvelope;
  #model: string;
  #seq = 0;
  readonly #items: Open[] = [];
  /** The message or reasoning item receiving text; closed when another item starts. */
  #current: Open | undefined;
  readonly #calls = new Map<number, Open & { kind: 'function_call' }>();
  #final: ResponseObject | undefined;

  constructor(envelope: ResponseEnvelope, model: string) {
    this.#envelope = envelope;
    this.#model = model;
  }

  /** The response as it stands (after {@link finish}: the final one). */
  get response(): ResponseObject {
    return this.#final ?? this.#snapshot({ status: 'in_progress' });
  }

  /** `response.created` and `response.in_progress`. */
  start(): ResponseEvent[] {
    const response = this.#snapshot({ status: 'in_progress' });
    return [this.#event({ type: 'response.created', response }), this.#event({ type: 'response.in_progress', response })];
  }

  /** The events one chunk produces (none for a role, finish or usage chunk). */
  push(chunk: ChatChunk): ResponseEvent[] {
    const delta = chunk.choices[0]?.delta;
    if (!delta) return [];
    const out: ResponseEvent[] = [];
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') {
      const open = this.#textItem('reasoning', out);
      if (open.kind === 'reasoning') {
        open.text += delta.reasoning_content;
        out.push(this.#event({ type: 'response.reasoning_text.delta', item_id: open.item.id, output_index: open.at, content_index: 0, delta: delta.reasoning_content }));
      }
    }
    if (typeof delta.content === 'string' && delta.content !== '') this.#messageDelta('text', delta.content, out);
    if (typeof delta.refusal === 'string' && delta.refusal !== '') this.#messageDelta('refusal', delta.refusal, out);
    for (const call of delta.tool_calls ?? []) {
      let open = this.#calls.get(call.index);
      if (!open) {
        this.#closeCurrent(out);
        const at = this.#items.length;
        const item: FunctionCallItem = { id: this.#envelope.ids.item('function_call', at), type: 'function_call', status: 'in_progress', call_id: call.id || this.#envelope.ids.call(call.index), name: call.function?.name ?? '', arguments: '' };
        open = { kind: 'function_call', at, item };
        this.#items.push(open);
        this.#calls.set(call.index, open);
        out.push(this.#event({ type: 'response.output_item.added', output_index: at, item: { ...item } }));
      } else if (call.function?.name && open.item.name === '') {
        open.item.name = call.function.name;
      }
      const args = call.function?.arguments;
      if (typeof args === 'string' && args !== '') {
        open.item.arguments += args;
        out.push(this.#event({ type: 'response.function_call_arguments.delta', item_id: open.item.id, output_index: open.at, delta: args }));
      }
    }
    return out;
  }

  /**
   * Closes every open item and ends with `response.completed`, or `response.incomplete` when the
   * answer was cut by the token limit or a content filter.
   *
   * @param response - the assembled chat response (`stream.result`)
   */
  finish(response: ChatResponse): ResponseEvent[] {
    const { status, incomplete } = statusOf(response.choices[0]?.finish_reason);
    if (response.model) this.#model = response.model;
    const itemStatus = status === 'completed' ? 'completed' : 'incomplete';
    const out: ResponseEvent[] = [];
    this.#closeCurrent(out, itemStatus);
    for (const open of this.#calls.values()) this.#close(open, out, 'completed');
    this.#final = this.#snapshot({ status, incomplete, usage: toUsage(response.usage) });
    out.push(this.#event({ type: status === 'completed' ? 'response.completed' : 'response.incomplete', response: this.#final }));
    return out;
  }

  /**
   * The break: an `error` event (which the SDKs raise), then `response.failed` carrying what was
   * produced so far, its items `incomplete`.
   */
  fail(failure: StreamFailure): ResponseEvent[] {
    for (const open of this.#items) if (open.item.status === 'in_progress') this.#fill(open, 'incomplete');
    this.#final = this.#snapshot({ status: 'failed', error: { code: failure.code, message: failure.message } });
    return [
      this.#event({ type: 'error', code: failure.code, message: failure.message, param: failure.error.param, error: failure.error }),
      this.#event({ type: 'response.failed', response: this.#final }),
    ];
  }

  #snapshot(state: Omit<ResponseState, 'model' | 'output'>): ResponseObject {
    return responseObject(this.#envelope, { ...state, model: this.#model, output: this.#items.map((o) => structuredClone(o.item) as OutputItem) });
  }

  #event(event: ResponseEvent): ResponseEvent {
    return { ...event, sequence_number: this.#seq++ };
  }

  #messageDelta(kind: Part['kind'], text: string, out: ResponseEvent[]): void {
    const open = this.#textItem('message', out);
    if (open.kind !== 'message') return;
    let part = open.parts.find((p) => p.kind === kind);
    if (!part) {
      part = { kind, index: open.parts.length, value: '' };
      open.parts.push(part);
      const empty = kind === 'text' ? { type: 'output_text', text: '', annotations: [], logprobs: [] } : { type: 'refusal', refusal: '' };
      out.push(this.#event({ type: 'response.content_part.added', item_id: open.item.id, output_index: open.at, content_index: part.index, part: empty }));
    }
    part.value += text;
    const type = kind === 'text' ? 'response.output_text.delta' : 'response.refusal.delta';
    out.push(this.#event({ type, item_id: open.item.id, output_index: open.at, content_index: part.index, delta: text, ...(kind === 'text' && { logprobs: [] }) }));
  }

  /** The open item of `kind` receiving text, opening it (and closing another) when needed. */
  #textItem(kind: 'message' | 'reasoning', out: ResponseEvent[]): Open {
    if (this.#current?.kind === kind) return this.#current;
    this.#closeCurrent(out);
    const at = this.#items.length;
    const id = this.#envelope.ids.item(kind, at);
    const open: Open =
      kind === 'message'
        ? { kind, at, parts: [], item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } }
        : { kind, at, text: '', item: { id, type: 'reasoning', status: 'in_progress', summary: [], content: [] } };
    this.#items.push(open);
    this.#current = open;
    out.push(this.#event({ type: 'response.output_item.added', output_index: at, item: structuredClone(open.item) }));
    if (open.kind === 'reasoning') {
      out.push(this.#event({ type: 'response.content_part.added', item_id: id, output_index: at, content_index: 0, part: { type: 'reasoning_text', text: '' } }));
    }
    return open;
  }

  #closeCurrent(out: ResponseEvent[], status: 'completed' | 'incomplete' = 'completed'): void {
    if (this.#current) this.#close(this.#current, out, status);
    this.#current = undefined;
  }

  /** Puts the accumulated content into the item and sets its status. */
  #fill(open: Open, status: 'completed' | 'incomplete'): void {
    if (open.kind === 'message') {
      open.item.content = open.parts.map((p) => (p.kind === 'text' ? { type: 'output_text', text: p.value, annotations: [], logprobs: [] } : { type: 'refusal', refusal: p.value }));
    } else if (open.kind === 'reasoning') {
      open.item.content = [{ type: 'reasoning_text', text: open.text }];
    }
    open.item.status = status;
  }

  #close(open: Open, out: ResponseEvent[], status: 'completed' | 'incomplete'): void {
    if (open.item.status !== 'in_progress') return;
    const base = { item_id: open.item.id, output_index: open.at };
    this.#fill(open, status);
    if (open.kind === 'message') {
      open.item.content.forEach((part, i) => {
        if (part.type === 'output_text') out.push(this.#event({ type: 'response.output_text.done', ...base, content_index: i, text: part.text, logprobs: [] }));
        else out.push(this.#event({ type: 'response.refusal.done', ...base, content_index: i, refusal: part.refusal }));
        out.push(this.#event({ type: 'response.content_part.done', ...base, content_index: i, part: { ...part } }));
      });
    } else if (open.kind === 'reasoning') {
      out.push(this.#event({ type: 'response.reasoning_text.done', ...base, content_index: 0, text: open.text }));
      out.push(this.#event({ type: 'response.content_part.done', ...base, content_index: 0, part: { type: 'reasoning_text', text: open.text } }));
    } else {
      out.push(this.#event({ type: 'response.function_call_arguments.done', ...base, arguments: open.item.arguments }));
    }
    out.push(this.#event({ type: 'response.output_item.done', output_index: open.at, item: structuredClone(open.item) }));
  }
}
