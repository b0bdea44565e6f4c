/**
 * The Fastify application: body parsing, auth, error shape, and the routes.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { AbortError, redactSecrets } from '@lifeline/core';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { requestState, type ServerContext } from './context.js';
import { errorDialectOf } from './error-dialect.js';
import { HttpError, toErrorResponse, type ErrorResponse } from './errors.js';
import { batchedDestination } from './log-destination.js';
import { answerFrameworkError, MAX_PARAM_LENGTH, shuttingDown } from './framework-errors.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import { checkOperatorAccess } from './operator-auth.js';
import { malformedRequestAnswer } from './malformed-request.js';
import { lazyChildLogger } from './lazy-child-logger.js';
import { requestLog } from './request-log.js';
import { requestTimeoutOptions } from './request-timeout.js';
import { chatRoutes } from './routes/chat.js';
import { embeddingsRoutes } from './routes/embeddings/index.js';
import { infoRoutes } from './routes/info.js';
import { messagesRoutes } from './routes/messages/index.js';
import { responsesRoutes } from './routes/responses/index.js';
import { statusRoutes } from './routes/status/index.js';
import { explainSchemaIssue, type SchemaIssue } from './schemas.js';

/** Log redaction paths: credentials never reach a log line. */
export const REDACT_PATHS = ['req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', 'apiKey', '*.apiKey', '*.*.apiKey'];

/**
 * A body that JSON.parse would give a `__proto__` key (literal or `\u`-escaped): only those take
 * the slower parse that drops it (the same test as Fastify's secure-json-parse).
 */
const PROTO_KEY = /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;
const dropProto = (key: string, value: unknown) => (key === '__proto__' ? undefined : value);

/** Logger settings of {@link buildApp}: a pino level, or your own pino-compatible logger. */
export type LoggerSetting = { level: string } | { instance: FastifyBaseLogger };

/**
 * Builds the Fastify app (not listening).
 *
 * @param ctx - shared server state
 * @param logger - level or logger instance
 */
