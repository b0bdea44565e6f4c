/**
 * Redis Cluster support of the connection: making node-redis's cluster client with the same
 * fail-fast settings as a single client, routing a command by its first key, and telling which
 * shard (master address) serves a key — so that a shard that cannot answer sends only its own
 * keys to the fallback.
 * @module
 */
import { createCluster } from '@redis/client';
import { hashSlot } from './hash-slot.js';
import type { RedisClientLike, RedisClusterLike, ResolvedConnectionOptions } from './connection-options.js';

/** True when `client` is a node-redis cluster client (`createCluster()`), not a single-node client. */
export function isCluster(client: RedisClientLike | RedisClusterLike): client is RedisClusterLike {
  return 'masters' in client && 'slots' in client;
}

function decoded(text: string): string | undefined {
  if (text === '') return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A cluster client for `o.rootNodes`: every node's client fails fast while disconnected (no
 * offline queue), queues at most `maxPendingCalls`, reconnects with `reconnectStrategy`, and
 * uses the credentials and TLS of the first root node (nodes found by discovery get no URL of
 * their own).
 */
export function makeCluster(o: ResolvedConnectionOptions, reconnectStrategy: (retries: number) => number): RedisClusterLike {
  const first = new URL(o.rootNodes![0]!);
  const username = decoded(first.username);
  const password = decoded(first.password);
  return createCluster({
    rootNodes: o.rootNodes!.map((url) => ({ url })),
    defaults: {
      ...(username !== undefined && { username }),
      ...(password !== undefined && { password }),
      disableOfflineQueue: true,
      commandsQueueMaxLength: o.maxPendingCalls,
      socket: { connectTimeout: o.connectTimeoutMs, reconnectStrategy, ...(first.protocol === 'rediss:' && { tls: true as const }) },
    },
  }) as unknown as RedisClusterLike;
}

/** Commands without a key (sent to any node). */
const KEYLESS = new Set(['PING', 'ECHO', 'TIME', 'INFO', 'CLIENT', 'CLUSTER', 'CONFIG', 'SCRIPT', 'DBSIZE', 'FLUSHALL', 'FLUSHDB', 'PUBLISH', 'DEBUG', 'MEMORY', 'COMMAND']);

/**
 * The key a command is routed by: for `EVAL`/`EVALSHA` its first declared key, for a keyless
 * command none, else its first argument (Redis's convention for every single-key command).
 */
export function firstKeyOf(args: readonly string[]): string | undefined {
  const command = args[0]?.toUpperCase() ?? '';
  if (command === 'EVAL' || command === 'EVALSHA' || command === 'EVAL_RO' || command === 'EVALSHA_RO') return Number(args[2]) > 0 ? args[3] : undefined;
  return KEYLESS.has(command) ? undefined : args[1];
}

/** The address (`host:port`) of the master serving `key`, when the slot map knows it. */
export function shardOf(cluster: RedisClusterLike, key: string | undefined): string | undefined {
  return key === undefined ? undefined : cluster.slots[hashSlot(key)]?.master.address;
}
