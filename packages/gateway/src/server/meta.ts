/**
 * What the gateway tells the caller about a call: `x-lifeline-*` headers and a `lifeline` summary.
 * @module
 */
import type { Meta } from '@lifeline/core';
import { headerValue } from './header-value.js';

/** The `lifeline` field of JSON responses and of the final `: lifeline` SSE comment. */
export interface LifelineSummary {
  /** Target that answered (`fallback` for a degraded answer). */
  provider: string | null;
  /** Model that answered. */
  model: string | null;
  /** Upstream requests made. */
  attempts: number;
  /** `hit`, `miss`, `stale`, `coalesced`, or `none` when no cache ran. */
  cache: string;
  /** USD; `null` when the model has no price. */
  costUsd: number | null;
  /** True for a degraded fallback answer. */
  degraded: boolean;
  latencyMs: number | null;
  timeToFirstTokenMs?: number | null;
  /** USD a cache hit saved. */
  savedUsd?: number;
  /** Targets tried, in order, with their outcome (`primary:error:server`). */
  route?: string[];
  /** Every target whose text is part of the answer, in order, when a stream was continued on another target after a break (`["primary", "backup"]`). */
  providers?: string[];
}

/** Every target whose text is part of the answer: `meta.contributors` (a continued stream), else the provider. */
export function contributorsOf(meta: Meta): string[] {
  const list = meta.contributors;
  if (Array.isArray(list) && list.length > 0 && list.every((x) => typeof x === 'string')) return list as string[];
  return meta.provider === undefined ? [] : [meta.provider];
}

/** A USD figure as a header value: fixed-point, 8 decimals (`0.00021300`). */
export function formatUsd(usd: number): string {
  return usd.toFixed(8);
}

/**
 * The call's summary (the `lifeline` field of responses).
 * @example
 * ```ts
 * const { response, meta } = await client.chat(request);
 * summarize(meta); // { provider: 'primary', attempts: 1, cache: 'miss', costUsd: 0.0002, degraded: false, … }
 * ```
 */
export function summarize(meta: Meta): LifelineSummary {
  const summary: LifelineSummary = {
    provider: meta.provider ?? null,
    model: meta.model ?? null,
    attempts: meta.attemptLog.length,
    cache: meta.cache ?? 'none',
    costUsd: meta.costUsd ?? null,
    degraded: meta.degraded === true,
    latencyMs: meta.latencyMs ?? null,
  };
  if (meta.timeToFirstTokenMs !== undefined) summary.timeToFirstTokenMs = meta.timeToFirstTokenMs;
  if (meta.savedUsd !== undefined) summary.savedUsd = meta.savedUsd;
  if (meta.attemptLog.length > 0) summary.route = meta.attemptLog.map((a) => `${a.target}:${a.outcome}${a.errorCode ? `:${a.errorCode}` : ''}`);
  const providers = contributorsOf(meta);
  if (providers.length > 1) summary.providers = providers;
  return summary;
}

/** Where {@link putMetaHeaders} sets headers: a Fastify reply (`reply.header`), or a record's writer. */
export interface HeaderSink {
  header(name: string, value: string): unknown;
}

/** Sets `name` on `sink` to `value` made safe (see `headerValue`), or leaves it out when it cannot be sent. */
function putSafe(sink: HeaderSink, name: string, value: string): void {
  const safe = headerValue(value);
  if (safe !== undefined) sink.header(name, safe);
}

/**
 * Sets the `x-lifeline-*` headers of {@link metaHeaders} on `sink` one by one, in the same order
 * with the same values: on a reply, without building the record and walking it again.
 */
export function putMetaHeaders(sink: HeaderSink, meta: Meta, final = true): void {
  putSafe(sink, 'x-lifeline-provider', meta.provider ?? 'none');
  sink.header('x-lifeline-attempts', String(meta.attemptLog.length));
  putSafe(sink, 'x-lifeline-cache', meta.cache ?? 'none');
  sink.header('x-lifeline-degraded', meta.degraded === true ? 'true' : 'false');
  if (meta.model !== undefined) putSafe(sink, 'x-lifeline-model', meta.model);
  if (final) {
    // Numbers as text (digits, `.`, `-`, `e+`, `NaN`, `Infinity`): always verbatim, never long.
    if (meta.costUsd !== undefined) sink.header('x-lifeline-cost-usd', formatUsd(meta.costUsd));
    if (meta.latencyMs !== undefined) sink.header('x-lifeline-latency-ms', String(Math.round(meta.latencyMs)));
  }
}

/**
 * `x-lifeline-*` headers. `final: false` (a stream's first chunk) leaves out what is not known
 * yet: cost. Values are safe to send whatever the names hold (see `headerValue`): a model or
 * target name outside printable ASCII arrives percent-encoded.
 * @example
 * ```ts
 * reply.headers(metaHeaders(meta)); // x-lifeline-provider, -attempts, -cache, -degraded, -model, -cost-usd, -latency-ms
 * ```
 */
export function metaHeaders(meta: Meta, final = true): Record<string, string> {
  const h: Record<string, string> = {};
  putMetaHeaders(
    {
      header(name, value) {
        h[name] = value;
      },
    },
    meta,
    final,
  );
  return h;
}
