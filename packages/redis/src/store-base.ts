/**
 * What every Redis store shares: its connection, its counters, and the one decision made when
 * Redis cannot answer — fall back to process-local state (`failMode: 'open'`) or refuse
 * (`failMode: 'closed'`).
 * @module
 */
import { ConfigurationError } from '@lifeline/core';
import { RedisCallError } from './call-error.js';
import { RedisConnection } from './connection.js';
import type { ConnectionOptions } from './connection-options.js';
import { publishRedisEvent, type StoreKind } from './events.js';

/**
 * What a store does when Redis is slow or down: `'open'` answers from a process-local store
 * (limits and breakers become per process until Redis is back), `'closed'` refuses the call.
 */
export type FailMode = 'open' | 'closed';

/** Counters every store exposes through `redisStats()`. */
export interface RedisStoreStats {
  /** Calls Redis answered. */
  redis: number;
  /** Calls that failed at Redis (including timeouts and calls skipped while it was unavailable). */
  failures: number;
  /** Calls that hit the per-call timeout. */
  timeouts: number;
  /** Calls answered by the process-local fallback instead (fail open). */
  fallbacks: number;
  /** Calls refused because Redis could not answer (fail closed). */
  rejected: number;
}

/** Throws unless `mode` is `'open'` or `'closed'`. */
export function validateFailMode(owner: string, mode: unknown): asserts mode is FailMode | undefined {
  if (mode !== undefined && mode !== 'open' && mode !== 'closed') {
    throw new ConfigurationError(`${owner}: failMode must be 'open' or 'closed', got ${JSON.stringify(mode)}`);
  }
}

/** @internal Counts and announces each call's fate. */
export class StoreGuard {
  readonly counters: RedisStoreStats = { redis: 0, failures: 0, timeouts: 0, fallbacks: 0, rejected: 0 };

  constructor(
    readonly connection: RedisConnection,
    readonly kind: StoreKind,
  ) {}

  /**
   * Runs `remote` against Redis when it is available; when it is not, or the call fails, hands
   * the failure to `unavailable` (which falls back via {@link StoreGuard.fellBack} or throws via
   * {@link StoreGuard.refused}). Errors that are not Redis failures propagate.
   */
  async attempt<T>(op: string, remote: () => Promise<T>, unavailable: (failure: RedisCallError) => T | Promise<T>): Promise<T> {
    if (!this.connection.available) {
      this.counters.failures++;
      return unavailable(new RedisCallError('offline', 'Redis is unavailable (not connected, or failed within retryAfterMs)', false));
    }
    try {
      const value = await remote();
      this.counters.redis++;
      return value;
    } catch (error) {
      if (!(error instanceof RedisCallError)) throw error;
      this.counters.failures++;
      if (error.kind === 'timeout') this.counters.timeouts++;
      if (error.kind === 'reply') publishRedisEvent(() => ({ type: 'error', store: this.kind, op, message: `Redis answered ${op} with an error: ${error.message}`, error }));
      return unavailable(error);
    }
  }

  /** Counts and announces a fallback to process-local state. */
  fellBack(op: string, failure: RedisCallError): void {
    this.counters.fallbacks++;
    publishRedisEvent(() => ({ type: 'fallback', store: this.kind, op, message: `${op} answered by the process-local store: ${failure.message}`, error: failure }));
  }

  /** Counts and announces a refusal; returns `error` for the caller to throw. */
  refused<E extends Error>(op: string, failure: RedisCallError, error: E): E {
    this.counters.rejected++;
    publishRedisEvent(() => ({ type: 'rejected', store: this.kind, op, message: error.message, error: failure }));
    return error;
  }

  readonly #pending = new Set<Promise<unknown>>();

  /**
   * Starts `work` — a write whose answer nobody needs (settling a budget, correcting a
   * rate-limit estimate) — and tracks it for {@link StoreGuard.flush}. `work` must send its
   * command synchronously: commands keep their order on the connection, so this process's later
   * calls see the write whether or not anyone waits for it. `work` handles its own failures;
   * anything it throws is dropped.
   *
   * @returns a promise that resolves (never rejects) once `work` has ended: await it, or don't
   *   (write-behind)
   */
  background(work: () => Promise<unknown>): Promise<void> {
    const p: Promise<void> = work()
      .then(
        () => {},
        () => {},
      )
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
    return p;
  }

  /** Resolves once every background write started so far has ended. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** A copy of the counters. */
  stats(): RedisStoreStats {
    return { ...this.counters };
  }
}

/** @internal Shared by the stores: a connection from options that carry one or a URL/client. */
export function connectionFrom(owner: string, options: { connection?: RedisConnection | undefined } & ConnectionOptions): { connection: RedisConnection; owned: boolean } {
  if (options.connection !== undefined) {
    if (options.url !== undefined || options.client !== undefined) throw new ConfigurationError(`${owner}: give connection, or url/client, not both`);
    if (!(options.connection instanceof RedisConnection)) throw new ConfigurationError(`${owner}: connection must be a RedisConnection, got ${typeof options.connection}`);
    return { connection: options.connection, owned: false };
  }
  return { connection: new RedisConnection(options), owned: true };
}
