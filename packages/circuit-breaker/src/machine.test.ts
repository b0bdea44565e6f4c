import { describe, expect, it } from 'vitest';
import { acquire, breakDuration, describe as describeRecord, initialRecord, type MachineConfig, type Outcome, type Permit, settle } from './machine.js';
import { consecutiveFailures } from './policy.js';
import type { BreakerRecord } from './state.js';

const cfg: MachineConfig = {
  policy: consecutiveFailures({ failureThreshold: 2 }),
  breakDurationMs: 1_000,
  maxBreakDurationMs: 5_000,
  halfOpenMaxProbes: 1,
  probeTimeoutMs: 10_000,
};
const FAIL: Outcome = { kind: 'failure', code: 'server' };
let ids = 0;
const id = () => `p${++ids}`;

/** Applies a step's `next` (like the engine does) and returns [record, result]. */
function acq(rec: BreakerRecord, now: number, c = cfg) {
  const step = acquire(c, rec, now, id);
  return [step.next ?? rec, step.result, step.changes] as const;
}
function set(rec: BreakerRecord, permit: Permit, outcome: Outcome, now: number, c = cfg) {
  const step = settle(c, rec, permit, outcome, now);
  return [step.next ?? rec, step.result, step.changes] as const;
}
/** A record opened at t=0 for 1000 ms. */
function opened(): BreakerRecord {
  let rec = initialRecord(cfg.policy, 0);
  const permit = { probe: false as const, epoch: 0 };
  [rec] = set(rec, permit, FAIL, 0);
  [rec] = set(rec, permit, FAIL, 0);
  return rec;
}

