/**
 * Lifeline `ChatChunk`s → AI SDK stream parts, one chunk at a time: text and reasoning blocks
 * (`*-start`, `*-delta`, `*-end`), tool calls streamed as `tool-input-*` and completed as
 * `tool-call` at the end, and a `finish` part carrying usage and `providerMetadata.lifeline`.
 * @module
 */
import type { JSONObject, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import type { ChatChunk, FinishReason, Meta, Usage } from '@lifeline/core';
import { toUnifiedFinishReason } from '../shared/finish-reason.js';
import { toAiSdkUsage } from '../shared/usage.js';
import { toProviderMetadata } from './metadata.js';
import { thinkingText } from './response.js';

type Part = LanguageModelV4StreamPart;

interface ToolState {
  id: string;
  name: string;
  args: string;
  extra: Record<string, unknown> | undefined;
}

/** Translates the chunks of one stream; create one per stream. */
export class StreamTranslator {
  #text: string | undefined;
  #reasoning: string | undefined;
  #blocks = 0;
  #tools = new Map<number, ToolState>();
  #finish: FinishReason | null = null;
  #usage: Usage | undefined;
  #announced = false;
  readonly #includeRaw: boolean;

  constructor(includeRaw = false) {
    this.#includeRaw = includeRaw;
  }

  /** The parts for one chunk. */
  push(chunk: ChatChunk): Part[] {
    const parts: Part[] = [];
    if (this.#includeRaw) parts.push({ type: 'raw', rawValue: chunk });
    if (!this.#announced && (chunk.id || chunk.model)) {
      this.#announced = true;
      parts.push({ type: 'response-metadata', id: chunk.id || undefined, modelId: chunk.model || undefined, timestamp: chunk.created ? new Date(chunk.created * 1000) : undefined });
    }
    if ((chunk.lifeline as { event?: unknown } | undefined)?.event === 'restart') {
      // failover's midStream 'restart': the answer starts over on another target.
      this.#closeBlocks(parts);
      this.#tools.clear();
      this.#finish = null;
      return parts;
    }
    if (chunk.usage) this.#usage = chunk.usage;
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    if (!choice) return parts;
    const delta = choice.delta ?? {};
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') {
      this.#closeText(parts);
      if (this.#reasoning === undefined) {
        this.#reasoning = `reasoning-${this.#blocks++}`;
        parts.push({ type: 'reasoning-start', id: this.#reasoning });
      }
      parts.push({ type: 'reasoning-delta', id: this.#reasoning, delta: delta.reasoning_content });
    }
    if (Array.isArray(delta.thinking_blocks)) {
      for (const block of delta.thinking_blocks) this.#thinkingBlock(parts, block);
    }
    if (typeof delta.content === 'string' && delta.content !== '') {
      this.#closeReasoning(parts);
      if (this.#text === undefined) {
        this.#text = `text-${this.#blocks++}`;
        parts.push({ type: 'text-start', id: this.#text });
      }
      parts.push({ type: 'text-delta', id: this.#text, delta: delta.content });
    }
    for (const call of delta.tool_calls ?? []) {
      const index = typeof call.index === 'number' ? call.index : this.#tools.size;
      let state = this.#tools.get(index);
      if (!state) {
        this.#closeBlocks(parts);
        state = { id: call.id ?? `call-${index}`, name: call.function?.name ?? '', args: '', extra: call.extra_content };
        this.#tools.set(index, state);
        parts.push({ type: 'tool-input-start', id: state.id, toolName: state.name });
      }
      if (call.extra_content) state.extra = call.extra_content;
      const fragment = call.function?.arguments;
      if (typeof fragment === 'string' && fragment !== '') {
        state.args += fragment;
        parts.push({ type: 'tool-input-delta', id: state.id, delta: fragment });
      }
    }
    if (choice.finish_reason) this.#finish = choice.finish_reason;
    return parts;
  }

  /** The parts that end a stream that completed: open blocks closed, tool calls, `finish`. */
  end(meta: Meta | undefined, usage?: Usage | null): Part[] {
    const parts: Part[] = [];
    this.#closeBlocks(parts);
    for (const state of this.#tools.values()) {
      parts.push({ type: 'tool-input-end', id: state.id });
      const call: Part = { type: 'tool-call', toolCallId: state.id, toolName: state.name, input: state.args || '{}' };
      if (state.extra) call.providerMetadata = { lifeline: { extraContent: state.extra as JSONObject } };
      parts.push(call);
    }
    this.#tools.clear();
    parts.push({
      type: 'finish',
      usage: toAiSdkUsage(usage ?? this.#usage),
      finishReason: toUnifiedFinishReason(this.#finish),
      providerMetadata: { lifeline: toProviderMetadata(meta) },
    });
    return parts;
  }

  /** The parts that end a stream that failed after it started: `error`, then a `finish` with reason `error`. */
  fail(error: unknown, meta: Meta | undefined, code: string): Part[] {
    const parts: Part[] = [];
    this.#closeBlocks(parts);
    this.#tools.clear();
    parts.push({ type: 'error', error });
    parts.push({
      type: 'finish',
      usage: toAiSdkUsage(this.#usage),
      finishReason: { unified: 'error', raw: code },
      providerMetadata: { lifeline: toProviderMetadata(meta) },
    });
    return parts;
  }

  #thinkingBlock(parts: Part[], block: Record<string, unknown>): void {
    const providerMetadata = { lifeline: { thinkingBlock: block as JSONObject } };
    if (this.#reasoning === undefined) {
      // A block with no streamed text (redacted thinking): a reasoning part of its own.
      const id = `reasoning-${this.#blocks++}`;
      parts.push({ type: 'reasoning-start', id });
      const text = thinkingText(block);
      if (text) parts.push({ type: 'reasoning-delta', id, delta: text });
      parts.push({ type: 'reasoning-end', id, providerMetadata });
      return;
    }
    parts.push({ type: 'reasoning-end', id: this.#reasoning, providerMetadata });
    this.#reasoning = undefined;
  }

  #closeText(parts: Part[]): void {
    if (this.#text === undefined) return;
    parts.push({ type: 'text-end', id: this.#text });
    this.#text = undefined;
  }

  #closeReasoning(parts: Part[]): void {
    if (this.#reasoning === undefined) return;
    parts.push({ type: 'reasoning-end', id: this.#reasoning });
    this.#reasoning = undefined;
  }

  #closeBlocks(parts: Part[]): void {
    this.#closeReasoning(parts);
    this.#closeText(parts);
  }
}
