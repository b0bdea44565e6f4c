import { describe, expect, it } from 'vitest';
import { goDuration, protoDuration, retryMs, rfc3339 } from './durations.js';
import { countChars, countWords, promptTokensFor, splitText } from './tokens.js';

describe('durations', () => {
  it('formats Go durations like OpenAI reset headers', () => {
    expect(goDuration(12)).toBe('12ms');
    expect(goDuration(1000)).toBe('1s');
    expect(goDuration(7660)).toBe('7.66s');
    expect(goDuration(360_000)).toBe('6m0s');
    expect(goDuration(179_560)).toBe('2m59.56s');
    expect(goDuration(3_600_000)).toBe('1h0m0s');
    expect(goDuration(0)).toBe('0s');
  });

  it('formats RFC 3339 at whole seconds and protobuf durations', () => {
    expect(rfc3339(Date.parse('2025-01-15T14:23:59.200Z'))).toBe('2025-01-15T14:24:00Z');
    expect(protoDuration(45_800)).toBe('45.8s');
    expect(protoDuration(58_000)).toBe('58s');
  });

  it('derives ms from retry hints: ms first, then seconds, then HTTP-date', () => {
    expect(retryMs(2, 10, 0)).toBe(10);
    expect(retryMs('1.5', undefined, 0)).toBe(1500);
    expect(retryMs(new Date(5000).toUTCString(), undefined, 1000)).toBe(4000);
    expect(retryMs(undefined, undefined, 0)).toBeUndefined();
  });
});

describe('tokens', () => {
  it('estimates deterministically', () => {
    expect(countChars([{ role: 'user', content: [{ type: 'text', text: 'abcd' }] }])).toBe(4 + 4 + 4);
    expect(promptTokensFor(13)).toBe(4);
    expect(promptTokensFor(0)).toBe(1);
    expect(countWords(' one  two\nthree ')).toBe(3);
  });

  it('splits text losslessly', () => {
    expect(splitText('Hello big world ')).toEqual(['Hello', ' big', ' world ']);
    expect(splitText('a b c d e', 2)).toEqual(['a b', ' c d', ' e']);
    expect(splitText('abcdefghij', 1, 3)).toEqual(['abcd', 'efgh', 'ij']);
    expect(splitText('')).toEqual([]);
  });
});