describe('state machine', () => {
  it('closed: permits calls and opens when the policy trips', () => {
    let rec = initialRecord(cfg.policy, 0);
    const [, permit] = acq(rec, 0);
    expect(permit).toEqual({ probe: false, epoch: 0 });
    let changes;
    [rec, , changes] = set(rec, permit as Permit, FAIL, 5);
    expect(rec.state.name).toBe('closed');
    expect(changes).toEqual([]);
    [rec, , changes] = set(rec, permit as Permit, { kind: 'failure', code: 'timeout' }, 7);
    expect(rec).toEqual({
      state: { name: 'open', since: 7, until: 1_007, reason: 'consecutive-failures', lastErrorCode: 'timeout' },
      policy: { failures: 0 },
      epoch: 1,
      opens: 1,
    });
    expect(changes).toEqual([{ from: 'closed', to: 'open', reason: 'consecutive-failures', at: 7, breakMs: 1_000 }]);
  });

  it('open: rejects with the time left until the probe; at `until` the next call becomes the probe', () => {
    let rec = opened();
    expect(acq(rec, 400)[1]).toEqual({ rejected: true, state: 'open', retryAfterMs: 600 });
    expect(acq(rec, 999)[1]).toEqual({ rejected: true, state: 'open', retryAfterMs: 1 });
    let result, changes;
    [rec, result, changes] = acq(rec, 1_000);
    expect(result).toMatchObject({ probe: true, epoch: 2 });
    expect(rec.state).toMatchObject({ name: 'half-open', since: 1_000, probes: [{ startedAt: 1_000 }] });
    expect(changes).toEqual([{ from: 'open', to: 'half-open', reason: 'break-elapsed', at: 1_000 }]);
  });

  it('half-open: lets halfOpenMaxProbes through and rejects the rest with the time until a slot frees', () => {
    let rec = opened();
    [rec] = acq(rec, 1_000);
    expect(acq(rec, 3_000)[1]).toEqual({ rejected: true, state: 'half-open', retryAfterMs: 8_000, probesInFlight: 1 });
    const two = { ...cfg, halfOpenMaxProbes: 2 };
    let rec2 = opened();
    [rec2] = acq(rec2, 1_000, two);
    const [rec3, second] = acq(rec2, 1_500, two);
    expect(second).toMatchObject({ probe: true });
    expect(acq(rec3, 1_600, two)[1]).toEqual({ rejected: true, state: 'half-open', retryAfterMs: 9_400, probesInFlight: 2 });
  });

  it('a successful probe closes with fresh counters and returns a closed-period permit', () => {
    let rec = opened();
    let probe;
    [rec, probe] = acq(rec, 1_000);
    const [closed, permit, changes] = set(rec, probe as Permit, { kind: 'success' }, 1_200);
    expect(closed).toEqual({ state: { name: 'closed', since: 1_200 }, policy: { failures: 0 }, epoch: 3, opens: 0 });
    expect(permit).toEqual({ probe: false, epoch: 3 });
    expect(changes).toEqual([{ from: 'half-open', to: 'closed', reason: 'probe-succeeded', at: 1_200 }]);
  });

  it('a failed probe re-opens for a doubled break, capped at maxBreakDurationMs', () => {
    let rec = opened();
    const breaks: number[] = [];
    let now = 1_000;
    for (let i = 0; i < 5; i++) {
      let probe, changes;
      [rec, probe] = acq(rec, now);
      [rec, , changes] = set(rec, probe as Permit, FAIL, now);
      expect(changes[0]).toMatchObject({ from: 'half-open', to: 'open', reason: 'probe-failed' });
      breaks.push(changes[0]!.breakMs!);
      now = (rec.state as { until: number }).until;
    }
    expect(breaks).toEqual([2_000, 4_000, 5_000, 5_000, 5_000]);
    expect(rec.opens).toBe(6);
  });

  it('a longer Retry-After extends the break, up to the cap', () => {
    expect(breakDuration(cfg, 1, 3_000)).toBe(3_000);
    expect(breakDuration(cfg, 1, 500)).toBe(1_000);
    expect(breakDuration(cfg, 1, 60_000)).toBe(5_000);
    let rec = initialRecord(cfg.policy, 0);
    const permit = { probe: false as const, epoch: 0 };
    [rec] = set(rec, permit, FAIL, 0);
    [rec] = set(rec, permit, { kind: 'failure', code: 'rate_limit', retryAfterMs: 4_000 }, 0);
    expect(rec.state).toMatchObject({ name: 'open', until: 4_000, lastErrorCode: 'rate_limit' });
  });

  it('an abandoned probe frees its slot after probeTimeoutMs, and its late outcome is ignored', () => {
    let rec = opened();
    let first, second;
    [rec, first] = acq(rec, 1_000);
    expect(acq(rec, 10_999)[1]).toMatchObject({ rejected: true, retryAfterMs: 1 });
    [rec, second] = acq(rec, 11_000);
    expect(second).toMatchObject({ probe: true });
    expect(rec.state).toMatchObject({ name: 'half-open', probes: [{ id: (second as { id: string }).id, startedAt: 11_000 }] });
    const [after, result, changes] = set(rec, first as Permit, FAIL, 11_500);
    expect(after).toBe(rec);
    expect(result).toBeUndefined();
    expect(changes).toEqual([]);
  });

  it('a neutral probe outcome frees the slot without a transition', () => {
    let rec = opened();
    let probe;
    [rec, probe] = acq(rec, 1_000);
    [rec] = set(rec, probe as Permit, { kind: 'neutral' }, 1_100);
    expect(rec.state).toEqual({ name: 'half-open', since: 1_000, probes: [] });
    expect(acq(rec, 1_200)[1]).toMatchObject({ probe: true });
  });

  it('ignores late outcomes of an earlier closed period', () => {
    let rec = opened();
    let probe;
    [rec, probe] = acq(rec, 1_000);
    [rec] = set(rec, probe as Permit, { kind: 'success' }, 1_000);
    const stale = { probe: false as const, epoch: 0 };
    const [after] = set(rec, stale, FAIL, 1_100);
    expect(after).toBe(rec);
  });

  it('isolated: rejects without a retry time', () => {
    const rec: BreakerRecord = { state: { name: 'isolated', since: 0 }, policy: { failures: 0 }, epoch: 1, opens: 0 };
    expect(acq(rec, 5)[1]).toEqual({ rejected: true, state: 'isolated', retryAfterMs: undefined });
  });

  it('describes each state for snapshots', () => {
    let rec = opened();
    expect(describeRecord(cfg, rec, 500)).toEqual({
      state: 'open', since: 0, opens: 1, failures: 0, successes: 0, nextProbeAt: 1_000, reason: 'consecutive-failures', lastErrorCode: 'server',
    });
    expect(describeRecord(cfg, rec, 1_000)).toMatchObject({ state: 'half-open', nextProbeAt: 1_000, probesInFlight: 0 });
    [rec] = acq(rec, 1_000);
    expect(describeRecord(cfg, rec, 2_000)).toMatchObject({ state: 'half-open', nextProbeAt: 11_000, probesInFlight: 1 });
    expect(describeRecord(cfg, initialRecord(cfg.policy, 3), 9)).toEqual({ state: 'closed', since: 3, opens: 0, failures: 0, successes: 0 });
  });
});

