import { describe, expect, it } from 'vitest';
import { Observations, observationsOf } from './observations.js';
import type { BreakerRecord } from './state.js';
import { MemoryBreakerStore } from './store.js';

const rec = (failures: number): BreakerRecord => ({ state: { name: 'closed', since: 0 }, policy: { failures }, epoch: 0, opens: 0 });

describe('Observations', () => {
  it('keeps one view while the same version and record are read again', () => {
    const known = new Observations();
    const r = rec(0);
    const first = known.observe('k', { version: 1, record: r }, known.next());
    const again = known.observe('k', { version: 1, record: r }, known.next());
    expect(again).toBe(first);
    expect(first.stale).toBe(false);
    expect(known.latest('k')).toBe(first);
  });

  it('a new version replaces the view and marks the old one stale', () => {
    const known = new Observations();
    const old = known.observe('k', undefined, known.next());
    expect(old).toMatchObject({ version: 0, record: undefined, stale: false });
    const r = rec(1);
    const now = known.observe('k', { version: 1, record: r }, known.next());
    expect(old.stale).toBe(true);
    expect(now).toMatchObject({ key: 'k', version: 1, record: r, stale: false });
    expect(known.latest('k')).toBe(now);
  });

  it('a result older than a known one (issued earlier, answered later) is stale from birth', () => {
    const known = new Observations();
    const earlier = known.next();
    const later = known.next();
    const current = known.observe('k', { version: 2, record: rec(2) }, later);
    const late = known.observe('k', { version: 1, record: rec(1) }, earlier);
    expect(late).toMatchObject({ version: 1, stale: true });
    expect(known.latest('k')).toBe(current);
  });

  it('forget(): no current view until the next read, and earlier-issued reads do not restore one', () => {
    const known = new Observations();
    const readBefore = known.next();
    const view = known.observe('k', { version: 1, record: rec(0) }, known.next());
    known.forget('k', known.next());
    expect(view.stale).toBe(true);
    expect(known.latest('k')).toBeUndefined();
    expect(known.observe('k', { version: 1, record: rec(0) }, readBefore).stale).toBe(true);
    expect(known.latest('k')).toBeUndefined();
    const fresh = known.observe('k', { version: 2, record: rec(0) }, known.next());
    expect(known.latest('k')).toBe(fresh);
  });

  it('keeps at most 10 000 keys, forgetting (and marking stale) the oldest first', () => {
    const known = new Observations();
    const first = known.observe('k0', undefined, known.next());
    for (let i = 1; i < 10_000; i++) known.observe(`k${i}`, undefined, known.next());
    expect(known.latest('k0')).toBe(first);
    known.observe('k10000', undefined, known.next());
    expect(first.stale).toBe(true);
    expect(known.latest('k0')).toBeUndefined();
    expect(known.latest('k1')?.stale).toBe(false);
  });

  it('is shared by every breaker on one store, and separate per store', () => {
    const store = new MemoryBreakerStore();
    expect(observationsOf(store)).toBe(observationsOf(store));
    expect(observationsOf(new MemoryBreakerStore())).not.toBe(observationsOf(store));
  });
});
