/**
 * Assembles streamed chunks into the response a non-streamed call would have returned.
 * @module
 */
import type { ChatChoice, ChatChunk, ChatResponse, ToolCall, ToolCallDelta, Usage } from './types.js';

interface ChoiceState {
  index: number;
  /**
   * The content so far, as the deltas came: joined once at the end. (`+=` would keep a rope node
   * per chunk, four times the memory of an array slot, for as long as the stream is in flight.)
   */
  content: string[];
  sawContent: boolean;
  refusal: string | undefined;
  reasoning: string | undefined;
  thinkingBlocks: Array<Record<string, unknown>> | undefined;
  toolCalls: ToolCall[];
  finish: ChatChoice['finish_reason'];
}

/**
 * Merges `ChatChunk`s: content concatenated per choice, tool-call deltas merged by `index`
 * (also for relays that omit `index` or send a call whole), `finish_reason`, and usage from
 * the last chunk that carried one.
 *
 * @example
 * ```ts
 * const asm = new ResponseAssembler();
 * for await (const chunk of stream) asm.push(chunk);
 * const response = asm.finish();
 * ```
 */
export class ResponseAssembler {
  #id = '';
  #created = 0;
  #model = '';
  #fingerprint: string | null | undefined;
  #usage: Usage | undefined;
  #choices: ChoiceState[] = [];
  #chunks = 0;

  /** Number of chunks pushed. */
  get chunkCount(): number {
    return this.#chunks;
  }

  /** The last usage seen, if any. */
  get usage(): Usage | undefined {
    return this.#usage;
  }

  /** True once any choice carried content, a refusal or a tool call. */
  get hasContent(): boolean {
    return this.#choices.some((c) => c.sawContent || c.toolCalls.length > 0 || c.refusal !== undefined);
  }

