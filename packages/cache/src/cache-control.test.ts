import { describe, expect, it } from 'vitest';
import { BadRequestError } from '@lifeline/core';
import { readDirectives } from './cache-control.js';

describe('readDirectives', () => {
  it('defaults to using the cache', () => {
    expect(readDirectives({})).toEqual({ noStore: false, noCache: false, maxAgeMs: undefined });
  });

  it('metadata.cache === false bypasses the cache', () => {
    expect(readDirectives({ cache: false }).noStore).toBe(true);
    expect(readDirectives({ cache: true }).noStore).toBe(false);
  });

  it.each([
    ['no-store', { noStore: true, noCache: false, maxAgeMs: undefined }],
    ['no-cache', { noStore: false, noCache: true, maxAgeMs: undefined }],
    ['max-age=60', { noStore: false, noCache: false, maxAgeMs: 60_000 }],
    ['max-age=0', { noStore: false, noCache: false, maxAgeMs: 0 }],
    [' No-Cache , MAX-AGE=5 ', { noStore: false, noCache: true, maxAgeMs: 5_000 }],
    ['max-age=60, max-age=10', { noStore: false, noCache: false, maxAgeMs: 10_000 }],
  ])('reads %j', (cacheControl, expected) => {
    expect(readDirectives({ cacheControl })).toEqual(expected);
  });

  it.each([
    ['nostore', 'cache: metadata.cacheControl has an unknown directive "nostore" (expected no-store, no-cache or max-age=<seconds>), got "nostore"'],
    ['max-age=-1', 'cache: metadata.cacheControl max-age must be a non-negative integer number of seconds, got "max-age=-1"'],
    ['max-age=1.5', 'cache: metadata.cacheControl max-age must be a non-negative integer number of seconds, got "max-age=1.5"'],
    [42, 'cache: metadata.cacheControl must be a string, got 42'],
  ])('rejects %j with a BadRequestError naming the field', (cacheControl, message) => {
    let caught: unknown;
    try {
      readDirectives({ cacheControl });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BadRequestError);
    expect((caught as BadRequestError).message).toBe(message);
    expect((caught as BadRequestError).field).toBe('metadata.cacheControl');
  });
});
