/**
 * The state of every circuit breaker this process has seen, for the `lifeline.breaker.state`
 * gauge: fed by `lifeline:breaker` transitions and by the breaker's note on each attempt it let
 * through (which also catches changes made by another process sharing the breaker store).
 * @module
 */
import { subscribe } from 'node:diagnostics_channel';
import type { Meter } from '@opentelemetry/api';
import { LIFELINE, METRICS } from './names.js';

/** The states a breaker reports. */
export const BREAKER_STATES = ['closed', 'half-open', 'open', 'isolated'] as const;

/** Most breaker keys remembered (the oldest is forgotten beyond it). */
const MAX_KEYS = 1_000;

const states = new Map<string, string>();
let listening = false;

/** Records that breaker `key` is in `state`. */
export function noteBreaker(key: string, state: string): void {
  if (states.get(key) === state) return;
  states.delete(key);
  if (states.size >= MAX_KEYS) states.delete(states.keys().next().value as string);
  states.set(key, state);
}

function onBreaker(message: unknown): void {
  const change = message as { key?: unknown; to?: unknown } | null;
  if (typeof change?.key === 'string' && typeof change.to === 'string') noteBreaker(change.key, change.to);
}

/**
 * Registers the `lifeline.breaker.state` gauge on `meter`: per breaker key, 1 for its current
 * state and 0 for the others (one series per key and state, so dashboards can sum by state).
 */
export function observeBreakers(meter: Meter): void {
  if (!listening) {
    subscribe('lifeline:breaker', onBreaker);
    listening = true;
  }
  meter
    .createObservableGauge(METRICS.BREAKER_STATE, {
      description: 'Circuit breaker state per key: 1 for the current state, 0 for the others.',
      unit: '{state}',
    })
    .addCallback((result) => {
      for (const [key, current] of states) {
        for (const state of BREAKER_STATES) result.observe(state === current ? 1 : 0, { [LIFELINE.BREAKER_KEY]: key, [LIFELINE.BREAKER_STATE]: state });
      }
    });
}

/** Forgets every breaker (tests). */
export function resetBreakerStates(): void {
  states.clear();
}
