/**
 * Options of {@link otel}.
 * @module
 */
import type { Context as OtelContext, MeterProvider, TextMapPropagator, TracerProvider } from '@opentelemetry/api';
import { ConfigurationError, type Context } from '@lifeline/core';

/** A target as {@link OtelOptions.providerName} sees it. */
export interface TargetIdentity {
  /** Target name (`primary`, `backup:claude-sonnet-4.5`). */
  name: string;
  /** Adapter kind (`openai`, `anthropic`, `gemini`, or your own). */
  kind: string;
}

/** Options of {@link otel}. */
export interface OtelOptions {
  /**
   * Where spans go. @defaultValue the global tracer provider (`trace.setGlobalTracerProvider`,
   * which the Node SDK's `start()` sets)
   */
  tracerProvider?: TracerProvider;
  /** Where metrics go. @defaultValue the global meter provider, looked up per call (so an SDK started later is picked up) */
  meterProvider?: MeterProvider;
  /**
   * Record prompts and completions (`gen_ai.input.messages`, `gen_ai.output.messages`,
   * `gen_ai.system_instructions`) on the call span. They may hold personal data: opt in knowingly.
   * API keys are never recorded, whatever this says. @defaultValue false
   */
  captureContent?: boolean;
  /**
   * Send the attempt span's trace context upstream (`traceparent`, and `tracestate`/`baggage` when
   * the propagator writes them), so a provider or relay that traces can join the trace.
   * @defaultValue false
   */
  propagateUpstream?: boolean;
  /** The propagator used with `propagateUpstream`. @defaultValue the global propagator (W3C trace context under the Node SDK) */
  propagator?: TextMapPropagator;
  /**
   * The parent of a call's span. Return `undefined` to use the active context, e.g. read an
   * incoming `traceparent` carried in `ctx.metadata` (the gateway does).
   * @defaultValue the active context (`context.active()`)
   */
  parent?: (ctx: Context) => OtelContext | undefined;
  /**
   * `gen_ai.provider.name` of a target. @defaultValue the conventions' name of the adapter's kind
   * (`openai`, `anthropic`, `gemini` → `gcp.gemini`; any other kind as is)
   */
  providerName?: (target: TargetIdentity) => string;
  /**
   * Add `lifeline.tenant` (from `metadata.tenant`) to the `lifeline.cost` metric. Off by default:
   * metric attributes multiply time series; turn it on when tenants are a bounded list (gateway keys).
   * Spans always carry the tenant. @defaultValue false
   */
  tenantInMetrics?: boolean;
}

/** The options with defaults applied. */
export interface ResolvedOtelOptions {
  tracerProvider: TracerProvider | undefined;
  meterProvider: MeterProvider | undefined;
  captureContent: boolean;
  propagateUpstream: boolean;
  propagator: TextMapPropagator | undefined;
  parent: ((ctx: Context) => OtelContext | undefined) | undefined;
  providerName: (target: TargetIdentity) => string;
  tenantInMetrics: boolean;
}

/** Defaults of {@link OtelOptions} (the providers default to the global ones). */
export const OTEL_DEFAULTS: Readonly<Required<Pick<OtelOptions, 'captureContent' | 'propagateUpstream' | 'tenantInMetrics' | 'providerName'>>> = {
  captureContent: false,
  propagateUpstream: false,
  tenantInMetrics: false,
  providerName: (target) => defaultProviderName(target),
};

/** The conventions' provider names of Lifeline's adapter kinds. */
const KNOWN_PROVIDERS: Readonly<Record<string, string>> = { openai: 'openai', anthropic: 'anthropic', gemini: 'gcp.gemini' };

/** The default {@link OtelOptions.providerName}. */
export function defaultProviderName(target: TargetIdentity): string {
  return KNOWN_PROVIDERS[target.kind] ?? target.kind;
}

const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : String(v));

function bad(field: string, expected: string, got: unknown): ConfigurationError {
  return new ConfigurationError(`otel: ${field} must be ${expected}, got ${show(got)}`);
}

function hasMethods(value: unknown, ...methods: string[]): boolean {
  return typeof value === 'object' && value !== null && methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
}

/**
 * Checks the options and fills in defaults.
 * @throws {@link ConfigurationError} naming the field and the value
 */
export function resolveOtelOptions(options: OtelOptions): ResolvedOtelOptions {
  if (typeof options !== 'object' || options === null) throw bad('options', 'an object', options);
  const o = options;
  if (o.tracerProvider !== undefined && !hasMethods(o.tracerProvider, 'getTracer')) throw bad('tracerProvider', 'a TracerProvider (with getTracer)', o.tracerProvider);
  if (o.meterProvider !== undefined && !hasMethods(o.meterProvider, 'getMeter')) throw bad('meterProvider', 'a MeterProvider (with getMeter)', o.meterProvider);
  if (o.propagator !== undefined && !hasMethods(o.propagator, 'inject', 'extract', 'fields')) throw bad('propagator', 'a TextMapPropagator (inject, extract, fields)', o.propagator);
  for (const flag of ['captureContent', 'propagateUpstream', 'tenantInMetrics'] as const) {
    if (o[flag] !== undefined && typeof o[flag] !== 'boolean') throw bad(flag, 'a boolean', o[flag]);
  }
  for (const fn of ['parent', 'providerName'] as const) {
    if (o[fn] !== undefined && typeof o[fn] !== 'function') throw bad(fn, 'a function', o[fn]);
  }
  return {
    tracerProvider: o.tracerProvider,
    meterProvider: o.meterProvider,
    captureContent: o.captureContent ?? OTEL_DEFAULTS.captureContent,
    propagateUpstream: o.propagateUpstream ?? OTEL_DEFAULTS.propagateUpstream,
    propagator: o.propagator,
    parent: o.parent,
    providerName: o.providerName ?? OTEL_DEFAULTS.providerName,
    tenantInMetrics: o.tenantInMetrics ?? OTEL_DEFAULTS.tenantInMetrics,
  };
}
