/**
 * Where budgets keep their spend: the {@link BudgetStore} contract and an in-memory store.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { ConfigurationError } from '@lifeline/core';
import { roundUsd } from './cost.js';

/** The answer of {@link BudgetStore.reserve}. */
export interface ReserveResult {
  /** True when the amount was reserved. */
  ok: boolean;
  /** USD left in the window after this operation: `limit - spent - reserved` (may be negative after an overrun). */
  remaining: number;
  /**
   * Names this reservation (when `ok`): hand it to {@link BudgetStore.settle}, which then settles
   * it at most once — a settlement whose answer was lost can be sent again. Stores written before
   * reservation ids existed return none.
   */
  reservationId?: string | undefined;
}

/** Spend of one scope in one window. */
export interface BudgetUsage {
  spentUsd: number;
  reservedUsd: number;
}

/**
 * Storage for `budget()`. Each `(scope, windowKey)` pair holds two numbers, `spent` and
 * `reserved`, both starting at 0. Window keys read `<kind>:<period>` (`day:2026-11-24`,
 * `month:2026-11`, `3600000ms:000000000493152`); periods of one kind sort in time order, so a
 * store may drop a scope's older periods of the same kind.
 *
 * Contract — each method is ONE atomic step (a Redis implementation runs each as a Lua script
 * on a hash `budget:{scope}:{windowKey}` with fields `spent` and `reserved`, expiring after the window):
 *
 * - `reserve(scope, amount, limit, windowKey)`: if `spent + reserved + amount <= limit`, add
 *   `amount` to `reserved` and answer `{ ok: true }`; otherwise change nothing and answer
 *   `{ ok: false }`. `remaining` is `limit - spent - reserved` after the step. Because the
 *   check and the increment are one step, N concurrent reservations can never together pass
 *   the limit. A store may name the reservation (`reservationId`), keeping it open until it is
 *   settled or its window ends.
 * - `settle(scope, reserved, actual, windowKey, reservationId?)`: subtract `reserved` from
 *   `reserved` (never below 0) and add `actual` to `spent`, in one step. `actual` may exceed
 *   `reserved`. With a `reservationId` the step is idempotent: it applies only while that
 *   reservation is open (and closes it), so settling twice — a retry after a lost answer —
 *   counts the spend once; an unknown or already settled id changes nothing. Callers pass the
 *   id `reserve` returned whenever there is one (`budget()` does).
 * - `usage(scope, windowKey)`: read both numbers.
 *
 * ```lua
 * -- reserve: KEYS[1]=budget:{scope}:{window}  ARGV = amount, limit, ttlSeconds
 * local spent = tonumber(redis.call('HGET', KEYS[1], 'spent') or '0')
 * local reserved = tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0')
 * if spent + reserved + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return {0, tostring(ARGV[2] - spent - reserved)} end
 * redis.call('HINCRBYFLOAT', KEYS[1], 'reserved', ARGV[1]); redis.call('EXPIRE', KEYS[1], ARGV[3])
 * return {1, tostring(ARGV[2] - spent - reserved - ARGV[1])}
 * ```
 */
export interface BudgetStore {
  reserve(scope: string, amount: number, limit: number, windowKey: string): Promise<ReserveResult>;
  settle(scope: string, reserved: number, actual: number, windowKey: string, reservationId?: string): Promise<void>;
  usage(scope: string, windowKey: string): Promise<BudgetUsage>;
}

/** Options of {@link MemoryBudgetStore}. */
export interface MemoryBudgetStoreOptions {
  /** Scopes tracked; beyond it the least recently used scope is forgotten (its budget resets). @defaultValue 100000 */
  maxScopes?: number;
}

/** One scope's latest window, with its open reservations (id → USD). */
interface Slot {
  windowKey: string;
  spent: number;
  reserved: number;
  open: Map<string, number>;
}

/**
 * A {@link BudgetStore} in this process's memory. Atomic because each method completes
 * synchronously before its promise resolves. Keeps only the latest window of each scope and at
 * most `maxScopes` scopes; a reservation never settled is dropped with its window.
 *
 * @example
 * ```ts
 * const store = new MemoryBudgetStore();
 * createClient({ adapter, use: [budget({ limitUsd: 50, window: 'day', store })] });
 * ```
 */
export class MemoryBudgetStore implements BudgetStore {
  readonly #max: number;
  readonly #scopes = new Map<string, Slot>();

  constructor(options: MemoryBudgetStoreOptions = {}) {
    const max = options.maxScopes ?? 100_000;
    if (!Number.isInteger(max) || max < 1) throw new ConfigurationError(`MemoryBudgetStore: maxScopes must be a positive integer, got ${String(max)}`);
    this.#max = max;
  }

  #slot(scope: string, windowKey: string, create: boolean) {
    const id = `${scope}\u0000${windowKey.slice(0, windowKey.indexOf(':') + 1)}`;
    let slot = this.#scopes.get(id);
    if (slot && slot.windowKey !== windowKey) {
      if (windowKey < slot.windowKey) return undefined; // an older window: already rolled over
      slot = undefined;
    }
    if (!slot) {
      if (!create) return undefined;
      slot = { windowKey, spent: 0, reserved: 0, open: new Map() };
    }
    this.#scopes.delete(id); // refresh recency
    this.#scopes.set(id, slot);
    if (this.#scopes.size > this.#max) this.#scopes.delete(this.#scopes.keys().next().value as string);
    return slot;
  }

  async reserve(scope: string, amount: number, limit: number, windowKey: string): Promise<ReserveResult> {
    const slot = this.#slot(scope, windowKey, true)!;
    if (slot.spent + slot.reserved + amount > limit) return { ok: false, remaining: roundUsd(limit - slot.spent - slot.reserved) };
    slot.reserved = roundUsd(slot.reserved + amount);
    const reservationId = randomUUID();
    slot.open.set(reservationId, amount);
    return { ok: true, remaining: roundUsd(limit - slot.spent - slot.reserved), reservationId };
  }

  async settle(scope: string, reserved: number, actual: number, windowKey: string, reservationId?: string): Promise<void> {
    const slot = this.#slot(scope, windowKey, false);
    if (!slot) return;
    if (reservationId !== undefined) {
      const amount = slot.open.get(reservationId);
      if (amount === undefined) return; // settled already (a retry), or not of this window
      slot.open.delete(reservationId);
      reserved = amount;
    }
    slot.reserved = Math.max(0, roundUsd(slot.reserved - reserved));
    slot.spent = roundUsd(slot.spent + actual);
  }

  async usage(scope: string, windowKey: string): Promise<BudgetUsage> {
    const slot = this.#scopes.get(`${scope}\u0000${windowKey.slice(0, windowKey.indexOf(':') + 1)}`);
    if (!slot || slot.windowKey !== windowKey) return { spentUsd: 0, reservedUsd: 0 };
    return { spentUsd: slot.spent, reservedUsd: slot.reserved };
  }
}