describe('state machine: steps that change nothing announce nothing', () => {
  it('rejections and closed permits carry no changes', () => {
    const rec = opened();
    expect(acq(initialRecord(cfg.policy, 0), 0)[2]).toEqual([]);
    expect(acq(rec, 400)[2]).toEqual([]);
    const isolated: BreakerRecord = { state: { name: 'isolated', since: 0 }, policy: { failures: 0 }, epoch: 1, opens: 0 };
    expect(acq(isolated, 5)[2]).toEqual([]);
    const [half] = acq(rec, 1_000);
    expect(acq(half, 1_001)[2]).toEqual([]);
  });

  it('a success with nothing to reset writes nothing; a neutral outcome while closed counts nothing', () => {
    const rec = initialRecord(cfg.policy, 0);
    const permit = { probe: false as const, epoch: 0 };
    expect(settle(cfg, rec, permit, { kind: 'success' }, 1)).toEqual({ result: undefined, changes: [] });
    const [counted] = set(rec, permit, FAIL, 1);
    expect(settle(cfg, counted, permit, { kind: 'neutral' }, 2)).toEqual({ result: undefined, changes: [] });
  });
});

describe('state machine: several probes', () => {
  const two = { ...cfg, halfOpenMaxProbes: 2 };
  /** Half-open with two probes in flight, started at 1000 and 1500. */
  function probing() {
    let rec = opened();
    let first, second, changes;
    [rec, first] = acq(rec, 1_000, two);
    [rec, second, changes] = acq(rec, 1_500, two);
    expect(changes).toEqual([]);
    return { rec, first: first as Permit, second: second as Permit };
  }

  it('each probe has its own id: a neutral outcome frees only its own slot, silently', () => {
    const { rec, first, second } = probing();
    expect((first as { id: string }).id).not.toBe((second as { id: string }).id);
    const [after, , changes] = set(rec, first, { kind: 'neutral' }, 1_600, two);
    expect(after.state).toEqual({ name: 'half-open', since: 1_000, probes: [{ id: (second as { id: string }).id, startedAt: 1_500 }] });
    expect(changes).toEqual([]);
    expect(acq(after, 1_700, two)[1]).toMatchObject({ probe: true });
  });

  it('any one probe’s success closes the breaker', () => {
    const { rec, first } = probing();
    const [closed, permit] = set(rec, first, { kind: 'success' }, 1_600, two);
    expect(closed.state).toEqual({ name: 'closed', since: 1_600 });
    expect(permit).toEqual({ probe: false, epoch: 3 });
  });

  it('describes in-flight probes until each is abandoned, and the earliest time a slot frees', () => {
    const { rec } = probing();
    expect(describeRecord(two, rec, 9_500)).toMatchObject({ state: 'half-open', probesInFlight: 2, nextProbeAt: 11_000 });
    expect(describeRecord(two, rec, 11_000)).toMatchObject({ state: 'half-open', probesInFlight: 1, nextProbeAt: 11_000 });
    expect(describeRecord(two, rec, 11_500)).toMatchObject({ state: 'half-open', probesInFlight: 0, nextProbeAt: 11_500 });
    const [one] = acq(opened(), 1_000);
    expect(describeRecord(cfg, one, 9_500)).toMatchObject({ probesInFlight: 1, nextProbeAt: 11_000 });
  });

  it('an open breaker opened without an error code shows none', () => {
    let rec = initialRecord(cfg.policy, 0);
    const permit = { probe: false as const, epoch: 0 };
    [rec] = set(rec, permit, { kind: 'failure' }, 0);
    [rec] = set(rec, permit, { kind: 'failure' }, 0);
    expect(describeRecord(cfg, rec, 500)).toStrictEqual({ state: 'open', since: 0, opens: 1, failures: 0, successes: 0, nextProbeAt: 1_000, reason: 'consecutive-failures' });
  });
});
