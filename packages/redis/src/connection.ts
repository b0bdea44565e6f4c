/**
 * `RedisConnection`: one node-redis client shared by the stores of a process, with the
 * guarantees the stores rely on — a hard per-call timeout (node-redis's own `timeout` only
 * covers time spent queued, not waiting for the reply), no offline queue (a call while
 * disconnected fails at once), reconnection with capped backoff, a short "unavailable" window
 * after a failure so that an outage costs one timeout rather than one per request, and Lua
 * scripts by `EVAL` on their first use on a connection, `EVALSHA` after (with `EVAL` on `NOSCRIPT`),
 * so that every call keeps its place in the order of the commands this process sends.
 * @module
 */
import { createClient } from '@redis/client';
import type { ConfigurationError } from '@lifeline/core';
import { publishRedisEvent, type StoreKind } from './events.js';
import type { LuaScript } from './lua.js';
import { marksUnavailable, RedisCallError, toCallError } from './call-error.js';
import { type ConnectionOptions, type RedisClientLike, resolveConnectionOptions, type ResolvedConnectionOptions } from './connection-options.js';

/** Connection health, for `stats()`. */
export interface ConnectionStats {
  state: 'ready' | 'connecting' | 'unavailable' | 'closed';
  /** Times the client lost its connection and reconnected (or is trying to). */
  reconnects: number;
  /** Calls that hit the per-call timeout. */
  timeouts: number;
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
  /** The client in use. */
  readonly client: RedisClientLike;
  readonly options: ResolvedConnectionOptions;
  readonly #owned: boolean;
  #unavailableUntil = 0;
  #unavailable = false;
  #closed = false;
  #reconnects = 0;
  #timeouts = 0;
  #subscriber: Promise<RedisClientLike> | undefined;
  readonly #onError = (error: unknown): void => this.#noteError(error);
  /** SHA-1s of the scripts this connection has run since it last (re)connected. */
  readonly #loaded = new Set<string>();
  readonly #onReconnecting = (): void => {
    this.#reconnects++;
    this.#loaded.clear();
  };
  readonly #onReady = (): void => this.#loaded.clear();

  /** @throws {@link ConfigurationError} when neither `url` nor `client` is given, or an option is invalid */
  constructor(options: ConnectionOptions) {
    this.options = resolveConnectionOptions('RedisConnection', options);
    const o = this.options;
    if (o.client) {
      this.client = o.client;
      this.#owned = false;
    } else {
      const cap = o.maxReconnectDelayMs;
      this.client = createClient({
        url: o.url,
        disableOfflineQueue: true,
        commandsQueueMaxLength: o.maxPendingCalls,
        socket: {
          connectTimeout: o.connectTimeoutMs,
          reconnectStrategy: (retries: number) => Math.min(cap, 25 * 2 ** Math.min(retries, 10)) + Math.floor(Math.random() * 25),
        },
      }) as unknown as RedisClientLike;
      this.#owned = true;
    }
    this.client.on('error', this.#onError);
    this.client.on('reconnecting', this.#onReconnecting);
    this.client.on('ready', this.#onReady);
    if (!this.client.isOpen) this.client.connect().catch((error: unknown) => this.#noteError(error));
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
   * @param store - the store making the call (for events)
   * @param op - the operation (for events)
   * @param args - the command and its arguments
   * @returns the reply
   * @throws {@link RedisCallError} when the call fails or times out
   */
  async call<T>(store: StoreKind, op: string, args: readonly string[]): Promise<T> {
    if (this.#closed || !this.client.isReady) throw new RedisCallError('offline', `Redis is ${this.#closed ? 'closed' : 'not connected'}`, false);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let answered = false;
    const reply = this.client.sendCommand(args);
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
      if (this.#unavailable) this.#recover(store, op);
      return value;
    } catch (error) {
      throw this.#fail(store, op, error);
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
    if (!this.#loaded.has(script.sha)) {
      const value = await this.call<T>(store, script.name, ['EVAL', script.source, ...tail]);
      this.#loaded.add(script.sha);
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
    this.#subscriber ??= (async () => {
      const sub = this.client.duplicate();
      sub.on('error', this.#onError);
      await sub.connect();
      return sub;
    })();
    const subscribing = this.#subscriber.then((sub) => sub.subscribe(channel, (message) => listener(message)));
    return subscribing.then(() => undefined);
  }

  /** Connection health and counters. */
  stats(): ConnectionStats {
    const state = this.#closed ? 'closed' : !this.client.isReady ? 'connecting' : Date.now() < this.#unavailableUntil ? 'unavailable' : 'ready';
    return { state, reconnects: this.#reconnects, timeouts: this.#timeouts };
  }

  /** Closes the client (when this connection made it) and the subscriber; later calls fail at once as `offline`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.client.off('error', this.#onError);
    this.client.off('reconnecting', this.#onReconnecting);
    this.client.off('ready', this.#onReady);
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

  #recover(store: StoreKind, op: string): void {
    this.#unavailable = false;
    publishRedisEvent(() => ({ type: 'recovered', store, op, message: 'Redis answers again' }));
  }

  #fail(store: StoreKind, op: string, error: unknown): RedisCallError {
    const failure = toCallError(op, error);
    if (marksUnavailable(failure)) {
      this.#unavailableUntil = Date.now() + this.options.retryAfterMs;
      if (!this.#unavailable) {
        this.#unavailable = true;
        publishRedisEvent(() => ({ type: 'unavailable', store, op, message: `${failure.message}; using the fallback for ${this.options.retryAfterMs} ms`, error: failure }));
      }
    }
    return failure;
  }
}
