/**
 * Connection pooling: one keep-alive undici `Pool` per origin, shared by every request an adapter
 * sends there, with connect, headers and body timeouts.
 * @module
 */
import { Pool, type Dispatcher } from 'undici';
import { preciseConnector } from './connector.js';
import { ConfigurationError } from '@lifeline/core';

/** Connection and timeout settings of an {@link HttpPool} (and of every adapter, which spreads them into its options). */
export interface HttpPoolOptions {
  /**
   * Most sockets opened to one origin; requests beyond that queue inside the pool, waiting for a
   * socket to come free — over HTTP/1.1 a stream holds its socket until it ends, so a bound caps
   * the concurrent streams to the origin and the rest wait (their wait counts against their
   * timeouts). `null` means unbounded: every concurrent request gets a socket, as with Node's and
   * undici's own defaults, and idle ones are kept alive for reuse.
   * @defaultValue null (unbounded)
   */
  connections?: number | null;
  /**
   * Requests sent back to back on one socket before the first answer (HTTP/1.1 pipelining).
   * `1` means keep-alive without pipelining, which is what every LLM API expects.
   * @defaultValue 1
   */
  pipelining?: number;
  /**
   * Longest wait for the TCP connection and TLS handshake, in ms; raises `TimeoutError`
   * (`kind: 'connect'`). Enforced with a precise timer (undici's own is coarse, ±1 s).
   * @defaultValue 10_000
   */
  connectTimeoutMs?: number;
  /**
   * Longest wait for the response head, in ms, counted from `send()` (so a wait for a free socket
   * and the connect count too); raises `TimeoutError` (`kind: 'headers'`). A non-streamed completion
   * only sends its head when the whole answer is ready, so keep this generous and bound attempts
   * with core's `timeout({ ms })`.
   * @defaultValue 600_000
   */
  headersTimeoutMs?: number;
  /**
   * Longest silence between two body chunks, in ms; raises `TimeoutError` (`kind: 'idle'`).
   * A coarse safety net (undici's timer, ±1 s): stall detection belongs to core's
   * `timeout({ idleMs })`. `0` disables it.
   * @defaultValue 600_000
   */
  bodyTimeoutMs?: number;
  /**
   * How long an idle keep-alive socket stays open, in ms (a server's `keep-alive: timeout=` hint
   * may shorten it).
   * @defaultValue 4_000
   */
  keepAliveTimeoutMs?: number;
  /**
   * On `close()`, how long in-flight requests may run before their sockets are destroyed, in ms.
   * @defaultValue 5_000
   */
  closeTimeoutMs?: number;
  /**
   * Speak HTTP/2 to the provider: requests and streams share connections (up to 100 streams on
   * each, fewer if the server says so), so thousands of concurrent streams hold a handful of
   * sockets instead of one each. Over `https://` it offers `h2` first in ALPN (without it, `h2` is
   * still offered after `http/1.1` and the server picks); over `http://` it speaks h2c with prior
   * knowledge, which the server must understand (an HTTP/1.1-only server fails every request).
   * `connections` then counts HTTP/2 connections.
   * @defaultValue false
   */
  http2?: boolean;
  /**
   * A dispatcher of your own (a proxy agent, a `MockAgent`) used instead of the pools. The pool
   * options above are then ignored and `close()` leaves it open: it is yours to close.
   * @defaultValue undefined
   */
  dispatcher?: Dispatcher;
}

type ResolvedPoolOptions = Required<Omit<HttpPoolOptions, 'dispatcher'>>;

/**
 * Defaults of {@link HttpPoolOptions}.
 * @example
 * ```ts
 * HTTP_POOL_DEFAULTS.connectTimeoutMs // 10_000
 * ```
 */
export const HTTP_POOL_DEFAULTS: ResolvedPoolOptions = {
  connections: null,
  pipelining: 1,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 600_000,
  bodyTimeoutMs: 600_000,
  keepAliveTimeoutMs: 4_000,
  closeTimeoutMs: 5_000,
  http2: false,
};

function checkInt(owner: string, field: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const what = min === 0 ? 'a non-negative integer' : 'a positive integer';
    throw new ConfigurationError(`${owner}: ${field} must be ${what}, got ${String(value)}`);
  }
}

/**
 * Checks pool options and fills in defaults.
 *
 * @param options - the options to check
 * @param owner - who is asking, for the error message (`openai`, `anthropic`)
 * @throws {@link ConfigurationError} naming the field and the value received
 * @example
 * ```ts
 * resolvePoolOptions({ connections: 8 }, 'my-adapter').headersTimeoutMs // 600_000
 * ```
 */
