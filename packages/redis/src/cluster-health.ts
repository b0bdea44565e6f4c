/**
 * The health of each shard of a Redis Cluster as the connection sees it: a shard whose call
 * failed is skipped for `retryAfterMs` (its keys go to the fallback; the other shards keep
 * answering), and the `MOVED`/`ASK` redirections the client followed are counted (node-redis
 * publishes them on its `node-redis:error` diagnostics channel).
 * @module
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { RedisClusterLike } from './connection-options.js';

/** State of one shard of a cluster, for `stats()`. */
export interface ShardStats {
  /** `host:port` of the shard's master. */
  address: string;
  /** `ready`; `connecting` (its master cannot be reached: the client reconnects, or fails over); `unavailable` (a call failed within `retryAfterMs`). */
  state: 'ready' | 'connecting' | 'unavailable';
}

/** node-redis's diagnostics channel for client errors (redirections are published there too). */
const NODE_REDIS_ERRORS = 'node-redis:error';

/** @internal Per-shard unavailable windows and redirections of one cluster client. */
export class ClusterHealth {
  /** Until when each shard (master address) is skipped. */
  readonly #until = new Map<string, number>();
  /** Shards announced `unavailable` and not yet `recovered`. */
  readonly #down = new Set<string>();
  #redirects = 0;
  readonly #onError = (message: unknown): void => {
    const e = message as { internal?: boolean; error?: { message?: string }; clientId?: string };
    if (!e.internal || !/^(MOVED|ASK) /.test(e.error?.message ?? '')) return;
    if (this.cluster.masters.some((m) => m.client?._clientId !== undefined && m.client._clientId === e.clientId)) this.#redirects++;
  };

  constructor(
    readonly cluster: RedisClusterLike,
    readonly retryAfterMs: number,
  ) {
    subscribe(NODE_REDIS_ERRORS, this.#onError);
  }

  /** True while `shard` is skipped after a failure. */
  skipped(shard: string): boolean {
    return (this.#until.get(shard) ?? 0) > Date.now();
  }

  /** Skips `shard` for `retryAfterMs`; true when it was not already known down (announce it). */
  failed(shard: string): boolean {
    this.#until.set(shard, Date.now() + this.retryAfterMs);
    if (this.#down.has(shard)) return false;
    this.#down.add(shard);
    return true;
  }

  /** `shard` answered; true when it was known down (announce its recovery). */
  answered(shard: string): boolean {
    return this.#down.delete(shard);
  }

  /** Each master's state, and the redirections followed. */
  stats(): { shards: ShardStats[]; redirects: number } {
    const shards = this.cluster.masters.map((m): ShardStats => ({ address: m.address, state: !m.client?.isReady ? 'connecting' : this.skipped(m.address) ? 'unavailable' : 'ready' }));
    return { shards, redirects: this.#redirects };
  }

  /** Stops counting redirections. */
  close(): void {
    unsubscribe(NODE_REDIS_ERRORS, this.#onError);
  }
}
