/**
 * `RedisConnection`: one node-redis client shared by the stores of a process, with the
 * guarantees the stores rely on — a hard per-call timeout (node-redis's own `timeout` only
 * covers time spent queued, not waiting for the reply), no offline queue (a call while
 * disconnected fails at once), reconnection with capped backoff, a short "unavailable" window
 * after a failure so that an outage costs one timeout rather than one per request, and Lua
 * scripts by `EVAL` on their first use on a connection, `EVALSHA` after (with `EVAL` on `NOSCRIPT`),
 * so that every call keeps its place in the order of the commands this process sends. On a Redis
 * Cluster (`cluster: { rootNodes }`) each command is routed by its first key, and the
 * "unavailable" window is kept per shard: a shard that cannot answer sends only its own keys to
 * the fallback while the others keep answering.
 * @module
 */
import { createClient } from '@redis/client';
import type { ConfigurationError } from '@lifeline/core';
import { publishRedisEvent, type StoreKind } from './events.js';
import type { LuaScript } from './lua.js';
import { marksUnavailable, RedisCallError, toCallError } from './call-error.js';
import { firstKeyOf, isCluster, makeCluster, shardOf } from './cluster.js';
import { ClusterHealth, type ShardStats } from './cluster-health.js';
import { type ConnectionOptions, type RedisClientLike, type RedisClusterLike, resolveConnectionOptions, type ResolvedConnectionOptions } from './connection-options.js';


/** Connection health, for `stats()`. */
export interface ConnectionStats {
  state: 'ready' | 'connecting' | 'unavailable' | 'closed';
  /** Times the client lost its connection and reconnected (or is trying to). */
  reconnects: number;
  /** Calls that hit the per-call timeout. */
  timeouts: number;
  /**
   * Cluster only: each shard's master and its state (after a failover, the promoted replica),
   * and the `MOVED`/`ASK` redirections the client followed.
   */
  cluster?: { shards: ShardStats[]; redirects: number } | undefined;
}

/**
 * One Redis client with timeouts, fail-fast and script loading. Usually made for you by
 * `createRedisStores`; make one yourself to share it between stores you build one by one.
 *
 * @example
 * ```ts
 * const connection = new RedisConnection({ url: process.env.REDIS_URL, timeoutMs: 50 });
 * const breakerStore = new RedisBreakerStore({ connection });
 * await connection.ready();
 * ```
 */
