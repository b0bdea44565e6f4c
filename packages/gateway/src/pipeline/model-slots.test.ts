import type { Context } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { boundedBreakerKey, FoldingLedger } from './bounded-state.js';
import { ModelSlots, MODELS_PER_TARGET } from './model-slots.js';

describe('ModelSlots', () => {
  it('keeps the first names of each target, folds the rest, never folds known ones', () => {
    const slots = new ModelSlots({ perTarget: 2, known: ['gpt-4.1'] });
    expect(['a', 'b', 'c', 'a', 'gpt-4.1'].map((m) => slots.label('relay', m))).toEqual(['a', 'b', '(other)', 'a', 'gpt-4.1']);
    expect(['c', 'd', 'e'].map((m) => slots.label('backup', m))).toEqual(['c', 'd', '(other)']);
    expect(slots.size).toBe(4);
    expect(new ModelSlots({ perTarget: 0, other: 'other' }).label('t', 'x')).toBe('other');
  });

  it('holds at most MODELS_PER_TARGET names per target by default', () => {
    const slots = new ModelSlots();
    for (let i = 0; i < 10_000; i++) slots.label('relay', `bogus-${i}`);
    expect(slots.size).toBe(MODELS_PER_TARGET);
  });
});

describe('boundedBreakerKey', () => {
  // The key reads only the request's model and the target's name.
  const ctxFor = (target: string | undefined, model: string) => ({ request: { model }, target: target === undefined ? undefined : { name: target } }) as unknown as Context;

  it("matches circuitBreaker's default key, with made-up models folded per target", () => {
    const key = boundedBreakerKey(new ModelSlots({ perTarget: 1 }));
    expect(key(ctxFor('primary', 'gpt-4.1'))).toBe('primary/gpt-4.1');
    expect(key(ctxFor('primary', 'bogus'))).toBe('primary/(other)');
    expect(key(ctxFor('backup:claude-sonnet-4.5', 'claude-sonnet-4.5'))).toBe('backup:claude-sonnet-4.5');
    expect(key(ctxFor(undefined, 'm'))).toBe('default/m');
  });
});

describe('FoldingLedger', () => {
  it('folds made-up models into (other) and keeps every total', () => {
    const ledger = new FoldingLedger(new ModelSlots({ perTarget: 2 }));
    for (let i = 0; i < 100; i++) ledger.record({ at: Date.UTC(2026, 0, 1), provider: 'relay', model: `bogus-${i}`, costUsd: 0.01 });
    expect(ledger.size).toBe(3);
    const snap = ledger.snapshot();
    expect(snap.byModel.map((t) => [t.key, t.requests])).toEqual([['(other)', 98], ['bogus-0', 1], ['bogus-1', 1]]);
    expect(snap.total).toMatchObject({ requests: 100, costUsd: 1 });
  });
});