export function resolvePoolOptions(options: HttpPoolOptions, owner: string): ResolvedPoolOptions {
  if (options.connections !== null) checkInt(owner, 'connections', options.connections, 1);
  checkInt(owner, 'pipelining', options.pipelining, 1);
  checkInt(owner, 'connectTimeoutMs', options.connectTimeoutMs, 1);
  checkInt(owner, 'headersTimeoutMs', options.headersTimeoutMs, 1);
  checkInt(owner, 'bodyTimeoutMs', options.bodyTimeoutMs, 0);
  checkInt(owner, 'keepAliveTimeoutMs', options.keepAliveTimeoutMs, 1);
  checkInt(owner, 'closeTimeoutMs', options.closeTimeoutMs, 0);
  if (options.http2 !== undefined && typeof options.http2 !== 'boolean') throw new ConfigurationError(`${owner}: http2 must be true or false, got ${String(options.http2)}`);
  return {
    connections: options.connections === undefined ? HTTP_POOL_DEFAULTS.connections : options.connections,
    pipelining: options.pipelining ?? HTTP_POOL_DEFAULTS.pipelining,
    connectTimeoutMs: options.connectTimeoutMs ?? HTTP_POOL_DEFAULTS.connectTimeoutMs,
    headersTimeoutMs: options.headersTimeoutMs ?? HTTP_POOL_DEFAULTS.headersTimeoutMs,
    bodyTimeoutMs: options.bodyTimeoutMs ?? HTTP_POOL_DEFAULTS.bodyTimeoutMs,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? HTTP_POOL_DEFAULTS.keepAliveTimeoutMs,
    closeTimeoutMs: options.closeTimeoutMs ?? HTTP_POOL_DEFAULTS.closeTimeoutMs,
    http2: options.http2 ?? HTTP_POOL_DEFAULTS.http2,
  };
}

/** Socket counts of one origin's pool (see {@link HttpPool.stats}). */
export interface OriginStats {
  /** Sockets open now. */
  connected: number;
  /** Sockets open and idle. */
  free: number;
  /** Requests in flight. */
  running: number;
  /** Requests waiting for a socket. */
  pending: number;
}

/**
 * Keep-alive connection pools, one per origin, created on first use. Idle sockets never keep the
 * process alive; `close()` ends them all.
 *
 * @example
 * ```ts
 * const pool = new HttpPool({ connections: 16, connectTimeoutMs: 5_000 }, 'my-adapter');
 * const res = await send(pool, { url: 'https://api.example.com/v1/chat/completions', body, headers, signal, provider: 'x' });
 * await pool.close();
 * ```
 */
export class HttpPool {
  /** The resolved settings. */
  readonly options: ResolvedPoolOptions;
  readonly #custom: Dispatcher | undefined;
  readonly #pools = new Map<string, Pool>();
  #closed = false;

  /**
   * @param options - connections, pipelining, timeouts
   * @param owner - name used in validation errors
   * @throws {@link ConfigurationError} when an option is invalid
   */
  constructor(options: HttpPoolOptions = {}, owner = 'http') {
    this.options = resolvePoolOptions(options, owner);
    this.#custom = options.dispatcher;
  }

  /** True once {@link HttpPool.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The dispatcher for `origin` (`https://host:port`), created on first use.
   * @throws {@link ConfigurationError} after `close()`
   */
  dispatcher(origin: string): Dispatcher {
    if (this.#closed) throw new ConfigurationError('http: the adapter was closed; create a new one to send more requests');
    if (this.#custom) return this.#custom;
    let pool = this.#pools.get(origin);
    if (!pool) {
      const o = this.options;
      const h2c = o.http2 && origin.startsWith('http:');
      pool = new Pool(origin, {
        connections: o.connections,
        pipelining: o.pipelining,
        connect: preciseConnector(o.connectTimeoutMs, { h2c, preferH2: o.http2 }),
        // Tells the pool the connector's sockets speak HTTP/2 (the connector marks them so).
        ...(h2c && { useH2c: true }),
        // send() enforces headersTimeoutMs itself, precisely.
        headersTimeout: 0,
        bodyTimeout: o.bodyTimeoutMs,
        keepAliveTimeout: o.keepAliveTimeoutMs,
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  /** Socket counts for `origin`, or `undefined` when nothing was sent there (or a custom dispatcher is used). */
  stats(origin: string): OriginStats | undefined {
    const s = this.#pools.get(origin)?.stats;
    return s && { connected: s.connected, free: s.free, running: s.running, pending: s.pending };
  }

  /**
   * Closes every pool: idle sockets at once, in-flight requests after at most `closeTimeoutMs`
   * (then their sockets are destroyed). Idempotent. A custom `dispatcher` is left open.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    const grace = this.options.closeTimeoutMs;
    await Promise.all(
      pools.map(async (pool) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const expired = new Promise<'expired'>((resolve) => {
          timer = setTimeout(resolve, grace, 'expired');
          timer.unref();
        });
        const outcome = await Promise.race([pool.close().then(() => 'closed' as const, () => 'expired' as const), expired]);
        clearTimeout(timer);
        if (outcome === 'expired') await pool.destroy().catch(() => {});
      }),
    );
  }
}

