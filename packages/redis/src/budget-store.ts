/**
 * `RedisBudgetStore`: budget spend in Redis — reserve-then-settle as atomic Lua steps, so
 * concurrent calls across every process can never together pass a limit; fails closed.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ConfigurationError } from '@lifeline/core';
import { type BudgetStore, type BudgetUsage, MemoryBudgetStore, type ReserveResult } from '@lifeline/pricing';
import { ceilNano, floorNano, roundNano, usdOf, windowTtlMs } from './budget-math.js';
import { RedisCallError } from './call-error.js';
import type { RedisConnection } from './connection.js';
import type { ConnectionOptions } from './connection-options.js';
import { DeferredSettles, type RetryOutcome, type Settlement } from './deferred-settles.js';
import { BudgetUnavailableError } from './errors.js';
import { KeySpace, validatePrefix } from './keys.js';
import { BUDGET_RESERVE as RESERVE, BUDGET_SETTLE as SETTLE, BUDGET_USAGE as USAGE } from './budget-scripts.js';
import { connectionFrom, type FailMode, type RedisStoreStats, StoreGuard, validateFailMode } from './store-base.js';

/** Options of {@link RedisBudgetStore}. Give `connection`, or `url`/`client` to make one. */
export interface RedisBudgetStoreOptions extends ConnectionOptions {
  /** A shared connection. Not with `url`/`client`. */
  connection?: RedisConnection | undefined;
  /** First segment of every key. @defaultValue `'lifeline'` */
  prefix?: string | undefined;
  /**
   * When Redis cannot answer a reservation: `'closed'` refuses the call with
   * {@link BudgetUnavailableError}; `'open'` reserves against a process-local budget (each
   * process may then spend up to the whole limit: N processes, N × the limit).
   * @defaultValue `'closed'`
   */
  failMode?: FailMode | undefined;
  /** How long a window's spend is kept after the window ends, in ms. @defaultValue 86_400_000 (1 day) */
  graceMs?: number | undefined;
  /**
   * How long a settlement that could not be written is retried, in ms: one that never reached
   * Redis, or — when it settles a reservation id — one whose answer was lost (settling an id is
   * idempotent, so sending it again cannot count it twice).
   * @defaultValue 600_000 (10 min)
   */
  settleRetryMs?: number | undefined;
  /** Settlements kept for retry at most. @defaultValue 10_000 */
  maxDeferredSettles?: number | undefined;
}

/** Counters of a {@link RedisBudgetStore}. */
export interface RedisBudgetStats extends RedisStoreStats {
  /** Settlements waiting for Redis. */
  deferredSettles: number;
  /** Settlements given up: their reservations stay counted until their window ends (over-, never under-estimating spend). */
  lostSettles: number;
}

/** Marks the ids of reservations made in the process-local fallback. */
const LOCAL_ID = 'local:';

/**
 * A `BudgetStore` (of `@lifeline/pricing`) on Redis: one hash per scope and window with
 * `spent` and `reserved` in integer nano-USD and one field per open reservation, expiring
 * `graceMs` after the window ends (with any reservation never settled). `reserve` returns a
 * reservation id; `settle` with it is idempotent, so a settlement whose answer was lost is sent
 * again until Redis confirms it, and counted once. Budgets
 * fail CLOSED by default: when Redis cannot answer a reservation the call is refused with
 * {@link BudgetUnavailableError}. `settle()` sends its settlement before it returns, so this
 * process's later calls see it whether or not the caller waits (commands keep their order);
 * its promise resolves once the settlement is written — await it to know every process sees it,
 * or don't (write-behind). A settlement that cannot be written never fails: it is retried until
 * Redis is back (for `settleRetryMs`) when it settles a reservation id or certainly never reached
 * Redis; otherwise (no id, outcome unknown) its reservation stays counted (spend is over-, never
 * under-estimated).
 *
 * @example
 * ```ts
 * const store = new RedisBudgetStore({ url: process.env.REDIS_URL });
 * createClient({ adapter, use: [budget({ limitUsd: 50, window: 'day', store }), meter()] });
 * ```
 */
