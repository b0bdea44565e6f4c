/**
 * Builders for the OpenAI-format values an adapter returns (`ChatResponse`, `ChatChunk`), for
 * in-process tests of middleware. Types only come from `@lifeline/core`: no runtime import.
 *
 * @module
 */
import type { ChatChunk, ChatResponse, ChunkChoice, Usage } from '@lifeline/core';

/** Prompt tokens reported by the builders' default usage. */
export const DEFAULT_PROMPT_TOKENS = 3;

/** Splits text into the pieces the builders stream: words, each with its leading whitespace. */
export function words(text: string): string[] {
  return text.split(/(?=\s)/).filter((w) => w.length > 0);
}

/**
 * The usage the builders report when none is given: `promptTokens` in, one token per piece out.
 *
 * @param completionTokens - output tokens
 * @param promptTokens - input tokens
 * @example
 * ```ts
 * defaultUsage(2); // { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }
 * ```
 */
export function defaultUsage(completionTokens: number, promptTokens = DEFAULT_PROMPT_TOKENS): Usage {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

/** Options of {@link chatResponse}. */
export interface ChatResponseOptions {
  /** @defaultValue `'chatcmpl-1'` */
  id?: string;
  /** @defaultValue `'m'` */
  model?: string;
  /** @defaultValue `'stop'` */
  finishReason?: string | null;
  /** `null` for none. @defaultValue {@link defaultUsage} of the text's words */
  usage?: Usage | null;
}

/**
 * A complete chat response whose answer is `text`.
 *
 * @example
 * ```ts
 * const truncated = chatResponse('Once upon a', { finishReason: 'length' });
 * ```
 */
export function chatResponse(text = 'Hello world', options: ChatResponseOptions = {}): ChatResponse {
  const usage = options.usage === undefined ? defaultUsage(words(text).length) : options.usage;
  const response: ChatResponse = {
    id: options.id ?? 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: options.model ?? 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: options.finishReason === undefined ? 'stop' : options.finishReason }],
  };
  if (usage) response.usage = usage;
  return response;
}

/**
 * One stream chunk with a single choice.
 *
 * @param delta - the choice's delta (`{ content: 'Hi' }`, `{ role: 'assistant' }`, tool-call deltas…)
 * @param finishReason - the choice's finish reason
 * @param extra - fields to override (`model`, `usage`, `id`…)
 * @example
 * ```ts
 * const stop = chatChunk({}, 'stop', { model: 'gpt-4.1' });
 * ```
 */
export function chatChunk(delta: ChunkChoice['delta'], finishReason: string | null = null, extra: Partial<ChatChunk> = {}): ChatChunk {
  return { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra };
}

/**
 * The final usage-only chunk (no choices), as OpenAI sends with `stream_options.include_usage`.
 *
 * @example
 * ```ts
 * usageChunk({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
 * ```
 */
export function usageChunk(usage: Usage, extra: Partial<ChatChunk> = {}): ChatChunk {
  return { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage, ...extra };
}

/** Options of {@link textChunks}. */
export interface TextChunksOptions {
  /** `id` of every chunk. @defaultValue `'c1'` */
  id?: string;
  /** @defaultValue `'m'` */
  model?: string;
  /** Finish reason of the finish chunk; `null` leaves the finish chunk out. @defaultValue `'stop'` */
  finishReason?: string | null;
  /** The usage chunk: `true` for {@link defaultUsage}, `false`/`null` for none. @defaultValue true */
  usage?: Usage | boolean | null;
  /** Prompt tokens of the default usage. @defaultValue 3 */
  promptTokens?: number;
}

/**
 * A whole OpenAI-style stream: a role chunk (empty content), one content chunk per piece, a
 * finish chunk and a usage chunk.
 *
 * @example
 * ```ts
 * textChunks(['Hello', ' world']); // role, 'Hello', ' world', finish 'stop', usage 3 + 2
 * ```
 */
export function textChunks(pieces: readonly string[], options: TextChunksOptions = {}): ChatChunk[] {
  const extra = { ...(options.id === undefined ? {} : { id: options.id }), ...(options.model === undefined ? {} : { model: options.model }) };
  const out: ChatChunk[] = [chatChunk({ role: 'assistant', content: '' }, null, extra)];
  for (const piece of pieces) out.push(chatChunk({ content: piece }, null, extra));
  const finish = options.finishReason === undefined ? 'stop' : options.finishReason;
  if (finish !== null) out.push(chatChunk({}, finish, extra));
  const usage = options.usage ?? true;
  if (usage === true) out.push(usageChunk(defaultUsage(pieces.length, options.promptTokens), extra));
  else if (usage) out.push(usageChunk(usage, extra));
  return out;
}

/**
 * Whether a chunk carries content (text, refusal, reasoning or tool-call deltas), the same test
 * as `@lifeline/core`'s: a role-only, finish or usage chunk does not.
 */
export function isContentChunk(chunk: ChatChunk): boolean {
  for (const choice of chunk.choices ?? []) {
    const d = choice.delta;
    if (!d) continue;
    if ((typeof d.content === 'string' && d.content.length > 0) || (typeof d.refusal === 'string' && d.refusal.length > 0)) return true;
    if (typeof d.reasoning_content === 'string' && d.reasoning_content.length > 0) return true;
    if (Array.isArray(d.tool_calls) && d.tool_calls.length > 0) return true;
  }
  return false;
}
