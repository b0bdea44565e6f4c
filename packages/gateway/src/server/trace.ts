/**
 * Recovers a call's live `meta` even when the call fails (a failed `chat()` returns no meta):
 * the server puts a {@link Trace} in the call's metadata under a symbol, and one
 * `lifeline:request` subscriber fills it in.
 * @module
 */
import { subscribe } from 'node:diagnostics_channel';
import type { Meta, RequestEvent } from '@lifeline/core';

/** Filled with the call's live meta when the call starts. */
export interface Trace {
  meta?: Meta;
}

/** The metadata key of the {@link Trace} (a symbol: invisible to JSON, cache keys and logs). */
export const TRACE = Symbol.for('lifeline.gateway.trace');

let subscribed = false;

function onRequest(message: unknown): void {
  const event = message as RequestEvent;
  if (event.phase !== 'start') return;
  const trace = (event.ctx.metadata as Record<symbol, unknown>)[TRACE] as Trace | undefined;
  if (trace && trace.meta === undefined) trace.meta = event.ctx.meta;
}

/**
 * Metadata for a call, with a fresh trace attached.
 *
 * @param fields - the call's own metadata (tenant, request id)
 * @returns the metadata and the trace it carries
 */
export function traced(fields: Record<string, unknown>): { metadata: Record<string, unknown>; trace: Trace } {
  const metadata: Record<string | symbol, unknown> = { ...fields };
  const trace = traceInto(metadata);
  return { metadata: metadata as Record<string, unknown>, trace };
}

/**
 * Attaches a fresh trace to `metadata` (a call's own, new metadata object) and returns it.
 *
 * @param metadata - the call's metadata, made for this call
 * @returns the trace, filled in when the call starts
 */
export function traceInto(metadata: Record<string | symbol, unknown>): Trace {
  if (!subscribed) {
    subscribe('lifeline:request', onRequest);
    subscribed = true;
  }
  const trace: Trace = {};
  metadata[TRACE] = trace;
  return trace;
}
