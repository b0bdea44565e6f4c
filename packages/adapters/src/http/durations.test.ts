import { describe, expect, it } from 'vitest';
import { parseDate, parseDuration, parseResetAt } from './durations.js';

describe('parseDuration', () => {
  it.each([
    ['1s', 1_000],
    ['6m0s', 360_000],
    ['12ms', 12],
    ['2m59.56s', 179_560],
    ['7.66s', 7_660],
    ['1h2m3s', 3_723_000],
    ['58s', 58_000],
    ['500us', 0.5],
    ['2', 2_000],
    ['1.5', 1_500],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 6);
  });

  it('reads a protobuf duration with nanosecond digits', () => {
    expect(parseDuration('45.837906927s')).toBeCloseTo(45_837.906927, 6);
  });

  it.each(['', '  ', 'soon', '6m0', '-1s', '1d', 'Wed, 21 Oct 2015 07:28:00 GMT'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('returns undefined for undefined', () => {
    expect(parseDuration(undefined)).toBeUndefined();
  });
});

describe('parseDate', () => {
  it('reads RFC 3339 and HTTP-dates', () => {
    expect(parseDate('2025-01-15T14:24:00Z')).toBe(Date.UTC(2025, 0, 15, 14, 24));
    expect(parseDate('Wed, 21 Oct 2015 07:28:00 GMT')).toBe(Date.UTC(2015, 9, 21, 7, 28));
  });

  it('does not read bare numbers as years', () => {
    expect(parseDate('5')).toBeUndefined();
    expect(parseDate('2025')).toBeUndefined();
    expect(parseDate('not a date')).toBeUndefined();
  });
});

describe('parseResetAt', () => {
  it('adds durations to now and keeps absolute times', () => {
    expect(parseResetAt('6m0s', 1_000)).toBe(361_000);
    expect(parseResetAt('2025-01-15T14:24:00Z', 1_000)).toBe(Date.UTC(2025, 0, 15, 14, 24));
    expect(parseResetAt('garbage', 1_000)).toBeUndefined();
  });
});
