/**
 * One child span per upstream attempt: opened when the request is about to be sent
 * (`lifeline:attempt:start`), closed when it ended (`lifeline:attempt`).
 * @module
 */
import { type Attributes, type Span, SpanStatusCode, type TimeInput } from '@opentelemetry/api';
import { type AttemptRecord, redactSecrets } from '@lifeline/core';
import { errorAttributes } from './attributes.js';
import { GEN_AI, LIFELINE } from './names.js';
import type { TargetInfo } from './runtime.js';

/** An attempt record with the notes retry and the circuit breaker write on it. */
interface NotedAttempt extends AttemptRecord {
  delaySource?: string;
  breakerKey?: string;
  breakerState?: string;
}

/** Name of an attempt span: `attempt {target}`. */
export function attemptSpanName(record: AttemptRecord): string {
  return `attempt ${record.target}`;
}

/** Attributes known when the attempt starts. */
export function attemptStartAttributes(record: AttemptRecord, number: number, target: TargetInfo | undefined): Attributes {
  const a: Attributes = { [LIFELINE.TARGET]: record.target, [LIFELINE.ATTEMPT_NUMBER]: number, [GEN_AI.REQUEST_MODEL]: record.model };
  if (target) {
    a[GEN_AI.PROVIDER_NAME] = target.provider;
    if (target.server) {
      a[GEN_AI.SERVER_ADDRESS] = target.server.address;
      a[GEN_AI.SERVER_PORT] = target.server.port;
    }
  }
  return a;
}

/**
 * Writes how the attempt went and ends its span at the attempt's own end time: HTTP status,
 * error class and code, the retry delay before it and its source, the breaker's key and state,
 * time to first chunk, hedge and abort marks.
 *
 * @param aborted - true when the call ended with the attempt still open (a lost hedge, a stopped stream)
 */
export function endAttempt(span: Span, record: AttemptRecord, error: unknown, end: TimeInput | undefined, aborted = false): void {
  const r = record as NotedAttempt;
  const a: Attributes = {};
  if (r.status !== undefined) a[GEN_AI.HTTP_STATUS_CODE] = r.status;
  if (r.delayMs !== undefined) a[LIFELINE.RETRY_DELAY_MS] = r.delayMs;
  if (r.delaySource !== undefined) a[LIFELINE.RETRY_DELAY_SOURCE] = r.delaySource;
  if (r.breakerKey !== undefined) a[LIFELINE.BREAKER_KEY] = r.breakerKey;
  if (r.breakerState !== undefined) a[LIFELINE.BREAKER_STATE] = r.breakerState;
  if (r.timeToFirstTokenMs !== undefined) a[GEN_AI.RESPONSE_TIME_TO_FIRST_CHUNK] = r.timeToFirstTokenMs / 1000;
  if (r.requestId !== undefined) a[LIFELINE.PROVIDER_REQUEST_ID] = r.requestId;
  if (r.hedge) a[LIFELINE.ATTEMPT_HEDGE] = true;
  const stopped = aborted || r.errorCode === 'abort';
  if (stopped) a[LIFELINE.ATTEMPT_ABORTED] = true;
  if (stopped) {
    // A lost hedge or an attempt the caller stopped: cancelled on purpose, not a failure.
  } else if (error !== undefined) {
    errorAttributes(a, error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: redactSecrets(error instanceof Error ? error.message : String(error)) });
  } else if (r.outcome === 'error') {
    a[GEN_AI.ERROR_TYPE] = r.errorCode ?? '_OTHER';
    span.setStatus({ code: SpanStatusCode.ERROR, message: redactSecrets(r.errorMessage ?? r.errorCode ?? 'failed') });
  }
  span.setAttributes(a);
  span.end(end);
}
