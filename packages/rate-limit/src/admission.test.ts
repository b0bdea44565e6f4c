/**
 * The admission queue used directly: its waiting count, a waiter's abort, a store that fails
 * while the queue waits, and the message of a wait too long for a multi-request cost.
 */
import { AbortError, RateLimitExceededError } from '@lifeline/core';
import { fakeClock, flush } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { type AdmitOptions, Admission } from './admission.js';
import { MemoryRateLimitStore } from './memory-store.js';

const options = (signal: AbortSignal, extra: Partial<AdmitOptions> = {}): AdmitOptions => ({
  key: 'k', providerKey: 'p', cost: { requests: 1, tokens: 1 }, limits: { rpm: 1 }, signal, maxWaitMs: 120_000, maxWaitLabel: 'maxWaitMs', maxQueue: 10, provider: 'primary', ...extra,
});

describe('Admission', () => {
  it('counts the calls waiting per key; an aborted waiter rejects with the abort and leaves the queue', async () => {
    const clock = fakeClock(0);
    const admission = new Admission(new MemoryRateLimitStore());
    expect(admission.waiting('k')).toBe(0);
    expect(await admission.admit(options(new AbortController().signal), clock)).toBe(0);
    const controller = new AbortController();
    const waiting = admission.admit(options(controller.signal), clock).catch((e: unknown) => e);
    await flush();
    expect(admission.waiting('k')).toBe(1);
    expect(admission.waiting('other')).toBe(0);
    controller.abort();
    expect(await waiting).toBeInstanceOf(AbortError);
    expect(admission.waiting('k')).toBe(0);
    expect(clock.pending()).toBe(0);
  });

  it('a store that fails while calls wait rejects every waiter with its error', async () => {
    const clock = fakeClock(0);
    const memory = new MemoryRateLimitStore();
    let failing = false;
    const store = {
      take: async (req: Parameters<MemoryRateLimitStore['take']>[0]) => {
        if (failing) throw new Error('store unreachable');
        return memory.take(req);
      },
      peek: memory.peek.bind(memory),
      adjust: memory.adjust.bind(memory),
      observe: memory.observe.bind(memory),
    };
    const admission = new Admission(store);
    await admission.admit(options(new AbortController().signal), clock);
    const a = admission.admit(options(new AbortController().signal), clock).catch((e: unknown) => e);
    const b = admission.admit(options(new AbortController().signal), clock).catch((e: unknown) => e);
    await flush();
    expect(admission.waiting('k')).toBe(2);
    failing = true;
    await clock.advanceAsync(60_000);
    expect(await a).toMatchObject({ message: 'store unreachable' });
    expect(await b).toMatchObject({ message: 'store unreachable' });
    expect(admission.waiting('k')).toBe(0);
  });

  it('names a multi-request cost in the plural when the wait is too long', async () => {
    const clock = fakeClock(0);
    const admission = new Admission(new MemoryRateLimitStore());
    const two = { cost: { requests: 2, tokens: 5 }, limits: { rpm: 2 }, maxWaitMs: 1_000 };
    await admission.admit(options(new AbortController().signal, two), clock);
    const error = await admission.admit(options(new AbortController().signal, two), clock).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitExceededError);
    expect((error as Error).message).toBe('rateLimit: "k" would have to wait 60000 ms for 2 requests and 5 tokens, more than maxWaitMs (1000 ms)');
  });
});
