/**
 * The telemetry of one call: its span, the spans of its attempts, the events of its failovers,
 * and its metrics once it ends.
 * @module
 */
import { type Attributes, type Context as OtelContext, defaultTextMapSetter, type Span, SpanKind, SpanStatusCode, type TimeInput, trace } from '@opentelemetry/api';
import { type AttemptRecord, type ChatChunk, type ChatResponse, CircuitOpenError, type Context, FailoverError, isContentChunk, redactSecrets } from '@lifeline/core';
import { type AnswerSummary, answerAttributes, errorAttributes, errorType, type Operation } from './attributes.js';
import { attemptSpanName, attemptStartAttributes, endAttempt } from './attempt-span.js';
import { noteBreaker } from './breaker-states.js';
import { recordCallMetrics, spentByThisCall } from './call-metrics.js';
import { outputContent } from './content.js';
import type { Instruments } from './instruments.js';
import { EVENTS, GEN_AI, LIFELINE } from './names.js';
import type { Runtime, TargetInfo } from './runtime.js';
import { unregister } from './channels.js';
import { timeOf } from './time.js';

/** A failover event as `lifeline:failover` publishes it. */
export interface FailoverNotice {
  event: 'failover' | 'hedge' | 'midStream';
  from: string;
  to?: string;
  error?: unknown;
  policy?: string;
}

/** Telemetry of one call, from its start to its end (the end of its stream for streams). */
export class CallTrace {
  /** The call span in its parent context: the parent of the attempt spans. */
  readonly context: OtelContext;
  ended = false;
  #open: Map<AttemptRecord, Span> | undefined;
  #attempts = 0;
  #firstChunkAt: number | undefined;
  #lastChunkAt = 0;
  #chunkAttributes: Attributes | undefined;
  #degradedBy: string | undefined;
  #rejections: Set<CircuitOpenError> | undefined;
  /** Runs when the call ends (unregisters an abort callback). */
  onEnd: (() => void) | undefined;

  constructor(
    readonly rt: Runtime,
    readonly instruments: Instruments,
    readonly ctx: Context,
    readonly span: Span,
    readonly recording: boolean,
    readonly operation: Operation,
    readonly model: string,
    readonly startedAt: number,
    parent: OtelContext,
  ) {
    this.context = trace.setSpan(parent, span);
    if (ctx.target) rt.learn(ctx.target);
  }