export class RedisBudgetStore implements BudgetStore {
  readonly connection: RedisConnection;
  readonly keys: KeySpace;
  /** The process-local store used while Redis is unavailable, with `failMode: 'open'`. */
  readonly fallback = new MemoryBudgetStore();
  readonly #owned: boolean;
  readonly #guard: StoreGuard;
  readonly #failMode: FailMode;
  readonly #graceMs: number;
  readonly #deferred: DeferredSettles;
  /** Reservations made in the fallback and not yet settled, by scope and window (nano-USD). */
  readonly #local = new Map<string, number>();

  /** @throws `ConfigurationError` naming an invalid option */
  constructor(options: RedisBudgetStoreOptions) {
    if (typeof options !== 'object' || options === null) throw new ConfigurationError(`RedisBudgetStore: options must be an object, got ${String(options)}`);
    if (options.prefix !== undefined) validatePrefix('RedisBudgetStore', options.prefix);
    validateFailMode('RedisBudgetStore', options.failMode);
    for (const name of ['graceMs', 'settleRetryMs', 'maxDeferredSettles'] as const) {
      const v = options[name];
      if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)) throw new ConfigurationError(`RedisBudgetStore: ${name} must be a positive integer, got ${String(v)}`);
    }
    ({ connection: this.connection, owned: this.#owned } = connectionFrom('RedisBudgetStore', options));
    this.keys = new KeySpace(options.prefix);
    this.#guard = new StoreGuard(this.connection, 'budget');
    this.#failMode = options.failMode ?? 'closed';
    this.#graceMs = options.graceMs ?? 86_400_000;
    this.#deferred = new DeferredSettles((s) => this.#retry(s), this.connection.options.retryAfterMs, options.settleRetryMs ?? 600_000, options.maxDeferredSettles ?? 10_000);
  }

  async reserve(scope: string, amount: number, limit: number, windowKey: string): Promise<ReserveResult> {
    const nano = ceilNano(amount);
    return this.#guard.attempt(
      'reserve',
      async () => {
        const ttl = windowTtlMs(windowKey, this.#graceMs);
        const id = randomBytes(12).toString('base64url');
        const [ok, remaining] = await this.connection.run<[number, number]>('budget', RESERVE, this.#keys(scope, windowKey), [nano, floorNano(limit), ttl, id]);
        return ok === 1 ? { ok: true, remaining: usdOf(remaining), reservationId: id } : { ok: false, remaining: usdOf(remaining) };
      },
      async (failure) => {
        if (this.#failMode === 'closed') {
          const retryAfterMs = this.connection.options.retryAfterMs;
          const message = `budget: the budget store cannot reach Redis (${failure.message}), so the spend of scope "${scope}" cannot be checked; the call is refused rather than risk passing the limit (failMode 'closed')`;
          throw this.#guard.refused('reserve', failure, new BudgetUnavailableError(message, { scope, retryAfterMs, cause: failure }));
        }
        this.#guard.fellBack('reserve', failure);
        const result = await this.fallback.reserve(scope, amount, limit, windowKey);
        if (result.ok && nano > 0) this.#local.set(`${scope}\u0000${windowKey}`, (this.#local.get(`${scope}\u0000${windowKey}`) ?? 0) + nano);
        return result.reservationId === undefined ? result : { ...result, reservationId: `${LOCAL_ID}${result.reservationId}` };
      },
    );
  }

  /**
   * Releases a reservation and adds `actual` to the spend, in one atomic step — with
   * `reservationId` (what `reserve` returned) at most once. The command is sent before this
   * returns, so a `reserve`/`usage` this process makes next sees the settlement even if the
   * caller does not wait. Resolves (never rejects) once the settlement is written, queued for a
   * retry (Redis unreachable, or — with an id — its answer lost), or given up (no id, sent, but
   * Redis did not answer: its reservation stays counted until its window ends).
   */
  async settle(scope: string, reserved: number, actual: number, windowKey: string, reservationId?: string): Promise<void> {
    const id = `${scope}\u0000${windowKey}`;
    const nano = ceilNano(reserved);
    const local = this.#local.get(id) ?? 0;
    const localId = reservationId?.startsWith(LOCAL_ID) ? reservationId.slice(LOCAL_ID.length) : undefined;
    if (localId !== undefined || (reservationId === undefined && nano > 0 && local >= nano)) {
      if (local <= nano) this.#local.delete(id);
      else this.#local.set(id, local - nano);
      return this.fallback.settle(scope, reserved, actual, windowKey, localId);
    }
    const s: Settlement = { scope, reserved, actual, windowKey, reservationId, since: Date.now() };
    return this.#guard.background(async () => {
      const outcome = await this.#write(s);
      if (outcome === 'retry') this.#deferred.add(s);
      else if (outcome === 'drop') this.#deferred.lost++;
    });
  }

  /** Resolves once every settlement made so far has been written (or queued for a retry). */
  flush(): Promise<void> {
    return this.#guard.flush();
  }

  async usage(scope: string, windowKey: string): Promise<BudgetUsage> {
    return this.#guard.attempt(
      'usage',
      async () => {
        const [spent, reserved] = await this.connection.run<[string, string]>('budget', USAGE, this.#keys(scope, windowKey), []);
        return { spentUsd: usdOf(Number(spent)), reservedUsd: usdOf(Number(reserved)) };
      },
      (failure) => {
        if (this.#failMode === 'closed') {
          throw this.#guard.refused('usage', failure, new BudgetUnavailableError(`budget: the budget store cannot reach Redis (${failure.message}) to read the spend of scope "${scope}"`, { scope, cause: failure }));
        }
        this.#guard.fellBack('usage', failure);
        return this.fallback.usage(scope, windowKey);
      },
    );
  }

  /** Counters: Redis calls, failures, refusals, deferred and lost settlements. */
  redisStats(): RedisBudgetStats {
    return { ...this.#guard.stats(), deferredSettles: this.#deferred.size, lostSettles: this.#deferred.lost };
  }

  /** Writes queued settlements if Redis answers, stops retrying, and closes the connection if this store made it. */
  async close(): Promise<void> {
    await this.flush();
    if (this.connection.available) await this.#deferred.flush();
    this.#deferred.lost += this.#deferred.stop();
    if (this.#owned) await this.connection.close();
  }

  /**
   * The keys a reservation reads: its window's hash, and on a single Redis the previous format's
   * (its processes may still be running during a rolling upgrade; a cluster never held it).
   */
  #keys(scope: string, windowKey: string): string[] {
    const key = this.keys.budget(scope, windowKey);
    return this.connection.cluster ? [key] : [key, this.keys.legacyBudget(scope, windowKey)];
  }

  async #write(s: Settlement): Promise<RetryOutcome> {
    const key = this.keys.budget(s.scope, s.windowKey);
    try {
      return await this.#guard.attempt(
        'settle',
        async () => {
          await this.connection.run('budget', SETTLE, [key], [ceilNano(s.reserved), roundNano(s.actual), s.reservationId ?? '']);
          return 'done' as const;
        },
        (failure) => {
          throw failure;
        },
      );
    } catch (error) {
      // Settling an id twice counts it once: a settlement whose answer was lost is sent again.
      if (error instanceof RedisCallError) return error.sent && s.reservationId === undefined ? 'drop' : 'retry';
      throw error;
    }
  }

  #retry(s: Settlement): Promise<RetryOutcome> {
    return this.connection.available ? this.#write(s) : Promise.resolve('retry');
  }
}
