/**
 * The one log line of each finished request: `request done` (info), or `request failed` (warn)
 * for a 5xx.
 * @module
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

/** The fields of a request's log line: flat values the gateway computed, never a request body or header. */
export interface RequestLine {
  endpoint: string;
  status: number;
  stream: boolean;
  model: string | undefined;
  provider: string | undefined;
  attempts: number | undefined;
  cache: string | undefined;
  costUsd: number | undefined;
  degraded: boolean | undefined;
  latencyMs: number | undefined;
  tenant: string | undefined;
  /** A failed request's error message, secrets already redacted. */
  error?: string;
}

/** Writes a request's line. */
export type RequestLog = (req: FastifyRequest, line: RequestLine) => void;

/** Writes the line with the request's own logger (`req.log`). */
export const toRequestLogger: RequestLog = (req, line) => (line.error === undefined ? req.log.info(line, 'request done') : req.log.warn(line, 'request failed'));

/**
 * The request log of an app.
 *
 * With the built-in logger, lines go through one child of it made without the redaction paths
 * (the line's fields are flat values of the gateway's own, which no path can match; the paths
 * walk every field of every line), with the request id as the first field: the same line the
 * request's own logger (`req.log`) writes, without a child logger per request. With your own
 * logger, lines go to `req.log`.
 *
 * @param root - the app's logger
 * @param builtIn - true when `root` is the built-in pino logger
 * @returns the request log
 * @example
 * ```ts
 * const log = requestLog(app.log, true);
 * log(req, { endpoint: 'chat.completions', status: 200, stream: false, … });
 * // {"level":30,"time":…,"pid":…,"hostname":…,"reqId":"…","endpoint":"chat.completions",…,"msg":"request done"}
 * ```
 */
export function requestLog(root: FastifyBaseLogger, builtIn: boolean): RequestLog {
  if (!builtIn) return toRequestLogger;
  const log = root.child({}, { redact: [] });
  return (req, line) => (line.error === undefined ? log.info({ reqId: req.id, ...line }, 'request done') : log.warn({ reqId: req.id, ...line }, 'request failed'));
}
