/**
 * Errors Fastify answers before routing (a path it cannot decode, a path parameter too long),
 * which never reach the error handler: answered in the OpenAI shape like every other error.
 * @module
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, type OpenAIErrorBody } from './errors.js';

/** Longest path parameter the router accepts (Fastify's `maxParamLength`). */
export const MAX_PARAM_LENGTH = 100;

function describe(error: FastifyError): { status: number; message: string; type: string; code: string | null } {
  switch (error.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, message: `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`, type: 'invalid_request_error', code: 'uri_too_long' };
    case 'FST_ERR_BAD_URL':
      return { status: 400, message: 'The URL path is not valid percent-encoding', type: 'invalid_request_error', code: 'invalid_url' };
    default: {
      const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
      return status >= 500
        ? { status, message: 'Internal error in the Lifeline gateway; see its logs', type: 'server_error', code: 'internal_error' }
        : { status, message: `Invalid request (${error.code})`, type: 'invalid_request_error', code: null };
    }
  }
}

/**
 * The answer to a request that arrives (on a kept-alive connection) while the gateway shuts down:
 * 503 `shutting_down`, `Connection: close`. `/health` and `/ready` answer for themselves.
 */
export function shuttingDown(): HttpError {
  return new HttpError(503, 'The gateway is shutting down; retry on another instance', 'service_unavailable', null, 'shutting_down', { connection: 'close', 'retry-after': '1' });
}

/**
 * Fastify's `frameworkErrors` handler: the router's own errors (414 `uri_too_long`, 400
 * `invalid_url`, …) in the OpenAI error shape, with the `x-request-id` header. The request path is
 * not echoed.
 *
 * @example
 * ```ts
 * Fastify({ frameworkErrors: answerFrameworkError });
 * ```
 */
export function answerFrameworkError(error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const { status, message, type, code } = describe(error);
  if (status >= 500) req.log.error({ code: error.code }, 'framework error');
  const body: OpenAIErrorBody = { error: { message, type, param: null, code } };
  void reply.code(status).header('x-request-id', req.id).send(body);
}
