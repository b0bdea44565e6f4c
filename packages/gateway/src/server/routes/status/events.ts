/**
 * `GET /status/events`: the status page's server-sent events.
 * @module
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestState, type ServerContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { writeStreamHead } from '../../stream-head.js';
import type { StatusFeed } from './feed.js';

/** Streams open at once; one more gets 503. */
export const MAX_WATCHERS = 32;
/** Bytes a slow reader may leave unread before its stream is dropped (the page reconnects and gets a fresh snapshot). */
const MAX_BUFFERED = 1 << 20;

/** Headers of the event stream. */
export const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-accel-buffering': 'no',
} as const;

/**
 * Opens an event stream on the feed: the snapshot, then changes, until the client leaves or the
 * gateway closes. A watcher is not a call in flight: it neither counts in the in-flight gauge nor
 * holds shutdown up (the feed ends every stream when the gateway closes).
 *
 * @throws {@link HttpError} 503 `too_many_watchers` past {@link MAX_WATCHERS}; 503 `status_unavailable` when
 *   the state could never be read (the pipeline's breakers do not answer)
 */
export async function streamStatus(ctx: ServerContext, feed: StatusFeed, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (feed.watching >= MAX_WATCHERS) {
    throw new HttpError(503, `The status page is open ${MAX_WATCHERS} times already; close one and retry`, 'service_unavailable', null, 'too_many_watchers', { 'retry-after': '5' });
  }
  if (!(await feed.prepare())) {
    throw new HttpError(503, 'The status cannot be read right now: the state store does not answer; retry in a moment', 'service_unavailable', null, 'status_unavailable', { 'retry-after': '2' });
  }
  ctx.inflight.delete(requestState(ctx, req));
  const res = reply.raw;
  reply.hijack();
  if (writeStreamHead(res, { ...EVENT_STREAM_HEADERS, 'x-request-id': String(req.id) })) return;
  let closed = false;
  let stop: (() => void) | undefined;
  const end = () => {
    if (closed) return;
    closed = true;
    stop?.();
    res.end();
  };
  res.once('close', () => {
    closed = true;
    stop?.();
  });
  // prepare() said true: the feed has a state (it keeps the last one), so watch() does not throw.
  const unsubscribe = await feed.watch({
    write(chunk) {
      if (closed) return;
      if (res.writableLength > MAX_BUFFERED) return void res.destroy();
      res.write(chunk);
    },
    end,
  });
  if (closed) unsubscribe();
  else stop = unsubscribe;
}
