/**
 * `server.requestTimeoutMs` as Fastify and Node server options: Node's own request timer, which
 * covers receiving the request (head and body) and never the response.
 * @module
 */
import type { ServerOptions } from 'node:http';

/** Node's default header timeout, kept when the request timeout is longer. */
const HEADERS_TIMEOUT_MS = 60_000;

/**
 * Server options enforcing `requestTimeoutMs`: Node answers a request still arriving past it with
 * a `clientError` (`ERR_HTTP_REQUEST_TIMEOUT`, a 408), and checks open connections every tenth of
 * the timeout (at least every 25 ms, at most every 30 s) so the cut comes on time.
 *
 * @param requestTimeoutMs - longest time to receive a request; 0 or `undefined`: no limit
 * @returns options to spread into `Fastify({ … })`
 * @example
 * ```ts
 * Fastify({ ...requestTimeoutOptions(30_000), clientErrorHandler });
 * ```
 */
export function requestTimeoutOptions(requestTimeoutMs: number | undefined): { requestTimeout: number; http?: ServerOptions } {
  if (!requestTimeoutMs) return { requestTimeout: 0 };
  return {
    requestTimeout: requestTimeoutMs,
    http: {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
      connectionsCheckingInterval: Math.min(30_000, Math.max(25, Math.floor(requestTimeoutMs / 10))),
    },
  };
}
