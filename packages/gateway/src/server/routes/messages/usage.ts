/**
 * What the Messages front door reports besides content: `stop_reason` from a `finish_reason`,
 * Anthropic `usage` from OpenAI-shaped usage, and ids in Anthropic's alphabet.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { FinishReason, Usage } from '@lifeline/core';
import type { DeltaUsage, MessageUsage } from './types.js';

const STOP: Record<string, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

/**
 * The `stop_reason` for a `finish_reason`: `stop` → `end_turn` (also when a stop sequence ended
 * the answer: OpenAI-shaped upstreams do not say which), `length` → `max_tokens`, `tool_calls` →
 * `tool_use`, `content_filter` → `refusal`. A reason with no OpenAI counterpart (`pause_turn`,
 * `model_context_window_exceeded`, a vendor's own) is passed through verbatim. An answer that
 * called tools stops with `tool_use` whatever the upstream said (Gemini says `STOP`).
 */
export function toStopReason(finish: FinishReason | null | undefined, calledTools: boolean): string {
  if (calledTools && (finish === 'stop' || finish === null || finish === undefined)) return 'tool_use';
  if (finish === null || finish === undefined) return 'end_turn';
  return STOP[finish] ?? finish;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/**
 * Anthropic's token counts from OpenAI-shaped usage. `input_tokens` excludes cache reads and
 * writes: `input = prompt − cached − cache writes`, `cache_read_input_tokens = cached_tokens`,
 * `cache_creation_input_tokens = cache_write_tokens`; reasoning tokens become
 * `output_tokens_details.thinking_tokens`. The inverse of the Anthropic adapter's mapping.
 */
export function toDeltaUsage(usage: Usage | null | undefined): DeltaUsage {
  const details = usage?.prompt_tokens_details ?? undefined;
  const read = count(details?.cached_tokens);
  const write = count(details?.cache_write_tokens);
  const thinking = usage?.completion_tokens_details?.reasoning_tokens;
  return {
    input_tokens: Math.max(0, count(usage?.prompt_tokens) - read - write),
    output_tokens: count(usage?.completion_tokens),
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
    output_tokens_details: typeof thinking === 'number' ? { thinking_tokens: count(thinking) } : null,
    server_tool_use: null,
  };
}

/** The `usage` of a `message` object. */
export function toMessageUsage(usage: Usage | null | undefined): MessageUsage {
  const { server_tool_use: _none, ...counts } = toDeltaUsage(usage);
  return { ...counts, cache_creation: null, server_tool_use: null, service_tier: null, inference_geo: null, speed: null };
}

const ID_UNSAFE = /[^a-zA-Z0-9_-]/g;

/** A message id (`msg_…`): the upstream's when it is one, else one derived from it, else a new one. */
export function messageId(id: string | undefined): string {
  if (!id) return `msg_${randomUUID().replaceAll('-', '')}`;
  const safe = id.replace(ID_UNSAFE, '_');
  return safe.startsWith('msg_') ? safe : `msg_${safe}`;
}

/**
 * A `tool_use` id in the alphabet Anthropic requires (`^[a-zA-Z0-9_-]+$`), the same mapping the
 * Anthropic adapter applies, so a `tool_result` sent back still matches its call.
 */
export function toolUseId(id: string | undefined): string {
  return id ? id.replace(ID_UNSAFE, '_') : `toolu_${randomUUID().replaceAll('-', '')}`;
}
