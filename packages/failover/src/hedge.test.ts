import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { AbortError, ServerError, createClient } from '@lifeline/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { drain, fake, request } from '../test/fake-adapter.js';
import { failover } from './failover.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('failover() — hedged requests', () => {
  it('starts the next target exactly hedgeAfterMs after a slow first attempt; the first to answer wins, the loser is aborted', async () => {
    const primary = fake({ name: 'primary', script: { delayMs: 5_000, text: 'slow' } });
    const backup = fake({ name: 'backup', script: { delayMs: 300, text: 'fast', usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 } } });
    const p = createClient({ use: [failover([primary, backup], { hedgeAfterMs: 1_000 })] }).chat(request());
    await vi.advanceTimersByTimeAsync(999);
    expect(backup.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(backup.calls.map((c) => c.at)).toEqual([1_000]);
    await vi.advanceTimersByTimeAsync(300);
    const { response, meta } = await p;
    expect(response.choices[0]?.message.content).toBe('fast');
    expect(primary.calls[0]?.call.signal.aborted).toBe(true);
    expect(meta).toMatchObject({ provider: 'backup', hedges: 1, failovers: 0, attempts: 2, usage: { total_tokens: 11 } });
    expect(meta.attemptLog.map((a) => ({ target: a.target, outcome: a.outcome, hedge: a.hedge, code: a.errorCode }))).toEqual([
      { target: 'primary', outcome: 'error', hedge: undefined, code: 'abort' },
      { target: 'backup', outcome: 'ok', hedge: true, code: undefined },
    ]);
    expect((meta.attemptLog[0]?.errorMessage)).toBe('Lost a hedged race to backup');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('marks the hedge on its attempt record before lifeline:attempt reports the attempt', async () => {
    const primary = fake({ name: 'primary', script: { delayMs: 5_000 } });
    const backup = fake({ name: 'backup', script: { delayMs: 300 } });
    const seen: Array<[string, boolean | undefined]> = [];
    const onAttempt = (m: unknown) => {
      const { attempt } = m as { attempt: { target: string; hedge?: boolean } };
      seen.push([attempt.target, attempt.hedge]);
    };
    subscribe('lifeline:attempt', onAttempt);
    try {
      const p = createClient({ use: [failover([primary, backup], { hedgeAfterMs: 1_000 })] }).chat(request());
      await vi.advanceTimersByTimeAsync(1_300);
      await p;
    } finally {
      unsubscribe('lifeline:attempt', onAttempt);
    }
    expect(seen).toEqual([
      ['backup', true],
      ['primary', undefined],
    ]);
  });

  it('does not hedge when the first attempt answers in time', async () => {
    const backup = fake({ name: 'backup' });
    const p = createClient({ use: [failover([fake({ name: 'primary', script: { delayMs: 999 } }), backup], { hedgeAfterMs: 1_000 })] }).chat(request());
    await vi.advanceTimersByTimeAsync(999);
    const { meta } = await p;
    expect(meta).toMatchObject({ provider: 'primary', hedges: 0, attempts: 1 });
    expect(backup.calls).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps the first attempt when it wins after a hedge started; the hedge is aborted and billed honestly', async () => {
    const backup = fake({ name: 'backup', script: { delayMs: 5_000 } });
    const p = createClient({ use: [failover([fake({ name: 'primary', script: { delayMs: 1_200 } }), backup], { hedgeAfterMs: 1_000 })] }).chat(request());
    await vi.advanceTimersByTimeAsync(1_200);
    const { meta } = await p;
    expect(meta).toMatchObject({ provider: 'primary', hedges: 1 });
    expect(backup.calls[0]?.call.signal.aborted).toBe(true);
    expect(meta.attemptLog.map((a) => [a.target, a.outcome, a.hedge])).toEqual([
      ['primary', 'ok', undefined],
      ['backup', 'error', true],
    ]);
  });

  it('is bounded by maxHedges, each hedge hedgeAfterMs after the previous start', async () => {
    const slow = (name: string) => fake({ name, script: { delayMs: 10_000 } });
    const [a, b, c, d] = [slow('a'), slow('b'), fake({ name: 'c', script: { delayMs: 2_000 } }), slow('d')];
    const p = createClient({ use: [failover([a, b, c, d], { hedgeAfterMs: 500, maxHedges: 2 })] }).chat(request());
    await vi.advanceTimersByTimeAsync(10_000);
    const { meta } = await p;
    expect([a, b, c, d].map((x) => x.calls.map((call) => call.at))).toEqual([[0], [500], [1_000], []]);
    expect(meta).toMatchObject({ provider: 'c', hedges: 2 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a primary failing while a hedge runs waits for the hedge instead of starting a third target', async () => {
    const third = fake({ name: 'third' });
    const p = createClient({
      use: [failover([fake({ name: 'primary', script: { delayMs: 1_500, error: new ServerError('down', { status: 503 }) } }), fake({ name: 'backup', script: { delayMs: 1_000 } }), third], { hedgeAfterMs: 1_000 })],
    }).chat(request());
    await vi.advanceTimersByTimeAsync(2_000);
    const { meta } = await p;
    expect(meta).toMatchObject({ provider: 'backup', hedges: 1, failovers: 0 });
    expect(third.calls).toHaveLength(0);
  });

  it('hedges streams on the first token: the first to deliver content wins', async () => {
    const primary = fake({ name: 'primary', script: { firstTokenDelayMs: 4_000, text: 'late answer' } });
    const s = createClient({ use: [failover([primary, fake({ name: 'backup', script: { firstTokenDelayMs: 200, text: 'quick answer' } })], { hedgeAfterMs: 800 })] }).stream(request());
    const done = drain(s);
    await vi.advanceTimersByTimeAsync(1_000);
    const { text, error } = await done;
    expect(error).toBeUndefined();
    expect(text).toBe('quick answer');
    expect(primary.calls[0]?.call.signal.aborted).toBe(true);
    const { meta } = await s.result;
    expect(meta).toMatchObject({ provider: 'backup', hedges: 1 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("'p95' hedges at the 95th percentile of the target's recent latencies, and not before 20 samples", async () => {
    let slowNext = false;
    const primary = fake({ name: 'primary', script: (_, _c, n) => ({ delayMs: slowNext ? 60_000 : 100 + (n % 20) * 10 }) });
    const backup = fake({ name: 'backup' });
    const client = createClient({ use: [failover([primary, backup], { hedgeAfterMs: 'p95' })] });
    for (let i = 0; i < 20; i++) {
      const p = client.chat(request());
      await vi.advanceTimersByTimeAsync(400);
      await p;
    }
    expect(backup.calls).toHaveLength(0);
    slowNext = true;
    const start = Date.now();
    const p = client.chat(request());
    await vi.advanceTimersByTimeAsync(1_000);
    // Samples 100, 110, …, 290 ms: the nearest-rank 95th percentile is 280 ms.
    expect(backup.calls.map((c) => c.at - start)).toEqual([280]);
    expect((await p).meta.provider).toBe('backup');
  });

  it('the caller aborting a hedged call aborts every attempt', async () => {
    const controller = new AbortController();
    const [a, b] = [fake({ name: 'a', script: { hang: true } }), fake({ name: 'b', script: { hang: true } })];
    const p = createClient({ use: [failover([a, b], { hedgeAfterMs: 100 })] }).chat(request(), { signal: controller.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(200);
    controller.abort();
    expect(await p).toBeInstanceOf(AbortError);
    expect([a, b].map((x) => x.calls[0]?.call.signal.aborted)).toEqual([true, true]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
