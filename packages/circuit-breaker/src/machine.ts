/**
 * The breaker's state machine, as pure functions from a record to the next one:
 * closed → open → half-open → closed (or back to open), plus isolated.
 * @module
 */
import type { Observation } from './observations.js';
import type { BreakerPolicy, PolicyCounts } from './policy.js';
import type { BreakerRecord, BreakerStateName, StateChange } from './state.js';

/** Settings the machine runs with. */
export interface MachineConfig {
  policy: BreakerPolicy;
  breakDurationMs: number;
  maxBreakDurationMs: number;
  halfOpenMaxProbes: number;
  probeTimeoutMs: number;
}

/**
 * Permission to make a call: a normal call (closed) or a probe (half-open). `seen` is the record
 * the engine admitted the call on (its version included), so settling need not read it again.
 */
export type Permit = ({ probe: false; epoch: number } | { probe: true; id: string; epoch: number }) & { readonly seen?: Observation | undefined };

/** A refused call. */
export interface Rejection {
  rejected: true;
  state: Exclude<BreakerStateName, 'closed'>;
  /** Time until the next probe may go, in ms (`undefined` while isolated). */
  retryAfterMs: number | undefined;
  probesInFlight?: number;
}

/** How a call ended, as the breaker counts it. */
export type Outcome =
  | { kind: 'success' }
  | { kind: 'failure'; code?: string | undefined; retryAfterMs?: number | undefined }
  /** Neither (the caller aborted, a local error): frees a probe slot, counts nothing. */
  | { kind: 'neutral' };

/** A computed step: the record to write (if any), the result, and the state changes to announce. */
export interface Step<R> {
  next?: BreakerRecord;
  result: R;
  changes: Array<Omit<StateChange, 'key'>>;
}

/** The record of a key never seen: closed, fresh counters. */
export function initialRecord(policy: BreakerPolicy, now: number): BreakerRecord {
  return { state: { name: 'closed', since: now }, policy: policy.initial(now), epoch: 0, opens: 0 };
}

/** How long the `opens`-th consecutive opening lasts: doubling from `breakDurationMs`, capped, or the provider's Retry-After when longer (also capped). */
export function breakDuration(cfg: MachineConfig, opens: number, retryAfterMs?: number): number {
  const backoff = Math.min(cfg.maxBreakDurationMs, cfg.breakDurationMs * 2 ** Math.max(0, opens - 1));
  const hint = retryAfterMs === undefined ? 0 : Math.min(cfg.maxBreakDurationMs, retryAfterMs);
  return Math.max(backoff, hint);
}

function open(cfg: MachineConfig, rec: BreakerRecord, now: number, reason: string, failure: Outcome): Step<undefined> {
  const opens = rec.opens + 1;
  const hint = failure.kind === 'failure' ? failure.retryAfterMs : undefined;
  const breakMs = breakDuration(cfg, opens, hint);
  const code = failure.kind === 'failure' ? failure.code : undefined;
  return {
    next: { state: { name: 'open', since: now, until: now + breakMs, reason, lastErrorCode: code }, policy: rec.policy, epoch: rec.epoch + 1, opens },
    result: undefined,
    changes: [{ from: rec.state.name, to: 'open', reason, at: now, breakMs }],
  };
}

/** Decides whether a call may go ahead now. */
export function acquire(cfg: MachineConfig, rec: BreakerRecord, now: number, probeId: () => string): Step<Permit | Rejection> {
  const s = rec.state;
  switch (s.name) {
    case 'closed':
      return { result: { probe: false, epoch: rec.epoch }, changes: [] };
    case 'isolated':
      return { result: { rejected: true, state: 'isolated', retryAfterMs: undefined }, changes: [] };
    case 'open': {
      if (now < s.until) return { result: { rejected: true, state: 'open', retryAfterMs: s.until - now }, changes: [] };
      const id = probeId();
      return {
        next: { ...rec, state: { name: 'half-open', since: now, probes: [{ id, startedAt: now }] }, epoch: rec.epoch + 1 },
        result: { probe: true, id, epoch: rec.epoch + 1 },
        changes: [{ from: 'open', to: 'half-open', reason: 'break-elapsed', at: now }],
      };
    }
    case 'half-open': {
      const live = s.probes.filter((p) => now - p.startedAt < cfg.probeTimeoutMs);
      if (live.length >= cfg.halfOpenMaxProbes) {
        const freesAt = Math.min(...live.map((p) => p.startedAt + cfg.probeTimeoutMs));
        return { result: { rejected: true, state: 'half-open', retryAfterMs: freesAt - now, probesInFlight: live.length }, changes: [] };
      }
      const id = probeId();
      return {
        next: { ...rec, state: { ...s, probes: [...live, { id, startedAt: now }] } },
        result: { probe: true, id, epoch: rec.epoch },
        changes: [],
      };
    }
  }
}