  /** An upstream request is about to be sent: open its span, and pass its context upstream if asked. */
  attemptStarted(ctx: Context, record: AttemptRecord, headers: Record<string, string>): void {
    const number = ++this.#attempts;
    const target = ctx.target && ctx.target.name === record.target ? this.rt.learn(ctx.target) : this.rt.target(record.target);
    let current = this.span;
    if (this.recording) {
      const attributes = attemptStartAttributes(record, number, target);
      current = this.rt.tracer.startSpan(attemptSpanName(record), { kind: SpanKind.CLIENT, startTime: this.#time(record.startedAt), attributes }, this.context);
      (this.#open ??= new Map()).set(record, current);
    }
    if (this.rt.options.propagateUpstream) this.rt.propagator.inject(trace.setSpan(this.context, current), headers, defaultTextMapSetter);
  }

  /** An upstream request ended. */
  attemptEnded(record: AttemptRecord, error: unknown): void {
    const noted = record as AttemptRecord & { breakerKey?: string; breakerState?: string };
    if (noted.breakerKey !== undefined && noted.breakerState !== undefined && this.instruments.live) noteBreaker(noted.breakerKey, noted.breakerState);
    const span = this.#open?.get(record);
    if (!span) return;
    this.#open!.delete(record);
    endAttempt(span, record, error, this.#time(record.startedAt + (record.latencyMs ?? 0)));
  }

  /** Failover moved on, hedged, or recovered a broken stream. */
  failover(notice: FailoverNotice): void {
    const now = this.ctx.clock.now();
    const { from, to, error } = notice;
    if (error instanceof CircuitOpenError) this.#rejected(error, now);
    const a: Attributes = { [LIFELINE.FAILOVER_FROM]: from };
    if (to !== undefined) a[LIFELINE.FAILOVER_TO] = to;
    if (error !== undefined) a[GEN_AI.ERROR_TYPE] = errorType(error);
    if (notice.event === 'failover' && this.instruments.live) {
      this.instruments.failovers.add(1, { [GEN_AI.OPERATION_NAME]: this.operation, [GEN_AI.REQUEST_MODEL]: this.model, ...a });
    }
    if (!this.recording) return;
    if (notice.policy !== undefined) a[LIFELINE.MID_STREAM_POLICY] = notice.policy;
    this.span.addEvent(notice.event === 'failover' ? EVENTS.FAILOVER : notice.event === 'hedge' ? EVENTS.HEDGE : EVENTS.MID_STREAM, a, this.#time(now));
  }

  /** A degraded answer replaced the error `error`. */
  degraded(error: unknown): void {
    this.#degradedBy = errorType(error);
  }

  /**
   * A chunk of the answer reached the caller's side of the pipeline. Time to first chunk counts
   * from the first chunk that carries content (text, a refusal, reasoning or a tool call), as each
   * attempt's does, so the call's value is never below its attempt's; a role-only opening chunk
   * before it is not timed.
   */
  chunk(chunk: ChatChunk): void {
    if (this.#firstChunkAt === undefined && !isContentChunk(chunk)) return;
    const model = chunk.model;
    const now = this.ctx.clock.now();
    if (this.#firstChunkAt === undefined) this.#firstChunkAt = now;
    else if (this.instruments.live) this.instruments.timePerOutputChunk.record((now - this.#lastChunkAt) / 1000, (this.#chunkAttributes ??= this.#metricAttributes(undefined, model || undefined)));
    this.#lastChunkAt = now;
  }

  /**
   * Ends the call: closes attempts still open (marked aborted), writes the outcome on the call
   * span, ends it and records the metrics. Idempotent.
   *
   * @param error - what the call failed with (`undefined` when it answered)
   * @param answer - id, model, finish reasons and usage of the answer
   * @param response - the complete answer, for `captureContent`
   */
  finish(error: unknown, answer: AnswerSummary = {}, response?: ChatResponse): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd?.();
    const { ctx } = this;
    const end = ctx.clock.now();
    unregister(ctx);
    if (this.#open) for (const [record, span] of this.#open) endAttempt(span, record, undefined, this.#time(end), true);
    this.#open = undefined;
    if (error instanceof CircuitOpenError) this.#rejected(error, end);
    if (error instanceof FailoverError) for (const e of error.errors) if (e instanceof CircuitOpenError) this.#rejected(e, end);
    const meta = ctx.meta;
    const usage = spentByThisCall(meta) ? (answer.usage ?? meta.usage) : undefined;
    const responseModel = answer.model ?? (error === undefined ? meta.model : undefined);
    const firstChunkMs = this.#firstChunkAt === undefined ? undefined : this.#firstChunkAt - this.startedAt;
    const tenant = typeof ctx.metadata.tenant === 'string' || typeof ctx.metadata.tenant === 'number' ? String(ctx.metadata.tenant) : undefined;
    if (this.recording) {
      const a = this.#metricAttributes(error, responseModel);
      answerAttributes(a, { ...answer, usage });
      const targetName = this.#targetName();
      if (targetName !== undefined) a[LIFELINE.TARGET] = targetName;
      a[LIFELINE.ATTEMPTS] = meta.attemptLog.length;
      a[LIFELINE.FAILOVERS] = meta.failovers ?? 0;
      if (typeof meta.hedges === 'number') a[LIFELINE.HEDGES] = meta.hedges;
      if (meta.cache !== undefined) a[LIFELINE.CACHE] = meta.cache;
      a[LIFELINE.DEGRADED] = meta.degraded === true;
      if (meta.degraded === true && this.#degradedBy !== undefined) a[LIFELINE.DEGRADED_REASON] = this.#degradedBy;
      if (typeof meta.costUsd === 'number') a[LIFELINE.COST_USD] = meta.costUsd;
      if (typeof meta.savedUsd === 'number') a[LIFELINE.SAVED_USD] = meta.savedUsd;
      if (typeof meta.queuedMs === 'number') a[LIFELINE.QUEUED_MS] = meta.queuedMs;
      if (tenant !== undefined) a[LIFELINE.TENANT] = tenant;
      if (firstChunkMs !== undefined) a[GEN_AI.RESPONSE_TIME_TO_FIRST_CHUNK] = firstChunkMs / 1000;
      if (error !== undefined) {
        errorAttributes(a, error);
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: redactSecrets(error instanceof Error ? error.message : String(error)) });
      }
      if (this.rt.options.captureContent && response) Object.assign(a, outputContent(response));
      this.span.setAttributes(a);
      this.span.end(this.#time(end));
    }
    if (this.instruments.live) {
      const attributes = this.#metricAttributes(error, responseModel);
      const { instruments } = this;
      recordCallMetrics({ instruments, attributes, meta, usage, durationMs: end - this.startedAt, firstChunkMs, tenant: this.rt.options.tenantInMetrics ? tenant : undefined });
    }
  }

  /** A span time for `ms` of the call's clock (see {@link timeOf}). */
  #time(ms: number): TimeInput | undefined {
    return timeOf(this.ctx.clock, ms);
  }

  /** The target that answered, else the last one tried, else the default one. */
  #targetName(): string | undefined {
    const meta = this.ctx.meta;
    return meta.provider ?? meta.attemptLog[meta.attemptLog.length - 1]?.target ?? this.ctx.target?.name;
  }

  #target(): TargetInfo | undefined {
    return this.rt.target(this.#targetName());
  }

  /** Attributes every GenAI metric shares (and the call span carries). */
  #metricAttributes(error: unknown, responseModel: string | undefined): Attributes {
    const a: Attributes = { [GEN_AI.OPERATION_NAME]: this.operation, [GEN_AI.REQUEST_MODEL]: this.model };
    const target = this.#target();
    if (target) {
      a[GEN_AI.PROVIDER_NAME] = target.provider;
      if (target.server) {
        a[GEN_AI.SERVER_ADDRESS] = target.server.address;
        a[GEN_AI.SERVER_PORT] = target.server.port;
      }
    }
    if (responseModel) a[GEN_AI.RESPONSE_MODEL] = responseModel;
    if (error !== undefined) a[GEN_AI.ERROR_TYPE] = errorType(error);
    return a;
  }

  #rejected(error: CircuitOpenError, at: number): void {
    const seen = (this.#rejections ??= new Set());
    if (seen.has(error) || !this.recording) return;
    seen.add(error);
    const a: Attributes = {};
    if (error.breakerKey !== undefined) a[LIFELINE.BREAKER_KEY] = error.breakerKey;
    if (error.breakerState !== undefined) a[LIFELINE.BREAKER_STATE] = error.breakerState;
    if (error.provider !== undefined) a[LIFELINE.TARGET] = error.provider;
    if (error.retryAfterMs !== undefined) a[LIFELINE.RETRY_AFTER_MS] = error.retryAfterMs;
    this.span.addEvent(EVENTS.BREAKER_REJECTED, a, this.#time(at));
  }
}
