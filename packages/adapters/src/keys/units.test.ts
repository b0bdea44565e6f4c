import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@lifeline/core';
import { anthropic } from '../anthropic/index.js';
import { gemini } from '../gemini/index.js';
import { openai } from '../openai/index.js';
import { keyFingerprint } from './fingerprint.js';
import { MirroredKeyPoolStore } from './mirrored-store.js';
import { readApiKeys } from './options.js';
import { KeyReadings } from './readings.js';
import { selectKey } from './select.js';
import { MemoryKeyPoolStore, type KeyPoolStore, type KeyRecord } from './store.js';
import { WindowCounter } from './usage.js';

const SECRET = 'sk-very-secret-value-0123456789';

describe('keyFingerprint', () => {
  it('shows the last 4 characters and a SHA-256 prefix, never the key; short keys by hash alone', () => {
    const fp = keyFingerprint(SECRET);
    expect(fp).toMatch(/^…6789#[0-9a-f]{8}$/);
    expect(fp).toBe(keyFingerprint(SECRET));
    expect(keyFingerprint(`${SECRET}x`)).not.toBe(fp);
    expect(keyFingerprint('short-key')).toMatch(/^#[0-9a-f]{8}$/);
  });
});

describe('apiKey and keyPool options', () => {
  it.each([
    [[], 'openai: apiKey must be a non-empty string or a non-empty list of keys, got an empty array'],
    [[SECRET, ''], 'openai: apiKey[1] must be a non-empty string, got a blank string'],
    [[SECRET, 7], 'openai: apiKey[1] must be a non-empty string, got a number'],
    [[SECRET, { key: ' ' }], 'openai: apiKey[1].key must be a non-empty string, got a blank string'],
    [[SECRET, 'sk-other-0123456789abc', SECRET], 'openai: apiKey[2] repeats apiKey[0]; list each key once'],
    [[SECRET, { key: 'sk-other-0123456789abc', rpm: 0 }], 'openai: apiKey[1].rpm must be a positive number, got 0'],
    [[{ key: SECRET, tpm: -5 }], 'openai: apiKey[0].tpm must be a positive number, got -5'],
    [{ key: SECRET }, 'openai: apiKey must be a non-empty string or a non-empty list of keys, got an object'],
  ])('rejects apiKey %#, never quoting a key', (apiKey, message) => {
    expect(() => openai({ baseURL: 'http://x/v1', apiKey: apiKey as never })).toThrow(new ConfigurationError(message));
    expect(message).not.toContain(SECRET);
  });

  it.each([
    [{ strategy: 'random' }, 'openai: keyPool.strategy must be one of round-robin, least-used, got "random"'],
    [{ windowMs: 0 }, 'openai: keyPool.windowMs must be a positive integer, got 0'],
    [{ coolDownMs: -1 }, 'openai: keyPool.coolDownMs must be a non-negative number, got -1'],
    [{ coolDownMs: 10_000, maxCoolDownMs: 5_000 }, 'openai: keyPool.maxCoolDownMs must be a number of at least coolDownMs (10000), got 5000'],
    [{ quarantineMs: 0 }, 'openai: keyPool.quarantineMs must be a positive number, got 0'],
    [{ id: '' }, 'openai: keyPool.id must be a non-empty string, got ""'],
    [{ store: {} }, 'openai: keyPool.store must be a KeyPoolStore (read, set, claim, clear), got an object'],
    [{ clock: 5 }, 'openai: keyPool.clock must be a Clock (now, setTimeout, clearTimeout), got a number'],
  ])('rejects keyPool %j', (keyPool, message) => {
    expect(() => openai({ baseURL: 'http://x/v1', apiKey: [SECRET, 'sk-other-0123456789abc'], keyPool: keyPool as never })).toThrow(new ConfigurationError(message));
  });

  it('rejects keyPool options that are not an object', () => {
    expect(() => openai({ baseURL: 'http://x/v1', keyPool: 'fast' as never })).toThrow(new ConfigurationError('openai: keyPool must be an object, got "fast"'));
  });

  it('names the vendor; one key makes no pool; objects with shares are read', () => {
    expect(() => anthropic({ apiKey: [SECRET, ''] })).toThrow(new ConfigurationError('anthropic: apiKey[1] must be a non-empty string, got a blank string'));
    expect(() => gemini({ apiKey: [] })).toThrow(new ConfigurationError('gemini: apiKey must be a non-empty string or a non-empty list of keys, got an empty array'));
    expect(openai({ baseURL: 'http://x/v1', apiKey: [SECRET] }).keyPool).toBeUndefined();
    expect(gemini({ apiKey: SECRET }).keyPool).toBeUndefined();
    expect(anthropic({ apiKey: [SECRET, 'sk-other-0123456789abc'] }).keyPool?.size).toBe(2);
    expect(readApiKeys('openai', [SECRET, { key: 'k2', rpm: 5 }], true)).toEqual([{ key: SECRET }, { key: 'k2', rpm: 5 }]);
    expect(readApiKeys('openai', undefined, false)).toEqual([]);
  });
});

describe('MemoryKeyPoolStore', () => {
  const cooling = (until: number): KeyRecord => ({ state: 'cooling', until, since: 0, reason: 'rate_limit', status: 429 });
  const quarantined = (until: number): KeyRecord => ({ state: 'quarantined', until, since: 0, reason: 'auth', status: 401 });

  it('keeps the longer cool-down, lets a quarantine replace anything, and drops ended cool-downs', async () => {
    const s = new MemoryKeyPoolStore();
    await s.set('p', 'a', cooling(100), 0);
    await s.set('p', 'a', cooling(50), 0);
    expect((await s.read('p', ['a'], 0)).get('a')?.until).toBe(100);
    await s.set('p', 'a', quarantined(1000), 0);
    await s.set('p', 'a', cooling(5000), 0);
    expect((await s.read('p', ['a'], 0)).get('a')).toMatchObject({ state: 'quarantined', until: 1000 });
    await s.set('p', 'b', cooling(10), 0);
    expect([...(await s.read('p', ['a', 'b'], 10)).keys()]).toEqual(['a']);
    expect((await s.read('other', ['a'], 0)).size).toBe(0);
  });

  it('lets exactly one caller claim a due re-check', async () => {
    const s = new MemoryKeyPoolStore();
    await s.set('p', 'a', quarantined(100), 0);
    expect(await s.claim('p', 'a', 99, 1000)).toBe(false);
    expect(await Promise.all([s.claim('p', 'a', 100, 1100), s.claim('p', 'a', 100, 1100)])).toEqual([true, false]);
    expect((await s.read('p', ['a'], 100)).get('a')?.until).toBe(1100);
    await s.clear('p', 'a');
    expect((await s.read('p', ['a'], 100)).size).toBe(0);
  });

  it('behind a failing shared store, the process keeps what it learnt itself', async () => {
    const broken: KeyPoolStore = {
      read: () => Promise.reject(new Error('down')),
      set: () => Promise.reject(new Error('down')),
      claim: () => Promise.reject(new Error('down')),
      clear: () => Promise.reject(new Error('down')),
    };
    const s = new MirroredKeyPoolStore(broken);
    await s.set('p', 'a', quarantined(100), 0);
    expect((await s.read('p', ['a'], 0)).get('a')?.state).toBe('quarantined');
    expect(await s.claim('p', 'a', 100, 200)).toBe(true);
    await s.clear('p', 'a');
    expect((await s.read('p', ['a'], 0)).size).toBe(0);
  });
});

describe('WindowCounter', () => {
  it('counts over a sliding window in fixed slots', () => {
    const c = new WindowCounter(60_000);
    c.add(0, 1);
    c.add(30_000, 2);
    expect(c.total(30_000)).toBe(3);
    expect(c.total(59_999)).toBe(3);
    expect(c.total(60_000)).toBe(2); // the slot of t=0 left the window
    expect(c.total(90_000)).toBe(0);
    c.add(90_000 + 60_000 * 5, 4); // the same slot, many windows later
    expect(c.total(90_000 + 60_000 * 5)).toBe(4);
  });
});

describe('selectKey', () => {
  const c = (index: number, load = 0, saturated = false) => ({ index, load, saturated });
  it('round-robin continues from the cursor; saturated keys only when no other is ready', () => {
    expect(selectKey([c(0), c(1), c(2)], 'round-robin', 1, 3)?.index).toBe(1);
    expect(selectKey([c(0), c(2)], 'round-robin', 1, 3)?.index).toBe(2);
    expect(selectKey([c(0), c(2, 0, true)], 'round-robin', 1, 3)?.index).toBe(0);
    expect(selectKey([c(2, 0, true)], 'round-robin', 0, 3)?.index).toBe(2);
    expect(selectKey([], 'round-robin', 0, 3)).toBeUndefined();
  });
  it('least-used takes the smallest load, ties from the cursor', () => {
    expect(selectKey([c(0, 5), c(1, 2), c(2, 9)], 'least-used', 0, 3)?.index).toBe(1);
    expect(selectKey([c(0, 2), c(1, 2), c(2, 2)], 'least-used', 2, 3)?.index).toBe(2);
  });
});

describe('KeyReadings', () => {
  it('sums what every key in rotation said; a reading past its reset counts as the whole limit', () => {
    const r = new KeyReadings(3);
    r.record(0, { limitRequests: 10, remainingRequests: 0, resetRequestsAt: 500 });
    expect(r.aggregate([0, 1], 100)).toBeUndefined();
    r.record(1, { limitRequests: 20, remainingRequests: 5, resetRequestsAt: 300, remainingTokens: 7 });
    expect(r.aggregate([0, 1], 100)).toEqual({ limitRequests: 30, remainingRequests: 5, resetRequestsAt: 300 });
    expect(r.aggregate([0, 1], 400)).toEqual({ limitRequests: 30, remainingRequests: 20, resetRequestsAt: 500 });
    expect(r.spent(0, 100)).toBe(true);
    expect(r.spent(0, 500)).toBe(false);
    expect(r.aggregate([], 0)).toBeUndefined();
  });
});
