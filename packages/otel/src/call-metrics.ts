/**
 * The metrics of one finished call: duration, token usage, time to first chunk and cost.
 * @module
 */
import type { Attributes } from '@opentelemetry/api';
import type { Meta, Usage } from '@lifeline/core';
import type { Instruments } from './instruments.js';
import { GEN_AI, LIFELINE } from './names.js';

/** Answers that used no tokens of this call: served from the cache, or by another call. */
const NOT_SPENT = new Set<unknown>(['hit', 'stale', 'coalesced']);

/**
 * Whether the call's answer came from a provider during this call (so its usage was spent by
 * it): not a cache hit, a stale or coalesced answer, nor a degraded one.
 */
export function spentByThisCall(meta: Meta): boolean {
  return meta.attemptLog.length > 0 && meta.degraded !== true && !NOT_SPENT.has(meta.cache);
}

/** What {@link recordCallMetrics} needs. */
export interface CallMetricsInput {
  instruments: Instruments;
  /** Operation, provider, models, server and `error.type`: the attributes every GenAI metric shares. */
  attributes: Attributes;
  meta: Meta;
  usage: Usage | null | undefined;
  /** Duration of the call, in ms. */
  durationMs: number;
  /** Time to the first chunk (streams), in ms. */
  firstChunkMs: number | undefined;
  /** `lifeline.tenant` for `lifeline.cost`, when tenants go into metrics. */
  tenant: string | undefined;
}

/** Records the call's duration, tokens (when it spent any), time to first chunk and cost. */
export function recordCallMetrics(input: CallMetricsInput): void {
  const { instruments, attributes, meta, usage } = input;
  instruments.duration.record(input.durationMs / 1000, attributes);
  if (input.firstChunkMs !== undefined) instruments.timeToFirstChunk.record(input.firstChunkMs / 1000, attributes);
  if (usage && spentByThisCall(meta)) {
    if (typeof usage.prompt_tokens === 'number') instruments.tokens.record(usage.prompt_tokens, { ...attributes, [GEN_AI.TOKEN_TYPE]: 'input' });
    if (typeof usage.completion_tokens === 'number') instruments.tokens.record(usage.completion_tokens, { ...attributes, [GEN_AI.TOKEN_TYPE]: 'output' });
  }
  if (typeof meta.costUsd === 'number' && Number.isFinite(meta.costUsd) && meta.costUsd >= 0) {
    const a: Attributes = {};
    for (const key of [GEN_AI.OPERATION_NAME, GEN_AI.PROVIDER_NAME, GEN_AI.REQUEST_MODEL, GEN_AI.RESPONSE_MODEL]) {
      if (attributes[key] !== undefined) a[key] = attributes[key];
    }
    if (input.tenant !== undefined) a[LIFELINE.TENANT] = input.tenant;
    instruments.cost.add(meta.costUsd, a);
  }
}
