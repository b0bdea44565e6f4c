/**
 * Shared state of one gateway's server: the pipeline, auth, metrics, stats, and per-request state.
 * @module
 */
import type { FastifyRequest } from 'fastify';
import type { GatewayKey } from '../config/types.js';
import type { ResponseStore } from '../pipeline/response-store.js';
import type { GatewayPipeline } from '../pipeline/types.js';
import type { Authenticator } from './auth.js';
import type { GatewayMetrics } from './metrics.js';
import type { RequestLog } from './request-log.js';
import type { ProviderStats } from './stats.js';
import type { StatusFeed } from './routes/status/feed.js';

/** Per-request state. */
export interface RequestState {
  /** Aborted when the client disconnects or shutdown's deadline passes. */
  controller: AbortController;
  /** The caller's key, when auth is on. */
  key: GatewayKey | undefined;
}

/** What the routes share. */
export interface ServerContext {
  pipeline: GatewayPipeline;
  authenticate: Authenticator;
  metrics: GatewayMetrics;
  stats: ProviderStats;
  /** Overall deadline of a call across retries and targets, in ms. */
  requestTimeoutMs: number | undefined;
  /** Model of `POST /api/chat` when the body names none. */
  defaultModel: string | undefined;
  /** Largest request body, for the 413 message. */
  bodyLimitBytes: number;
  /** Where `POST /v1/responses` keeps answers; `undefined`: nothing is kept. */
  responses: ResponseStore | undefined;
  /** `server.requestTimeoutMs`: longest time to receive a whole request (0: no limit). */
  receiveTimeoutMs?: number;
  /** Secrets to scrub from responses and logs. */
  secrets(): readonly string[];
  /** Lifecycle flags. */
  state: { listening: boolean; draining: boolean; startedAt: number };
  /** Writes each finished request's log line (set by `buildApp` for its logger). */
  requestLog: RequestLog;
  /** Per-request state. */
  requests: WeakMap<FastifyRequest, RequestState>;
  /** Requests being served (until their connection closes): the in-flight gauge, and what shutdown aborts. */
  inflight: Set<RequestState>;
  /** The status page's live feed; `undefined` when the page is off (`status.enabled: false`). */
  status?: StatusFeed | undefined;
}

/** The state of `req` (set by the `onRequest` hook). */
export function requestState(ctx: ServerContext, req: FastifyRequest): RequestState {
  let s = ctx.requests.get(req);
  if (!s) {
    s = { controller: new AbortController(), key: undefined };
    ctx.requests.set(req, s);
  }
  return s;
}
