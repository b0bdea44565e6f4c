/**
 * Continuing a caller's trace: the incoming W3C `traceparent` / `tracestate` headers travel in the
 * call's metadata under a symbol (invisible to JSON, cache keys and logs) and become the parent
 * of the call's span.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type Context as OtelContext, defaultTextMapGetter, ROOT_CONTEXT, trace, type TextMapPropagator } from '@opentelemetry/api';
import type { Context } from '@lifeline/core';

/** The metadata key of the incoming trace context. */
export const TRACE_CONTEXT = Symbol.for('lifeline.gateway.traceContext');

/** The W3C trace context headers of a request. */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The request's trace context headers, when it sent a `traceparent`. */
export function incomingTraceContext(headers: IncomingHttpHeaders): TraceCarrier | undefined {
  const traceparent = first(headers.traceparent);
  if (!traceparent) return undefined;
  const tracestate = first(headers.tracestate);
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/**
 * The parent of a call's span: the caller's trace context when it sent a valid one, else
 * `undefined` (the call starts a trace of its own).
 */
export function incomingParent(ctx: Context, propagator: TextMapPropagator): OtelContext | undefined {
  const carrier = (ctx.metadata as Record<symbol, unknown>)[TRACE_CONTEXT] as TraceCarrier | undefined;
  if (!carrier) return undefined;
  const extracted = propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
  return trace.getSpanContext(extracted) ? extracted : undefined;
}
