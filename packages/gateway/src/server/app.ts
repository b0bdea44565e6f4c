/**
 * The Fastify application: body parsing, auth, error shape, and the routes.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { AbortError, redactSecrets } from '@lifeline/core';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { requestState, type ServerContext } from './context.js';
import { HttpError, toErrorResponse, type ErrorResponse } from './errors.js';
import { chatRoutes } from './routes/chat.js';
import { infoRoutes } from './routes/info.js';
import { explainSchemaIssue, type SchemaIssue } from './schemas.js';

/** Log redaction paths: credentials never reach a log line. */
export const REDACT_PATHS = ['req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', 'apiKey', '*.apiKey', '*.*.apiKey'];

/** Logger settings of {@link buildApp}: a pino level, or your own pino-compatible logger. */
export type LoggerSetting = { level: string } | { instance: FastifyBaseLogger };

/**
 * Builds the Fastify app (not listening).
 *
 * @param ctx - shared server state
 * @param logger - level or logger instance
 */
export function buildApp(ctx: ServerContext, logger: LoggerSetting): FastifyInstance {
  const app = Fastify({
    ...('instance' in logger ? { loggerInstance: logger.instance } : { logger: { level: logger.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } } }),
    bodyLimit: ctx.bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    genReqId: () => randomUUID(),
    ajv: { customOptions: { allowUnionTypes: true, coerceTypes: false, removeAdditional: false, allErrors: false, verbose: true, useDefaults: false } },
  }) as unknown as FastifyInstance;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(new HttpError(400, 'The request body is empty: send a JSON object', 'invalid_request_error', null, 'invalid_json'), undefined);
    try {
      done(null, JSON.parse(text, (key, value: unknown) => (key === '__proto__' ? undefined : value)));
    } catch (err) {
      done(new HttpError(400, `The request body is not valid JSON: ${(err as Error).message}`, 'invalid_request_error', null, 'invalid_json'), undefined);
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    const state = requestState(ctx, req);
    ctx.metrics.inflight.inc();
    reply.raw.once('close', () => {
      ctx.metrics.inflight.dec();
      if (!reply.raw.writableFinished) state.controller.abort(new AbortError('The client closed the connection before the answer was complete'));
      if (ctx.state.draining) setImmediate(() => app.server.closeIdleConnections());
    });
    void reply.header('x-request-id', String(req.id));
    const config = req.routeOptions.config as { public?: boolean } | undefined;
    if (config?.public !== true) state.key = ctx.authenticate(req.headers.authorization);
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const mapped = frameworkError(error, ctx) ?? toErrorResponse(error, ctx.secrets());
    if (mapped.internal) req.log.error({ err: { message: redactSecrets(error.message, ctx.secrets()), stack: error.stack } }, 'internal error');
    if (reply.sent || reply.raw.headersSent) return;
    void reply.code(mapped.status).headers(mapped.headers).send(mapped.body);
  });

  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: { message: `Unknown endpoint: ${req.method} ${req.url.split('?')[0]}. This gateway serves POST /v1/chat/completions, GET /v1/models, GET /health, GET /ready, GET /api/health, POST /api/chat, GET /api/cost/:model and GET /metrics.`, type: 'invalid_request_error', param: null, code: 'unknown_url' } });
  });

  chatRoutes(app, ctx);
  infoRoutes(app, ctx);
  return app;
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
