import type { AttemptRecord } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { BUCKET_MS, BUCKETS, ownWords, RecentWindow } from './recent-window.js';

const T0 = 1_800_000_000_000; // a bucket boundary
const ok = (target: string, endAt: number, latencyMs: number, ttft?: number): AttemptRecord => ({ target, model: 'm', startedAt: endAt - latencyMs, latencyMs, outcome: 'ok', ...(ttft !== undefined && { timeToFirstTokenMs: ttft }) });
const failed = (target: string, endAt: number, extra: Partial<AttemptRecord> = {}): AttemptRecord => ({ target, model: 'm', startedAt: endAt - 5, latencyMs: 5, outcome: 'error', errorCode: 'server', status: 503, errorMessage: 'openai primary: 503 server_error — upstream text', ...extra });

describe('RecentWindow', () => {
  it('counts successes and failures per 10 s bucket, with rates, percentiles and the last error', () => {
    const w = new RecentWindow(() => [], T0 - 3_600_000);
    w.record([ok('a', T0 + 1_000, 100, 40), ok('a', T0 + 2_000, 300, 60), failed('a', T0 + 12_000)]);
    w.record([ok('a', T0 + 15_000, 200), { target: 'a', model: 'm', startedAt: T0, outcome: 'pending' }, failed('a', T0 + 16_000, { errorCode: 'abort' })]);
    const f = w.figures('a', T0 + 19_999);
    expect(f.requests).toBe(4);
    expect(f.successRate).toBe(0.75);
    expect(f.rpm).toBe(0.8); // 4 attempts over 5 minutes
    expect(f.latencyMs).toEqual({ p50: 200, p95: 300 });
    expect(f.ttftMs).toEqual({ p50: 60, p95: 60 });
    expect(f.series.ok.slice(-2)).toEqual([2, 1]);
    expect(f.series.errors.slice(-2)).toEqual([0, 1]);
    expect(f.series.ok).toHaveLength(BUCKETS);
    expect(f.lastError).toEqual({ at: T0 + 12_000, code: 'server', status: 503, message: 'openai primary: 503 server_error' });
  });

  it('forgets what is older than five minutes, and ignores attempts that arrive after their bucket was reused', () => {
    const w = new RecentWindow(() => [], T0 - 3_600_000);
    w.record([ok('a', T0, 10), failed('a', T0 + 1)]);
    expect(w.figures('a', T0 + BUCKETS * BUCKET_MS - 1).requests).toBe(2);
    expect(w.figures('a', T0 + BUCKETS * BUCKET_MS).requests).toBe(0);
    w.record([ok('a', T0 + BUCKETS * BUCKET_MS, 10)]); // reuses the bucket of T0
    w.record([ok('a', T0 + 5, 10)]); // too old now: dropped
    const f = w.figures('a', T0 + BUCKETS * BUCKET_MS);
    expect([f.requests, f.successRate]).toEqual([1, 1]);
  });

  it('spreads the rate over the time since start when the gateway is younger than five minutes (at least a minute)', () => {
    const w = new RecentWindow(() => [], T0);
    w.record([ok('a', T0 + 10_000, 10), ok('a', T0 + 20_000, 10), ok('a', T0 + 100_000, 10)]);
    expect(w.figures('a', T0 + 30_000).rpm).toBe(2);
    expect(w.figures('a', T0 + 120_000).rpm).toBe(1.5);
  });

  it('keeps a bounded number of latency samples per bucket', () => {
    const w = new RecentWindow(() => [], T0);
    w.record(Array.from({ length: 1_000 }, (_, i) => ok('a', T0 + 1_000, i < 900 ? 10 : 500)));
    const f = w.figures('a', T0 + 2_000);
    expect(f.requests).toBe(1_000);
    expect(f.latencyMs!.p95).toBe(500); // the last samples overwrite earlier ones in turn
  });

  it('reports all zero for a target never seen', () => {
    const f = new RecentWindow(() => [], T0).figures('nobody', T0);
    expect([f.requests, f.successRate, f.rpm, f.latencyMs, f.ttftMs, f.lastError]).toEqual([0, null, 0, null, null, null]);
  });
});

describe('ownWords', () => {
  it("keeps the gateway's words (before ' — '), drops the upstream's, and redacts secrets", () => {
    expect(ownWords('openai primary: 400 invalid_request — your prompt "tell me a secret" is too long', [])).toBe('openai primary: 400 invalid_request');
    expect(ownWords('openai primary: connection refused (key sk-live-ABCDEFGHIJKLMNOPQRSTUV)', ['sk-live-ABCDEFGHIJKLMNOPQRSTUV'])).not.toContain('sk-live-ABCDEFGHIJKLMNOPQRSTUV');
    expect(ownWords(undefined, [])).toBe('');
    expect(ownWords('x'.repeat(500), [])).toHaveLength(160);
  });
});