/**
 * Records how a permitted call ended. A probe's success closes the breaker and returns a normal
 * permit for the new closed period (a stream keeps counting under it); its failure re-opens the
 * breaker for a longer break. Outcomes of an earlier period (another epoch) are ignored.
 */
export function settle(cfg: MachineConfig, rec: BreakerRecord, permit: Permit, outcome: Outcome, now: number): Step<Permit | undefined> {
  const s = rec.state;
  const none: Step<undefined> = { result: undefined, changes: [] };
  if (permit.probe) {
    if (s.name !== 'half-open' || rec.epoch !== permit.epoch || !s.probes.some((p) => p.id === permit.id)) return none;
    if (outcome.kind === 'neutral') {
      return { next: { ...rec, state: { ...s, probes: s.probes.filter((p) => p.id !== permit.id) } }, result: undefined, changes: [] };
    }
    if (outcome.kind === 'failure') return open(cfg, rec, now, 'probe-failed', outcome);
    const epoch = rec.epoch + 1;
    return {
      next: { state: { name: 'closed', since: now }, policy: cfg.policy.initial(now), epoch, opens: 0 },
      result: { probe: false, epoch },
      changes: [{ from: 'half-open', to: 'closed', reason: 'probe-succeeded', at: now }],
    };
  }
  if (s.name !== 'closed' || rec.epoch !== permit.epoch || outcome.kind === 'neutral') return none;
  if (outcome.kind === 'success') {
    const policy = cfg.policy.success(rec.policy, now);
    return policy === rec.policy ? none : { next: { ...rec, policy }, result: undefined, changes: [] };
  }
  const { state: policy, trip } = cfg.policy.failure(rec.policy, now);
  if (trip) return open(cfg, { ...rec, policy: cfg.policy.initial(now) }, now, cfg.policy.name, outcome);
  return { next: { ...rec, policy }, result: undefined, changes: [] };
}

/**
 * What a health endpoint shows for one key.
 * @example
 * ```ts
 * const snap = await breaker.snapshot();
 * const healthy = Object.values(snap).every((s: BreakerKeySnapshot) => s.state === 'closed');
 * ```
 */
export interface BreakerKeySnapshot extends PolicyCounts {
  /** Effective state: an open breaker whose break has elapsed shows as `half-open`. */
  state: BreakerStateName;
  /** Epoch ms of the last transition. */
  since: number;
  /** Consecutive openings without a successful probe. */
  opens: number;
  /** Epoch ms from which the next probe may go (open, half-open). */
  nextProbeAt?: number;
  /** Probes in flight (half-open). */
  probesInFlight?: number;
  /** Why it opened, and the error code that opened it (open). */
  reason?: string;
  lastErrorCode?: string;
}

/** The snapshot of `rec` at `now`. */
export function describe(cfg: MachineConfig, rec: BreakerRecord, now: number): BreakerKeySnapshot {
  const s = rec.state;
  const base = { since: s.since, opens: rec.opens, ...cfg.policy.counts(rec.policy, now) };
  switch (s.name) {
    case 'closed':
    case 'isolated':
      return { state: s.name, ...base };
    case 'open': {
      const out: BreakerKeySnapshot = { state: now < s.until ? 'open' : 'half-open', ...base, nextProbeAt: s.until, reason: s.reason };
      if (now >= s.until) out.probesInFlight = 0;
      if (s.lastErrorCode !== undefined) out.lastErrorCode = s.lastErrorCode;
      return out;
    }
    case 'half-open': {
      const live = s.probes.filter((p) => now - p.startedAt < cfg.probeTimeoutMs);
      const nextProbeAt = live.length < cfg.halfOpenMaxProbes ? now : Math.min(...live.map((p) => p.startedAt + cfg.probeTimeoutMs));
      return { state: 'half-open', ...base, nextProbeAt, probesInFlight: live.length };
    }
  }
}
