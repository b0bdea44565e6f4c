/**
 * `GET /status` (the live status page) and `GET /status/events` (its event stream), for admin
 * keys only.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.js';
import { statusAuth } from './auth.js';
import { streamStatus } from './events.js';
import type { StatusFeed } from './feed.js';
import { newNonce, statusPage, statusPolicy } from './page.js';

export { StatusFeed, type StatusFeedOptions } from './feed.js';
export type { StatusState, StatusSummary, TargetStatus } from './snapshot.js';
export type { TimelineEvent, TimelineKind } from './timeline.js';

/** Headers of the page besides its CSP. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/**
 * Registers the status routes. They are marked `public` for the gateway's own auth hook and
 * checked by {@link statusAuth} instead (Bearer, `x-api-key`, or the key as Basic password).
 *
 * @param app - the Fastify app
 * @param ctx - the server's shared state
 * @param feed - the live feed (ended when the app closes)
 */
export function statusRoutes(app: FastifyInstance, ctx: ServerContext, feed: StatusFeed): void {
  const options = { config: { public: true }, onRequest: statusAuth(ctx) };
  app.get('/status', options, async (_req, reply) => {
    const nonce = newNonce();
    return reply.headers({ ...PAGE_HEADERS, 'content-security-policy': statusPolicy(nonce) }).send(statusPage(nonce));
  });
  app.get('/status/events', { ...options, exposeHeadRoute: false }, (req, reply) => streamStatus(ctx, feed, req, reply));
  // Streams never end by themselves: end them before the server waits for its connections.
  app.addHook('preClose', (done) => {
    feed.close();
    done();
  });
}
