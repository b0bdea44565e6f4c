import { describe, expect, it } from 'vitest';
import { drawFault } from './faults.ts';
import { chaosSeed, pickWeighted, prng } from './seed.ts';
import { expectedText, nonceOf, readNonce } from './text.ts';

describe('seeded randomness', () => {
  it('gives the same sequence for the same seed, another for another seed', () => {
    const a = prng(42);
    const b = prng(42);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, prng(43))).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });
  it('draws the same faults for the same seed', () => {
    const draw = (seed: number) => { const r = prng(seed); return Array.from({ length: 50 }, () => drawFault(r, 't').kind); };
    expect(draw(9)).toEqual(draw(9));
    expect(new Set(draw(9)).size).toBeGreaterThan(10);
  });
  it('picks by weight', () => {
    const r = prng(1);
    const picks = Array.from({ length: 2000 }, () => pickWeighted(r, [[9, 'a'], [1, 'b']]));
    const share = picks.filter((p) => p === 'a').length / picks.length;
    expect(share).toBeGreaterThan(0.85);
    expect(share).toBeLessThan(0.95);
  });
  it('reads the seed from LIFELINE_CHAOS_SEED', () => {
    expect(chaosSeed(5, {})).toBe(5);
    expect(chaosSeed(5, { LIFELINE_CHAOS_SEED: '77' })).toBe(77);
    expect(() => chaosSeed(5, { LIFELINE_CHAOS_SEED: 'abc' })).toThrow(new RangeError('LIFELINE_CHAOS_SEED must be an integer, got "abc"'));
  });
});

describe('deterministic answers', () => {
  it('round-trips the nonce and names request and target in the text', () => {
    expect(readNonce(`{"messages":[{"content":"Please answer request ${nonceOf(123)}."}]}`)).toBe(123);
    expect(readNonce('no nonce here')).toBeUndefined();
    expect(expectedText(7, 'beta')).toBe('Answer 7 from beta: the quick brown fox jumps over the lazy dog.');
  });
});
