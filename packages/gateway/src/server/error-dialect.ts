/**
 * Error dialects: a front door that speaks another API than OpenAI's answers its errors in that
 * API's shape. The error handler maps every failure to one {@link ErrorResponse} (status, OpenAI
 * body, headers); a route that declares `config.errorDialect` has it rewritten before it is sent.
 * @module
 */
import type { FastifyRequest } from 'fastify';
import type { ErrorResponse } from './errors.js';

/** An error answer in a front door's own shape. */
export interface WireError {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * Rewrites the gateway's error answer into a front door's dialect.
 *
 * @param mapped - the answer in OpenAI's shape (its status, `type` and `code` say what happened)
 * @param requestId - the gateway's request id
 */
export type ErrorDialect = (mapped: ErrorResponse, requestId: string) => WireError;

/** Route config of a front door with its own error shape. */
export interface DialectRouteConfig {
  errorDialect?: ErrorDialect;
}

/** The error dialect of the route `req` matched, if it declares one. */
export function errorDialectOf(req: FastifyRequest): ErrorDialect | undefined {
  return (req.routeOptions?.config as DialectRouteConfig | undefined)?.errorDialect;
}
