/**
 * The `response` object: its envelope (what the request asked for, echoed as OpenAI does), and a
 * core `ChatResponse` → `output` items, `usage` and `status`.
 * @module
 */
import type { ChatResponse, FinishReason, Usage } from '@lifeline/core';
import type { ResponseIds } from './ids.js';
import type { OutputItem, ResponseError, ResponseObject, ResponseStatus, ResponsesBody, ResponseUsage, TextFormat } from './types.js';

/** What every snapshot of one response shares. */
export interface ResponseEnvelope {
  readonly ids: ResponseIds;
  /** Unix seconds. */
  readonly createdAt: number;
  readonly body: ResponsesBody;
  /** Whether the response is kept for `previous_response_id` and `GET`. */
  readonly store: boolean;
}

/** The state of a response at one moment. */
export interface ResponseState {
  status: ResponseStatus;
  model: string;
  output: OutputItem[];
  usage?: ResponseUsage | null;
  error?: ResponseError | null;
  incomplete?: 'max_output_tokens' | 'content_filter' | undefined;
}

/**
 * The `response` object of `envelope` in `state`.
 * @example
 * ```ts
 * responseObject(envelope, { status: 'in_progress', model: 'gpt-4.1', output: [] }); // { id: 'resp_…', object: 'response', … }
 * ```
 */
export function responseObject(envelope: ResponseEnvelope, state: ResponseState): ResponseObject {
  const b = envelope.body;
  const text: ResponseObject['text'] = { format: (b.text?.format ?? { type: 'text' }) as TextFormat };
  if (typeof b.text?.verbosity === 'string') text.verbosity = b.text.verbosity;
  return {
    id: envelope.ids.response,
    object: 'response',
    created_at: envelope.createdAt,
    status: state.status,
    background: false,
    completed_at: state.status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: state.error ?? null,
    incomplete_details: state.incomplete ? { reason: state.incomplete } : null,
    instructions: typeof b.instructions === 'string' ? b.instructions : null,
    max_output_tokens: b.max_output_tokens ?? null,
    max_tool_calls: null,
    model: state.model,
    output: state.output,
    parallel_tool_calls: b.parallel_tool_calls ?? true,
    previous_response_id: b.previous_response_id ?? null,
    reasoning: { effort: b.reasoning?.effort ?? null, summary: b.reasoning?.summary ?? null },
    store: envelope.store,
    temperature: b.temperature ?? null,
    text,
    tool_choice: b.tool_choice ?? 'auto',
    tools: b.tools ?? [],
    top_p: b.top_p ?? null,
    truncation: b.truncation === 'auto' ? 'auto' : 'disabled',
    usage: state.usage ?? null,
    user: typeof b.user === 'string' ? b.user : null,
    metadata: b.metadata ?? {},
  };
}

/** Core usage (OpenAI chat shape: cached ⊂ prompt, reasoning ⊂ completion) → Responses usage. */
export function toUsage(usage: Usage | null | undefined): ResponseUsage | null {
  if (!usage) return null;
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: {
      cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
      cache_write_tokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
    },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
  };
}

/** `status` and `incomplete_details.reason` for a finish reason: truncation and filtering are `incomplete`. */
export function statusOf(finish: FinishReason | null | undefined): Pick<ResponseState, 'status' | 'incomplete'> {
  if (finish === 'length') return { status: 'incomplete', incomplete: 'max_output_tokens' };
  if (finish === 'content_filter') return { status: 'incomplete', incomplete: 'content_filter' };
  return { status: 'completed' };
}

/**
 * A complete chat response as `output` items: reasoning (when the upstream gave it), the
 * assistant message (text and refusal), then one `function_call` per tool call.
 *
 * @param response - the assembled chat response
 * @param ids - the response's ids
 * @param itemStatus - status of the message (and reasoning) items
 */
export function toOutput(response: ChatResponse, ids: ResponseIds, itemStatus: 'completed' | 'incomplete' = 'completed'): OutputItem[] {
  const message = response.choices[0]?.message;
  const output: OutputItem[] = [];
  if (!message) return output;
  if (typeof message.reasoning_content === 'string' && message.reasoning_content !== '') {
    output.push({ id: ids.item('reasoning', output.length), type: 'reasoning', status: itemStatus, summary: [], content: [{ type: 'reasoning_text', text: message.reasoning_content }] });
  }
  const content: Extract<OutputItem, { type: 'message' }>['content'] = [];
  if (typeof message.content === 'string' && message.content !== '') content.push({ type: 'output_text', text: message.content, annotations: [], logprobs: [] });
  if (typeof message.refusal === 'string' && message.refusal !== '') content.push({ type: 'refusal', refusal: message.refusal });
  if (content.length > 0) output.push({ id: ids.item('message', output.length), type: 'message', status: itemStatus, role: 'assistant', content });
  (message.tool_calls ?? []).forEach((call, i) => {
    output.push({ id: ids.item('function_call', output.length), type: 'function_call', status: 'completed', call_id: call.id || ids.call(i), name: call.function.name, arguments: call.function.arguments });
  });
  return output;
}
