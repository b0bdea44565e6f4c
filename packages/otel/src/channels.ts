/**
 * The bridge from Lifeline's `diagnostics_channel` events to the call they belong to. One set of
 * subscriptions per process, made when the first call is traced; each event finds its call by
 * walking up the context's forks (hedges and per-attempt timeouts run on forks).
 * @module
 */
import { subscribe } from 'node:diagnostics_channel';
import type { AttemptEvent, AttemptStartEvent, Context } from '@lifeline/core';
import type { CallTrace, FailoverNotice } from './call-trace.js';
import { safely } from './safe.js';

const traces = new WeakMap<Context, CallTrace>();
let listening = false;

/** Ties `trace` to the calls running on `ctx` and its forks. */
export function register(ctx: Context, trace: CallTrace): void {
  traces.set(ctx, trace);
  if (!listening) listen();
}

/** Forgets the trace of `ctx` (the call ended). */
export function unregister(ctx: Context): void {
  traces.delete(ctx);
}

/** The live trace of the call `ctx` (or a fork of it) belongs to. */
export function traceOf(ctx: Context | undefined): CallTrace | undefined {
  for (let c = ctx; c !== undefined; c = c.parent) {
    const trace = traces.get(c);
    if (trace !== undefined) return trace.ended ? undefined : trace;
  }
  return undefined;
}

/** A subscriber that never throws (a throwing subscriber would be an uncaught exception). */
function guarded<T>(fn: (message: T) => void): (message: unknown) => void {
  return (message) => {
    safely(() => fn(message as T));
  };
}

function listen(): void {
  listening = true;
  subscribe('lifeline:attempt:start', guarded<AttemptStartEvent>((e) => traceOf(e.ctx)?.attemptStarted(e.ctx, e.attempt, e.headers)));
  subscribe('lifeline:attempt', guarded<AttemptEvent>((e) => traceOf(e.ctx)?.attemptEnded(e.attempt, e.error)));
  subscribe('lifeline:failover', guarded<FailoverNotice & { ctx: Context }>((e) => traceOf(e.ctx)?.failover(e)));
  subscribe('lifeline:fallback', guarded<{ ctx: Context; error: unknown }>((e) => traceOf(e.ctx)?.degraded(e.error)));
}
