/**
 * `providerMetadata.lifeline`: what the pipeline did for one AI SDK call.
 * @module
 */
import type { JSONObject } from '@ai-sdk/provider';
import type { Meta } from '@lifeline/core';

/**
 * What `providerMetadata.lifeline` holds on every result (and on the `finish` part of a stream).
 * Fields whose value is unknown are `null`, never left out.
 */
export interface LifelineProviderMetadata extends JSONObject {
  /** Name of the target that answered (`primary`, `backup:claude-sonnet-4-5`). */
  provider: string | null;
  /** Model that actually answered. */
  model: string | null;
  /** Upstream requests made for the call, across retries, targets and hedges. */
  attempts: number;
  /** Times failover moved to another target. */
  failovers: number;
  /** Cost of the call in USD (`meter()`); `null` when unpriced or not metered. */
  costUsd: number | null;
  /** `hit`, `miss`, `stale` or `coalesced` when a `cache()` ran; else `null`. */
  cache: string | null;
  /** True when the answer is a degraded fallback, not a model's answer. */
  degraded: boolean;
  /** Wall time of the call, in ms. */
  latencyMs: number | null;
  /** The provider's request id of the answering attempt. */
  requestId: string | null;
}

/**
 * The metadata of a finished call.
 * @example
 * ```ts
 * const { providerMetadata } = await generateText({ model: lifeline('gpt-4.1'), prompt: 'Hi' });
 * providerMetadata?.lifeline // { provider: 'backup', attempts: 2, failovers: 1, costUsd: 0.000012, cache: null, degraded: false, … }
 * ```
 */
export function toProviderMetadata(meta: Meta | undefined): LifelineProviderMetadata {
  return {
    provider: meta?.provider ?? null,
    model: meta?.model ?? null,
    attempts: meta?.attempts ?? 0,
    failovers: meta?.failovers ?? 0,
    costUsd: typeof meta?.costUsd === 'number' ? meta.costUsd : null,
    cache: meta?.cache ?? null,
    degraded: meta?.degraded === true,
    latencyMs: typeof meta?.latencyMs === 'number' ? meta.latencyMs : null,
    requestId: meta?.requestId ?? null,
  };
}
