/**
 * Budget windows: which period a moment belongs to.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';

/** A budget window: a UTC calendar day, a UTC calendar month, or fixed periods of N ms from the epoch. */
export type BudgetWindow = 'day' | 'month' | number;

/**
 * The key of the window containing `now`: `day:YYYY-MM-DD`, `month:YYYY-MM` or `<N>ms:<index>`
 * (zero-padded so keys sort in time order).
 *
 * @param window - the window kind
 * @param now - epoch ms
 * @returns the window key
 * @example
 * ```ts
 * budgetWindowKey('day', Date.UTC(2026, 10, 24, 15)); // 'day:2026-11-24'
 * ```
 */
export function budgetWindowKey(window: BudgetWindow, now: number): string {
  const iso = new Date(now).toISOString();
  if (window === 'day') return `day:${iso.slice(0, 10)}`;
  if (window === 'month') return `month:${iso.slice(0, 7)}`;
  return `${window}ms:${String(Math.floor(now / window)).padStart(15, '0')}`;
}

/** Epoch ms when the window containing `now` ends. */
export function budgetWindowEnd(window: BudgetWindow, now: number): number {
  const d = new Date(now);
  if (window === 'day') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  if (window === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return (Math.floor(now / window) + 1) * window;
}

/** Throws unless `window` is `'day'`, `'month'` or a positive integer of milliseconds. */
export function validateWindow(window: unknown): asserts window is BudgetWindow {
  if (window === 'day' || window === 'month') return;
  if (typeof window === 'number' && Number.isInteger(window) && window > 0) return;
  throw new ConfigurationError(`budget: window must be 'day', 'month' or a positive integer of milliseconds, got ${JSON.stringify(window)}`);
}
