/**
 * The Responses API store on Redis: every gateway on the same Redis can continue (and read back)
 * any response. Keys: `<prefix>:responses:v1:<scope digest>:<response id>` (the tenant is
 * hashed, never written in clear), with the TTL on the key. When Redis is slow or down, reads and
 * writes go to a process-local {@link memoryResponseStore}: the gateway keeps serving, and a
 * response written meanwhile can be continued through this process until it expires.
 * @module
 */
import { keyDigest, RedisCallError, type RedisConnection } from '@lifeline/redis';
import { memoryResponseStore, type ResponseStore, type ResponseStoreOptions } from './response-store.js';

/**
 * A {@link ResponseStore} on Redis with a process-local fallback.
 *
 * @param connection - the gateway's Redis connection (shared with its other stores)
 * @param prefix - the deployment's key prefix (`store.redis.prefix`)
 * @param options - TTL, and the fallback's byte bound and clock
 * @returns the store
 * @throws `ConfigurationError` (from `@lifeline/core`) when an option is invalid
 * @example
 * ```ts
 * const r = createRedisStores({ url });
 * const responses = redisResponseStore(r.connection, 'lifeline', { ttlMs: 86_400_000 });
 * ```
 */
export function redisResponseStore(connection: RedisConnection, prefix: string, options: ResponseStoreOptions = {}): ResponseStore {
  const local = memoryResponseStore(options);
  const ttl = String(local.ttlMs);
  const keyOf = (scope: string, id: string) => `${prefix}:responses:v1:${keyDigest(scope)}:${id}`;
  /** Runs a Redis call; a Redis failure (never a bug) sends the caller to the local store. */
  async function attempt<T>(op: string, args: string[], fallback: () => Promise<T>): Promise<T> {
    if (!connection.available) return fallback();
    try {
      return await connection.call<T>('responses', op, args);
    } catch (error) {
      if (error instanceof RedisCallError) return fallback();
      throw error;
    }
  }
  return {
    ttlMs: local.ttlMs,
    async get(scope, id) {
      const value = await attempt<string | null>('get', ['GET', keyOf(scope, id)], async () => (await local.get(scope, id)) ?? null);
      return value ?? (await local.get(scope, id));
    },
    async set(scope, id, json) {
      await attempt('set', ['SET', keyOf(scope, id), json, 'PX', ttl], () => local.set(scope, id, json));
    },
    async delete(scope, id) {
      await local.delete(scope, id);
      await attempt('delete', ['DEL', keyOf(scope, id)], () => Promise.resolve());
    },
  };
}
