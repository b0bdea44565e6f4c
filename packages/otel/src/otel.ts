/**
 * `otel()`: OpenTelemetry GenAI spans and metrics for every call, attempt and failover.
 * @module
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { Context, Middleware, Next } from '@lifeline/core';
import { type Operation, requestAttributes, summarize } from './attributes.js';
import { CallTrace } from './call-trace.js';
import { register } from './channels.js';
import { inputContent } from './content.js';
import { GEN_AI, SCOPE } from './names.js';
import { type OtelOptions, resolveOtelOptions } from './options.js';
import { Runtime } from './runtime.js';
import { safely } from './safe.js';
import { observeStream } from './stream.js';
import { timeOf } from './time.js';

/** `embeddings` for `client.embed()` calls (`ctx.operation === 'embed'`), else `chat`. */
function operationOf(ctx: Context): Operation {
  return (ctx as { operation?: unknown }).operation === 'embed' ? 'embeddings' : 'chat';
}

/**
 * Traces every call through the pipeline with OpenTelemetry, following the GenAI semantic
 * conventions, and records the conventions' client metrics.
 *
 * - **One span per call**, kind CLIENT, named `chat {model}` (`embeddings {model}`), child of
 *   the active context (or of `parent(ctx)`), active while the pipeline runs: request
 *   parameters, response id/model/finish reasons, token usage, `server.*`, `error.type`, and
 *   `lifeline.*` (attempts, failovers, cache, degraded, cost, tenant). Failovers, hedges and
 *   breaker refusals are span events.
 * - **One child span per upstream attempt** (retries and failovers are siblings), named
 *   `attempt {target}`: status, error class, retry delay and its source, breaker key and state,
 *   time to first chunk; hedges marked, a lost hedge marked aborted.
 * - **Metrics**: `gen_ai.client.operation.duration`, `gen_ai.client.token.usage`,
 *   `gen_ai.client.operation.time_to_first_chunk`, `…time_per_output_chunk`, `lifeline.cost`,
 *   `lifeline.failovers`, `lifeline.breaker.state`.
 *
 * Place it first (outermost) so the span covers the whole call, cache and fallback included.
 * It depends only on `@opentelemetry/api`: without an SDK every call passes straight through.
 * Content is recorded only with `captureContent`; API keys never.
 *
 * @param options - see {@link OtelOptions}
 * @returns the middleware
 * @throws {@link ConfigurationError} when an option is invalid (naming the field and value)
 * @example
 * ```ts
 * import { createClient } from '@lifeline/core';
 * import { otel } from '@lifeline/otel';
 *
 * const client = createClient({ use: [otel(), fallbackResponse(), cache(), meter(), failover([primary, backup]), retry(), circuitBreaker()] });
 * ```
 */
export function otel(options: OtelOptions = {}): Middleware {
  const o = resolveOtelOptions(options);
  const tracer = o.tracerProvider ? o.tracerProvider.getTracer(SCOPE) : trace.getTracer(SCOPE);
  const rt = new Runtime(tracer, o);

  /** The call's trace, or `undefined` when there is nothing to record (no SDK, sampled out without metrics). */
  function begin(ctx: Context): CallTrace | undefined {
    const instruments = rt.instruments();
    const operation = operationOf(ctx);
    const request = ctx.request as unknown as Readonly<Record<string, unknown>>;
    const model = typeof request.model === 'string' ? request.model : 'unknown';
    const parent = o.parent?.(ctx) ?? context.active();
    const startedAt = ctx.clock.now();
    const span = tracer.startSpan(
      `${operation} ${model}`,
      { kind: SpanKind.CLIENT, startTime: timeOf(ctx.clock, startedAt), attributes: { [GEN_AI.OPERATION_NAME]: operation, [GEN_AI.REQUEST_MODEL]: model } },
      parent,
    );
    const recording = span.isRecording();
    if (!recording && !instruments.live) return undefined;
    const call = new CallTrace(rt, instruments, ctx, span, recording, operation, model, startedAt, parent);
    if (recording) {
      span.setAttributes(requestAttributes(request, operation, model, ctx.streaming));
      if (o.captureContent && operation === 'chat') span.setAttributes(inputContent(request.messages));
    }
    register(ctx, call);
    return call;
  }

  return async function otel(ctx: Context, next: Next): Promise<void> {
    const call = safely(() => begin(ctx));
    // No SDK (or this call sampled out and no meter): nothing to record, pass straight through.
    if (call === undefined) return next();
    try {
      await context.with(call.context, next);
    } catch (error) {
      safely(() => call.finish(error));
      throw error;
    }
    const stream = ctx.stream;
    if (stream) {
      safely(() => {
        call.onEnd = ctx.onAbort((reason) => safely(() => call.finish(reason)));
        ctx.stream = observeStream(stream, call, o.captureContent);
      });
    } else {
      safely(() => call.finish(undefined, summarize(ctx.response), o.captureContent ? ctx.response : undefined));
    }
  };
}
