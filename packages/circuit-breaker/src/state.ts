/**
 * Breaker state: a discriminated union, and the serialisable record a {@link BreakerStore} keeps
 * per key.
 * @module
 */

/** A half-open probe in flight. */
export interface Probe {
  /** Unique id of the probe (so its outcome is matched to it, also across processes). */
  id: string;
  /** Epoch ms when the probe was let through. */
  startedAt: number;
}

/** Calls flow; the policy counts outcomes. */
export interface ClosedState {
  name: 'closed';
  /** Epoch ms of the transition into this state. */
  since: number;
}

/** Calls are rejected with `CircuitOpenError` until `until`. */
export interface OpenState {
  name: 'open';
  since: number;
  /** Epoch ms from which the next call becomes a probe. */
  until: number;
  /** What opened the breaker. */
  reason: TransitionReason;
  /** Code of the error that opened it (`server`, `timeout`, `rate_limit`, `slow_call`, …). */
  lastErrorCode?: string | undefined;
}

/** Up to `halfOpenMaxProbes` calls go through as probes; the rest are rejected. */
export interface HalfOpenState {
  name: 'half-open';
  since: number;
  /** Probes in flight (abandoned ones are dropped once `probeTimeoutMs` has passed). */
  probes: Probe[];
}

/** Opened by hand with `isolate(key)`: every call is rejected until `reset(key)`. */
export interface IsolatedState {
  name: 'isolated';
  since: number;
}

/**
 * The state of one breaker.
 * @example
 * ```ts
 * function label(s: BreakerState): string {
 *   return s.name === 'open' ? `open until ${new Date(s.until).toISOString()}` : s.name;
 * }
 * ```
 */
export type BreakerState = ClosedState | OpenState | HalfOpenState | IsolatedState;

/** Names of the states. */
export type BreakerStateName = BreakerState['name'];

/** Why a breaker changed state. */
export type TransitionReason =
  /** The policy tripped (its name: `consecutive-failures`, `failure-rate`, or a custom policy's). */
  | (string & {})
  | 'break-elapsed'
  | 'probe-succeeded'
  | 'probe-failed'
  | 'isolated'
  | 'reset';

/**
 * Everything a store keeps for one key. Plain JSON: a shared store (Redis) can serialise it.
 * Records are never mutated; every change makes a new one.
 */
export interface BreakerRecord {
  state: BreakerState;
  /** The policy's counters (meaningful while closed). */
  policy: unknown;
  /** Bumped on every transition, so a late outcome of an earlier period is not counted. */
  epoch: number;
  /** Consecutive openings without a successful probe in between (drives the break backoff). */
  opens: number;
}

/**
 * A state change, as `onStateChange` listeners and the `lifeline:breaker` channel receive it.
 * @example
 * ```ts
 * breaker.onStateChange((c: StateChange) => {
 *   if (c.to === 'open') pager.notify(`${c.key} open for ${c.breakMs} ms (${c.reason})`);
 * });
 * ```
 */
export interface StateChange {
  /** Breaker key (`primary/gpt-4.1`). */
  key: string;
  from: BreakerStateName;
  to: BreakerStateName;
  reason: TransitionReason;
  /** Epoch ms of the change. */
  at: number;
  /** For `to: 'open'`: how long the breaker stays open, in ms. */
  breakMs?: number;
}
