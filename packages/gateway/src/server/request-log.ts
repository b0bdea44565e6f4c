/**
 * The one log line of each finished request: `request done` (info), or `request failed` (warn)
 * for a 5xx.
 * @module
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { pino } from 'pino';

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
  const viaPino: RequestLog = (req, line) => (line.error === undefined ? log.info({ reqId: req.id, ...line }, 'request done') : log.warn({ reqId: req.id, ...line }, 'request failed'));
  const write = lineWriter(log);
  if (!write) return viaPino;
  return (req, line) => {
    if (line.error !== undefined || !write(req, line)) viaPino(req, line);
  };
}

/** A string pino writes as is between quotes (printable ASCII without `"` or `\\`): a JSON string without escapes. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Strings found plain lately (endpoints, models, providers, cache results, tenants repeat): at most this many kept. */
const PLAIN_KEPT = 256;
const plainSeen = new Set<string>();

/** {@link PLAIN}'s test, remembered for the few strings that repeat on every line (a bounded set of short strings, cleared when full). */
function plain(value: string): boolean {
  if (plainSeen.has(value)) return true;
  if (!PLAIN.test(value)) return false;
  if (value.length > 128) return true;
  if (plainSeen.size >= PLAIN_KEPT) plainSeen.clear();
  plainSeen.add(value);
  return true;
}

// Each field's `,"key":` made once: a field of a line is then its value and at most one more piece.
const text = (prefix: string, value: string | undefined): string => (value === undefined ? '' : prefix + value + '"');
const number = (prefix: string, value: number | undefined): string => (value === undefined ? '' : prefix + (Number.isFinite(value) ? value : 'null'));
const ENDPOINT = '","endpoint":"';
const STATUS = '","status":';
const STREAM_TRUE = ',"stream":true';
const STREAM_FALSE = ',"stream":false';
const MODEL = ',"model":"';
const PROVIDER = ',"provider":"';
const ATTEMPTS = ',"attempts":';
const CACHE = ',"cache":"';
const COST = ',"costUsd":';
const DEGRADED_TRUE = ',"degraded":true';
const DEGRADED_FALSE = ',"degraded":false';
const LATENCY = ',"latencyMs":';
const TENANT = ',"tenant":"';

/** Internals of a pino logger that its `write` reads (public as `pino.symbols`, for integrations). */
interface PinoParts {
  isLevelEnabled(level: string): boolean;
  [key: symbol]: unknown;
}

/**
 * The line of a successful request built by hand, byte for byte what pino writes for
 * `log.info({ reqId, ...line }, 'request done')` (level, time and bindings first, then the fields
 * in order, `undefined` ones left out, `"msg"` last), without pino's walk over the object. Returns
 * `undefined` when `log` is configured in a way the line does not reproduce (a mixin, formatters,
 * hooks, a nested key, a message prefix, a destination that wants each line's metadata); the
 * writer returns false for a line it cannot write as is (a string that needs escaping, a
 * non-string request id), which then goes through pino.
 */
function lineWriter(log: FastifyBaseLogger): ((req: FastifyRequest, line: RequestLine) => boolean) | undefined {
  const s = pino.symbols;
  const p = log as unknown as PinoParts;
  const stream = p[s.streamSym] as { write(line: string): void; [key: symbol]: unknown } | undefined;
  const formatters = p[s.formattersSym] as { log?: unknown } | undefined;
  const hooks = p[s.hooksSym] as { streamWrite?: unknown } | undefined;
  const level = (p[s.lsCacheSym] as Record<number, string> | undefined)?.[30];
  const time = p[s.timeSym] as (() => string) | undefined;
  const chindings = p[s.chindingsSym];
  const end = p[s.endSym];
  const serializers = p[s.serializersSym] as Record<string, unknown> | undefined;
  if (
    typeof p.isLevelEnabled !== 'function' || !stream || typeof stream.write !== 'function' || stream[s.needsMetadataGsym] === true || typeof time !== 'function' ||
    typeof level !== 'string' || typeof chindings !== 'string' || typeof end !== 'string' || formatters?.log !== undefined ||
    hooks?.streamWrite !== undefined || p[s.mixinSym] || p[s.nestedKeySym] || p[(s as unknown as Record<string, symbol>).msgPrefixSym!] || p[s.messageKeySym] !== 'msg' ||
    Object.keys(p[s.stringifiersSym] ?? {}).length > 0 || (serializers !== undefined && FIELDS.some((f) => Object.prototype.hasOwnProperty.call(serializers, f)))
  ) {
    return undefined;
  }
  const reqIdKey = `${chindings},"reqId":"`;
  const tail = `,"msg":"request done"${end}`;
  return (req, l) => {
    if (!p.isLevelEnabled('info')) return true;
    const id = req.id as unknown;
    if (typeof id !== 'string' || !PLAIN.test(id) || !plain(l.endpoint)) return false;
    if ((l.model !== undefined && !plain(l.model)) || (l.provider !== undefined && !plain(l.provider))) return false;
    if ((l.cache !== undefined && !plain(l.cache)) || (l.tenant !== undefined && !plain(l.tenant))) return false;
    stream.write(
      level + time.call(log) + reqIdKey + id + ENDPOINT + l.endpoint + (l.status === undefined ? '"' : number(STATUS, l.status)) +
        (l.stream === true ? STREAM_TRUE : l.stream === false ? STREAM_FALSE : ',"stream":' + l.stream) + text(MODEL, l.model) + text(PROVIDER, l.provider) + number(ATTEMPTS, l.attempts) + text(CACHE, l.cache) +
        number(COST, l.costUsd) + (l.degraded === undefined ? '' : l.degraded === true ? DEGRADED_TRUE : l.degraded === false ? DEGRADED_FALSE : ',"degraded":' + l.degraded) + number(LATENCY, l.latencyMs) + text(TENANT, l.tenant) + tail,
    );
    return true;
  };
}

/** The fields of the line (a serializer for any of them makes pino write it differently). */
const FIELDS = ['reqId', 'endpoint', 'status', 'stream', 'model', 'provider', 'attempts', 'cache', 'costUsd', 'degraded', 'latencyMs', 'tenant', 'msg'];