  /**
   * Adds one chunk. A restart marker (`chunk.lifeline.event === 'restart'`, sent by failover's
   * `midStream: 'restart'`) discards what was assembled so far: the answer starts over.
   */
  push(chunk: ChatChunk): void {
    this.#chunks++;
    if ((chunk.lifeline as { event?: unknown } | undefined)?.event === 'restart') {
      this.#id = '';
      this.#created = 0;
      this.#model = '';
      this.#fingerprint = undefined;
      this.#usage = undefined;
      this.#choices = [];
      return;
    }
    if (!this.#id && chunk.id) this.#id = chunk.id;
    if (!this.#created && chunk.created) this.#created = chunk.created;
    if (!this.#model && chunk.model) this.#model = chunk.model;
    if (chunk.system_fingerprint !== undefined) this.#fingerprint = chunk.system_fingerprint as string | null;
    if (chunk.usage) this.#usage = chunk.usage;
    const choices = chunk.choices;
    if (!Array.isArray(choices)) return;
    for (const choice of choices) {
      const state = this.#choice(choice.index ?? 0);
      const delta = choice.delta;
      if (delta) {
        if (typeof delta.content === 'string' && delta.content.length > 0) {
          state.content.push(delta.content);
          state.sawContent = true;
        }
        if (typeof delta.refusal === 'string') state.refusal = (state.refusal ?? '') + delta.refusal;
        if (typeof delta.reasoning_content === 'string') state.reasoning = (state.reasoning ?? '') + delta.reasoning_content;
        if (Array.isArray(delta.thinking_blocks)) (state.thinkingBlocks ??= []).push(...delta.thinking_blocks);
        if (Array.isArray(delta.tool_calls)) {
          for (const tc of delta.tool_calls) mergeToolCall(state.toolCalls, tc);
        }
      }
      if (choice.finish_reason) state.finish = choice.finish_reason;
    }
  }

  /** The assembled response. */
  finish(): ChatResponse {
    const choices: ChatChoice[] = this.#choices
      .slice()
      .sort((a, b) => a.index - b.index)
      .map((s) => {
        const message: ChatChoice['message'] = {
          role: 'assistant',
          content: s.sawContent || s.toolCalls.length === 0 ? s.content.join('') : null,
        };
        if (s.refusal !== undefined) message.refusal = s.refusal;
        if (s.reasoning !== undefined) message.reasoning_content = s.reasoning;
        if (s.thinkingBlocks !== undefined) message.thinking_blocks = s.thinkingBlocks;
        if (s.toolCalls.length > 0) message.tool_calls = s.toolCalls;
        return { index: s.index, message, finish_reason: s.finish, logprobs: null };
      });
    const response: ChatResponse = {
      id: this.#id,
      object: 'chat.completion',
      created: this.#created,
      model: this.#model,
      choices,
    };
    if (this.#usage) response.usage = this.#usage;
    if (this.#fingerprint !== undefined) response.system_fingerprint = this.#fingerprint;
    return response;
  }

  #choice(index: number): ChoiceState {
    let state = this.#choices.find((c) => c.index === index);
    if (!state) {
      state = { index, content: [], sawContent: false, refusal: undefined, reasoning: undefined, thinkingBlocks: undefined, toolCalls: [], finish: null };
      this.#choices.push(state);
    }
    return state;
  }
}

function mergeToolCall(calls: ToolCall[], delta: NonNullable<ChatChunk['choices'][number]['delta']['tool_calls']>[number]): void {
  let target: ToolCall | undefined;
  if (typeof delta.index === 'number') {
    target = calls[delta.index];
  } else if (delta.id !== undefined) {
    // Relays without `index` (Ollama, Gemini-compat): a new id starts a new call.
    target = calls.find((c) => c.id === delta.id);
  } else {
    target = calls[calls.length - 1];
  }
  if (!target) {
    target = { id: delta.id ?? '', type: 'function', function: { name: '', arguments: '' } };
    if (typeof delta.index === 'number') calls[delta.index] = target;
    else calls.push(target);
  }
  if (delta.id) target.id = delta.id;
  if (delta.function?.name && !target.function.name) target.function.name = delta.function.name;
  if (delta.function?.arguments) target.function.arguments += delta.function.arguments;
  if (delta.extra_content) target.extra_content = { ...target.extra_content, ...delta.extra_content };
}

/**
 * True when a chunk carries something the user sees: text, a refusal, reasoning, or a tool call.
 * Role-only, finish-only and usage-only chunks are not content.
 */
export function isContentChunk(chunk: ChatChunk): boolean {
  const choices = chunk.choices;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    const d = choice.delta;
    if (!d) continue;
    if ((typeof d.content === 'string' && d.content.length > 0) || (typeof d.refusal === 'string' && d.refusal.length > 0)) return true;
    if (typeof d.reasoning_content === 'string' && d.reasoning_content.length > 0) return true;
    if (Array.isArray(d.tool_calls) && d.tool_calls.length > 0) return true;
  }
  return false;
}

/**
 * The chunks a stream of `response` would have carried: one content chunk per choice, then a
 * finish chunk, then a usage chunk. Used to replay a cached or degraded answer as a stream.
 */
export function responseToChunks(response: ChatResponse): ChatChunk[] {
  const base = { id: response.id, object: 'chat.completion.chunk' as const, created: response.created, model: response.model };
  const chunks: ChatChunk[] = [];
  for (const choice of response.choices) {
    const m = choice.message;
    const delta: ChatChunk['choices'][number]['delta'] = { role: 'assistant', content: m.content ?? '' };
    if (m.refusal) delta.refusal = m.refusal;
    if (m.reasoning_content) delta.reasoning_content = m.reasoning_content;
    if (m.thinking_blocks?.length) delta.thinking_blocks = m.thinking_blocks;
    if (m.tool_calls?.length) {
      delta.tool_calls = m.tool_calls.map((tc, index) => {
        const d: ToolCallDelta = { index, id: tc.id, type: 'function', function: { name: tc.function.name, arguments: tc.function.arguments } };
        if (tc.extra_content) d.extra_content = tc.extra_content;
        return d;
      });
    }
    chunks.push({ ...base, choices: [{ index: choice.index, delta, finish_reason: null }] });
    chunks.push({ ...base, choices: [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason }] });
  }
  if (response.usage) chunks.push({ ...base, choices: [], usage: response.usage });
  return chunks;
}
