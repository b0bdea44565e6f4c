import { describe, expect, it } from 'vitest';
import { hashSlot } from './hash-slot.js';

describe('hashSlot', () => {
  it('computes the slots Redis computes (values from CLUSTER KEYSLOT)', () => {
    // The Redis Cluster specification's example, and tag rules: the first {…} if not empty, else the whole key.
    expect(hashSlot('123456789')).toBe(12739);
    expect(hashSlot('foo')).toBe(12182);
    expect(hashSlot('{user1000}.following')).toBe(hashSlot('user1000'));
    expect(hashSlot('foo{}{bar}')).toBe(8363); // empty first tag: the whole key
    expect(hashSlot('foo{{bar}}zap')).toBe(hashSlot('{bar'));
    expect(hashSlot('foo{bar}{zap}')).toBe(hashSlot('bar'));
    expect(hashSlot('é{ü}')).toBe(hashSlot('ü'));
  });
});
