/**
 * What the logs say about the state store: which one is in use at startup, whether Redis was
 * reachable when the gateway started listening, and each time it goes away or comes back.
 * URLs are shown with their password redacted.
 * @module
 */
import type { FastifyBaseLogger } from 'fastify';
import type { GatewayPipeline, RedisStoreStatus, StoreStatus } from '../pipeline/types.js';

/** How often the Redis connection state is checked for the transition log, in ms. */
export const STORE_WATCH_INTERVAL_MS = 1000;

const DOWN_EFFECT = 'the cache, breakers and rate limits answer from this process alone and budgets refuse calls with 503 (unless store.redis.budgetFailMode is open)';

/**
 * The startup line naming the state store.
 *
 * @param status - `pipeline.store()`
 * @returns a log message (no password)
 * @example
 * ```ts
 * describeStore({ kind: 'memory' }); // 'state store: memory (this process only) …'
 * ```
 */
export function describeStore(status: StoreStatus): string {
  if (status.kind === 'memory') return 'state store: memory (this process only): set store.redis to share the cache, breakers, rate limits and budgets between gateways';
  return `state store: redis${status.cluster ? ' cluster' : ''} at ${status.url} (prefix "${status.prefix}"): the cache, breakers, rate limits and budgets are shared by every gateway using it`;
}

/** The store's figures for a structured log line (no password, no counters). */
export function storeFields(status: StoreStatus): Record<string, string> {
  return status.kind === 'memory' ? { kind: 'memory' } : { kind: 'redis', url: status.url, prefix: status.prefix, state: status.state };
}

/**
 * Logs the state store at startup (info).
 *
 * @param pipeline - the gateway's pipeline (nothing is logged when it has no `store()`)
 * @param log - the gateway's logger
 */
export function logStore(pipeline: GatewayPipeline, log: FastifyBaseLogger): void {
  const status = pipeline.store?.();
  if (status) log.info({ store: storeFields(status) }, describeStore(status));
}

/**
 * Waits (bounded) for the pipeline's stores to connect; warns when they did not.
 *
 * @returns true when connected (or nothing to wait for)
 */
export async function awaitStore(pipeline: GatewayPipeline, log: FastifyBaseLogger): Promise<boolean> {
  if (!pipeline.ready) return true;
  const ok = await pipeline.ready();
  const status = pipeline.store?.();
  if (!ok && status?.kind === 'redis') {
    log.warn({ store: storeFields(status) }, `Redis at ${status.url} is not reachable yet (${status.state}): until it is, ${DOWN_EFFECT}; the gateway serves anyway and /ready stays 200`);
  }
  return ok;
}

/**
 * Logs each change of the Redis connection state: a warning when it stops being `ready`, an
 * info line when it is back. Checks every {@link STORE_WATCH_INTERVAL_MS} ms on an unref'd timer.
 *
 * @param pipeline - read with `store()`
 * @param log - the gateway's logger
 * @param intervalMs - how often to check
 * @returns stops watching
 * @example
 * ```ts
 * const stop = watchStore(pipeline, app.log);
 * // on close
 * stop();
 * ```
 */
export function watchStore(pipeline: GatewayPipeline, log: FastifyBaseLogger, intervalMs = STORE_WATCH_INTERVAL_MS): () => void {
  const read = (): RedisStoreStatus | undefined => {
    const s = pipeline.store?.();
    return s?.kind === 'redis' ? s : undefined;
  };
  let last = read()?.state;
  if (last === undefined) return () => {};
  const timer = setInterval(() => {
    const s = read();
    if (!s || s.state === last || s.state === 'closed') return;
    const was = last;
    last = s.state;
    if (s.state === 'ready') log.info({ store: storeFields(s) }, `Redis at ${s.url} answers again (was ${was}): state is shared again`);
    else if (was === 'ready') log.warn({ store: storeFields(s) }, `Redis at ${s.url} ${s.state === 'connecting' ? 'is unreachable (reconnecting)' : 'is not answering (a call failed or timed out)'}: ${DOWN_EFFECT}, until it is back`);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