export class RedisConnection {
  /** The client in use: a single-node client, or a cluster client. */
  readonly client: RedisClientLike | RedisClusterLike;
  /** True when connected to a Redis Cluster (commands routed by key, scripts touch one slot). */
  readonly cluster: boolean;
  readonly options: ResolvedConnectionOptions;
  readonly #cluster: RedisClusterLike | undefined;
  readonly #shards: ClusterHealth | undefined;
  #connectRetries = 0;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #reconnectStrategy: (retries: number) => number;
  readonly #owned: boolean;
  #unavailableUntil = 0;
  #unavailable = false;
  #closed = false;
  #reconnects = 0;
  #timeouts = 0;
  #subscriber: Promise<RedisClientLike> | undefined;
  readonly #onError = (error: unknown): void => this.#noteError(error);
  /** `<shard>|<SHA-1>` of the scripts run on each node (`|<SHA-1>` on a single Redis) since it last (re)connected. */
  readonly #loaded = new Set<string>();
  readonly #onReconnecting = (): void => {
    this.#reconnects++;
    this.#loaded.clear();
  };
  readonly #onReady = (): void => this.#loaded.clear();

  /** @throws {@link ConfigurationError} unless exactly one of `url`, `cluster`, `client` is given, or when an option is invalid */
  constructor(options: ConnectionOptions) {
    this.options = resolveConnectionOptions('RedisConnection', options);
    const o = this.options;
    const cap = o.maxReconnectDelayMs;
    this.#reconnectStrategy = (retries: number) => Math.min(cap, 25 * 2 ** Math.min(retries, 10)) + Math.floor(Math.random() * 25);
    if (o.client) {
      this.client = o.client;
      this.#owned = false;
    } else if (o.rootNodes) {
      this.client = makeCluster(o, this.#reconnectStrategy);
      this.#owned = true;
    } else {
      this.client = createClient({
        url: o.url,
        disableOfflineQueue: true,
        commandsQueueMaxLength: o.maxPendingCalls,
        socket: { connectTimeout: o.connectTimeoutMs, reconnectStrategy: this.#reconnectStrategy },
      }) as unknown as RedisClientLike;
      this.#owned = true;
    }
    this.#cluster = isCluster(this.client) ? this.client : undefined;
    this.cluster = this.#cluster !== undefined;
    this.#shards = this.#cluster && new ClusterHealth(this.#cluster, o.retryAfterMs);
    this.client.on('error', this.#onError);
    if (this.#cluster) {
      this.client.on('node-error', this.#onError);
      this.client.on('node-reconnecting', this.#onReconnecting);
      this.client.on('node-ready', this.#onReady);
    } else {
      this.client.on('reconnecting', this.#onReconnecting);
      this.client.on('ready', this.#onReady);
    }
    if (!this.client.isOpen) this.#connect();
  }

  /**
   * Connects in the background. A single-node client retries on its own; a cluster client whose
   * first discovery fails (no root node answers) does not, so it is retried here with the same
   * capped backoff.
   */
  #connect(): void {
    this.client.connect().then(
      () => (this.#connectRetries = 0),
      (error: unknown) => {
        this.#noteError(error);
        if (!this.#cluster || this.#closed) return;
        this.#reconnects++;
        this.#connectTimer = setTimeout(() => {
          this.#connectTimer = undefined;
          if (!this.#closed && !this.client.isOpen) this.#connect();
        }, this.#reconnectStrategy(this.#connectRetries++));
        this.#connectTimer.unref?.();
      },
    );
  }

  /** True when calls are sent to Redis: connected, and no failure within the last `retryAfterMs`. */
  get available(): boolean {
    return !this.#closed && this.client.isReady && Date.now() >= this.#unavailableUntil;
  }

  /**
   * Resolves once the client is connected (true), or after `timeoutMs` (false). Calls made
   * before that fall back (or fail closed) at once rather than wait.
   */
  async ready(timeoutMs = this.options.connectTimeoutMs): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (!this.client.isReady && !this.#closed && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    return this.client.isReady && !this.#closed;
  }

  /**
   * Sends one command with the per-call timeout. The command is handed to the client before this
   * returns, so commands keep the order of the calls. A reply that has already arrived when the
   * timer fires still wins: a timer that runs late because this process was busy (a long
   * synchronous task, a GC pause, CPU contention) does not count as Redis being slow.
   *
   * On a cluster the command goes to the shard of `key` — by default its first key (`EVAL`'s
   * first declared key, no key for `PING`, `CLIENT`, … — else its first argument); a shard that
   * failed within `retryAfterMs` is not asked again until then.
   *
   * @param store - the store making the call (for events)
   * @param op - the operation (for events)
   * @param args - the command and its arguments
   * @param key - the key that routes the command on a cluster
   * @returns the reply
   * @throws {@link RedisCallError} when the call fails or times out
   */
  async call<T>(store: StoreKind, op: string, args: readonly string[], key: string | undefined = firstKeyOf(args)): Promise<T> {
    if (this.#closed || !this.client.isReady) throw new RedisCallError('offline', `Redis is ${this.#closed ? 'closed' : 'not connected'}`, false);
    const shard = this.#cluster && shardOf(this.#cluster, key);
    if (shard && this.#shards!.skipped(shard)) {
      throw new RedisCallError('offline', `the Redis Cluster shard ${shard} failed within retryAfterMs`, false);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    let answered = false;
    const reply = this.#cluster ? this.#cluster.sendCommand(key, false, args) : (this.client as RedisClientLike).sendCommand(args);
    reply.catch(() => {}); // it may still reject after the timeout has answered
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Timers run before pending I/O is read: let a reply already waiting on the socket go first.
        setImmediate(() => {
          if (answered) return;
          this.#timeouts++;
          reject(new RedisCallError('timeout', `Redis did not answer ${op} within ${this.options.timeoutMs} ms`, true));
        }).unref?.();
      }, this.options.timeoutMs);
      timer.unref?.();
    });
    try {
      const value = (await Promise.race([reply, timeout])) as T;
      if (shard && this.#shards!.answered(shard)) this.#recover(store, op, shard);
      else if (this.#unavailable) this.#recover(store, op);
      return value;
    } catch (error) {
      throw this.#fail(store, op, error, shard || undefined);
    } finally {
      answered = true;
      clearTimeout(timer);
    }
  }

  /**
   * Runs a Lua script: by `EVAL` the first time on this connection (since it last connected),
   * which also loads it, then by `EVALSHA`; `EVAL` again when Redis answers `NOSCRIPT` (after a
   * `SCRIPT FLUSH`, or a failover that kept our connection). Sending `EVALSHA` first to a server
   * that may not know the script would let the commands sent after it overtake it (its `EVAL`
   * would go out only once `NOSCRIPT` came back): a write-behind step such as a budget
   * settlement would then land after this process's next call instead of before it.
   *
   * @param store - the store making the call (for events)
   * @param script - the script
   * @param keys - the keys it touches (one hash slot)
   * @param args - its arguments
   */
  async run<T>(store: StoreKind, script: LuaScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<T> {
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    const loaded = `${(this.#cluster && shardOf(this.#cluster, keys[0])) || ''}|${script.sha}`;
    if (!this.#loaded.has(loaded)) {
      const value = await this.call<T>(store, script.name, ['EVAL', script.source, ...tail]);
      this.#loaded.add(loaded);
      return value;
    }
    try {
      return await this.call<T>(store, script.name, ['EVALSHA', script.sha, ...tail]);
    } catch (error) {
      if (!(error instanceof RedisCallError && error.kind === 'reply' && error.message.startsWith('NOSCRIPT'))) throw error;
      return this.call<T>(store, script.name, ['EVAL', script.source, ...tail]);
    }
  }

  /**
   * Subscribes to a pub/sub channel on a second connection, made on first use.
   * Resolves once subscribed; rejects when that connection cannot be made.
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    // A cluster client keeps a connection of its own for pub/sub (and a PUBLISH reaches every node).
    if (this.#cluster) return this.#cluster.subscribe(channel, (message) => listener(message)).then(() => undefined);
    this.#subscriber ??= (async () => {
      const sub = (this.client as RedisClientLike).duplicate();
      sub.on('error', this.#onError);
      await sub.connect();
      return sub;
    })();
    const subscribing = this.#subscriber.then((sub) => sub.subscribe(channel, (message) => listener(message)));
    return subscribing.then(() => undefined);
  }

  /**
   * Connection health and counters. On a cluster, `state` is `unavailable` while any shard is
   * (its keys are answered by the fallback), and `cluster` lists the shards.
   */
  stats(): ConnectionStats {
    const cluster = this.#shards?.stats();
    const degraded = Date.now() < this.#unavailableUntil || (cluster?.shards.some((s) => s.state !== 'ready') ?? false);
    const state = this.#closed ? 'closed' : !this.client.isReady ? 'connecting' : degraded ? 'unavailable' : 'ready';
    return { state, reconnects: this.#reconnects, timeouts: this.#timeouts, ...(cluster && { cluster }) };
  }

  /** Closes the client (when this connection made it) and the subscriber; later calls fail at once as `offline`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#connectTimer);
    this.client.off('error', this.#onError);
    if (this.#cluster) {
      this.client.off('node-error', this.#onError);
      this.client.off('node-reconnecting', this.#onReconnecting);
      this.client.off('node-ready', this.#onReady);
      this.#shards!.close();
    } else {
      this.client.off('reconnecting', this.#onReconnecting);
      this.client.off('ready', this.#onReady);
    }
    const sub = this.#subscriber;
    this.#subscriber = undefined;
    if (sub) await sub.then((s) => s.destroy(), () => {});
    if (this.#owned) {
      try {
        if (this.client.isReady && this.client.close) await Promise.race([this.client.close(), new Promise((r) => setTimeout(r, 200).unref())]);
      } catch {
        // closing anyway
      }
      if (this.client.isOpen) this.client.destroy();
    }
  }

  #noteError(error: unknown): void {
    if (this.#closed) return;
    if (!this.#unavailable) {
      this.#unavailable = true;
      publishRedisEvent(() => ({ type: 'unavailable', store: 'connection', message: `Redis connection error: ${error instanceof Error ? error.message : String(error)}`, error }));
    }
  }

  #recover(store: StoreKind, op: string, shard?: string): void {
    this.#unavailable = false;
    publishRedisEvent(() => ({ type: 'recovered', store, op, message: shard === undefined ? 'Redis answers again' : `Redis Cluster shard ${shard} answers again` }));
  }

  #fail(store: StoreKind, op: string, error: unknown, shard: string | undefined): RedisCallError {
    const plain = toCallError(op, error);
    // On a cluster, say which shard failed (an address, never a key).
    const failure = shard === undefined ? plain : new RedisCallError(plain.kind, `${plain.message} (Redis Cluster shard ${shard})`, plain.sent, { cause: plain.cause });
    if (marksUnavailable(failure) && shard !== undefined) {
      if (this.#shards!.failed(shard)) {
        publishRedisEvent(() => ({ type: 'unavailable', store, op, message: `${failure.message}; its keys use the fallback for ${this.options.retryAfterMs} ms`, error: failure }));
      }
    } else if (marksUnavailable(failure)) {
      this.#unavailableUntil = Date.now() + this.options.retryAfterMs;
      if (!this.#unavailable) {
        this.#unavailable = true;
        publishRedisEvent(() => ({ type: 'unavailable', store, op, message: `${failure.message}; using the fallback for ${this.options.retryAfterMs} ms`, error: failure }));
      }
    }
    return failure;
  }
}