export function buildApp(ctx: ServerContext, logger: LoggerSetting): FastifyInstance {
  const destination = 'level' in logger && logger.level !== 'silent' ? batchedDestination() : undefined;
  const app = Fastify({
    ...('instance' in logger
      ? { loggerInstance: logger.instance }
      : { logger: { level: logger.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, ...(destination && { stream: destination }) } }),
    bodyLimit: ctx.bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    ...('level' in logger && { childLoggerFactory: lazyChildLogger }),
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    genReqId: () => randomUUID(),
    clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket) {
      answerClientError.call(this, error, socket, ctx.receiveTimeoutMs);
    },
    ...requestTimeoutOptions(ctx.receiveTimeoutMs),
    frameworkErrors: answerFrameworkError,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    ajv: { customOptions: { allowUnionTypes: true, coerceTypes: false, removeAdditional: false, allErrors: false, verbose: true, useDefaults: false } },
  }) as unknown as FastifyInstance;
  ctx.requestLog = requestLog(app.log, !('instance' in logger));

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(new HttpError(400, 'The request body is empty: send a JSON object', 'invalid_request_error', null, 'invalid_json'), undefined);
    if (nestsDeeperThan(text)) return done(new HttpError(400, `The request body nests JSON deeper than ${MAX_JSON_DEPTH} levels`, 'invalid_request_error', null, 'json_too_deep'), undefined);
    try {
      done(null, PROTO_KEY.test(text) ? JSON.parse(text, dropProto) : JSON.parse(text));
    } catch (err) {
      done(new HttpError(400, `The request body is not valid JSON: ${(err as Error).message}`, 'invalid_request_error', null, 'invalid_json'), undefined);
    }
  });

  // One callback-style hook (no promise per request): request state, in-flight tracking, auth.
  app.addHook('onRequest', (req, reply, done) => {
    const state = requestState(ctx, req);
    ctx.inflight.add(state);
    reply.raw.once('close', () => {
      ctx.inflight.delete(state);
      if (!reply.raw.writableFinished) state.controller.abort(new AbortError('The client closed the connection before the answer was complete'));
      if (ctx.state.draining) setImmediate(() => app.server.closeIdleConnections());
    });
    void reply.header('x-request-id', req.id);
    const config = req.routeOptions.config as { public?: boolean; operator?: boolean } | undefined;
    if (ctx.state.draining && config?.public !== true) {
      done(shuttingDown());
      return;
    }
    if (config?.public !== true) {
      try {
        state.key = ctx.authenticate(req.headers.authorization, req.headers['x-api-key']);
        checkOperatorAccess(config, state.key);
      } catch (error) {
        done(error as Error);
        return;
      }
    }
    done();
  });
  // Start writing buffered log lines at close (without waiting: a stdout nobody reads must not hold up shutdown).
  if (destination) {
    app.addHook('onClose', (_app, done) => {
      destination.flush();
      done();
    });
  }

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const mapped = frameworkError(error, ctx) ?? toErrorResponse(error, ctx.secrets());
    if (mapped.internal) req.log.error({ err: { message: redactSecrets(error.message, ctx.secrets()), stack: error.stack } }, 'internal error');
    if (reply.sent || reply.raw.headersSent) return;
    const dialect = errorDialectOf(req);
    const answer = dialect ? dialect(mapped, String(req.id)) : mapped;
    void reply.code(answer.status).headers(answer.headers).send(answer.body);
  });

  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: { message: `Unknown endpoint: ${req.method} ${req.url.split('?')[0]}. This gateway serves POST /v1/chat/completions, POST /v1/responses, GET /v1/responses/{id}, POST /v1/messages, POST /v1/messages/count_tokens, POST /v1/embeddings, GET /v1/models, GET /health, GET /ready, GET /api/health, POST /api/chat, GET /api/cost/:model and GET /metrics.`, type: 'invalid_request_error', param: null, code: 'unknown_url' } });
  });

  chatRoutes(app, ctx);
  responsesRoutes(app, ctx);
  messagesRoutes(app, ctx);
  embeddingsRoutes(app, ctx);
  infoRoutes(app, ctx);
  if (ctx.status) statusRoutes(app, ctx, ctx.status);
  return app;
}

/**
 * A request Node's HTTP parser rejects (bad request line or header, headers too large, timeout)
 * never reaches a route: answer it in the OpenAI error shape and close the socket.
 */
function answerClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Socket, requestTimeoutMs?: number): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ code: error.code, reason: (error as { reason?: string }).reason }, 'malformed HTTP request');
  // Bytes of an answer already on the wire would be corrupted by a second one (as Node's own handler).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  socket.end(malformedRequestAnswer(error, { requestTimeoutMs }), () => socket.destroy());
}

/** Fastify's own errors (schema, body size, media type) in the OpenAI shape; `undefined` for the rest. */
function frameworkError(error: FastifyError, ctx: ServerContext): ErrorResponse | undefined {
  const make = (status: number, message: string, param: string | null, code: string | null): ErrorResponse => ({
    status,
    body: { error: { message, type: 'invalid_request_error', param, code } },
    headers: {},
    internal: false,
  });
  const issues = (error as { validation?: SchemaIssue[] }).validation;
  if (issues && issues.length > 0) {
    const { field, message } = explainSchemaIssue(issues[0]!);
    return make(400, `Invalid request: ${message}`, field, 'invalid_request');
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return make(413, `The request body is larger than this gateway's limit of ${ctx.bodyLimitBytes} bytes (server.bodyLimitBytes)`, null, 'request_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return make(415, 'Unsupported Content-Type: send the body as application/json', null, 'unsupported_media_type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return make(400, 'The request body does not match its Content-Length', null, 'invalid_content_length');
    default:
      if (error instanceof HttpError) return undefined;
      if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 && error.code?.startsWith('FST_')) {
        return make(error.statusCode, error.message, null, null);
      }
      return undefined;
  }
}
