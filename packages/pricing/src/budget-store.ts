/**
 * Where budgets keep their spend: the {@link BudgetStore} contract and an in-memory store.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';
import { roundUsd } from './cost.js';

/** The answer of {@link BudgetStore.reserve}. */
export interface ReserveResult {
  /** True when the amount was reserved. */
  ok: boolean;
  /** USD left in the window after this operation: `limit - spent - reserved` (may be negative after an overrun). */
  remaining: number;
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
 *   the limit.
 * - `settle(scope, reserved, actual, windowKey)`: subtract `reserved` from `reserved` (never
 *   below 0) and add `actual` to `spent`, in one step. `actual` may exceed `reserved`.
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
  settle(scope: string, reserved: number, actual: number, windowKey: string): Promise<void>;
  usage(scope: string, windowKey: string): Promise<BudgetUsage>;
}

/** Options of {@link MemoryBudgetStore}. */
export interface MemoryBudgetStoreOptions {
  /** Scopes tracked; beyond it the least recently used scope is forgotten (its budget resets). @defaultValue 100000 */
  maxScopes?: number;
}

/**
 * A {@link BudgetStore} in this process's memory. Atomic because each method completes
 * synchronously before its promise resolves. Keeps only the latest window of each scope and at
 * most `maxScopes` scopes.
 *
 * @example
 * ```ts
 * const store = new MemoryBudgetStore();
 * createClient({ adapter, use: [budget({ limitUsd: 50, window: 'day', store })] });
 * ```
 */
export class MemoryBudgetStore implements BudgetStore {
  readonly #max: number;
  readonly #scopes = new Map<string, { windowKey: string; spent: number; reserved: number }>();

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
      slot = { windowKey, spent: 0, reserved: 0 };
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
    return { ok: true, remaining: roundUsd(limit - slot.spent - slot.reserved) };
  }

  async settle(scope: string, reserved: number, actual: number, windowKey: string): Promise<void> {
    const slot = this.#slot(scope, windowKey, false);
    if (!slot) return;
    slot.reserved = Math.max(0, roundUsd(slot.reserved - reserved));
    slot.spent = roundUsd(slot.spent + actual);
  }

  async usage(scope: string, windowKey: string): Promise<BudgetUsage> {
    const slot = this.#scopes.get(`${scope}\u0000${windowKey.slice(0, windowKey.indexOf(':') + 1)}`);
    if (!slot || slot.windowKey !== windowKey) return { spentUsd: 0, reservedUsd: 0 };
    return { spentUsd: slot.spent, reservedUsd: slot.reserved };
  }
}
