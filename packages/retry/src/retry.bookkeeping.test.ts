/**
 * What retry records besides retrying: one budget request per call (at its first attempt's
 * start), each delay on the attempt it preceded (also when the attempt is logged late), and a
 * zero delay that schedules no timer.
 */
import { Context, createClient, errorMeta, type Middleware, ServerError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { type AdapterStep, fakeClock, scriptedAdapter } from '@lifeline/testing';
import { RetryBudget } from './budget.js';
import { RETRY_DEFAULTS } from './options.js';
import { retry } from './retry.js';
import type { RetryAttemptRecord } from './events.js';

const req = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'hi' }] };
const serverError = () => new ServerError('The server had an error', { provider: 'primary', status: 500 });
/** An inner middleware that yields before calling on, so the attempt is logged after retry handed over. */
const yielding: Middleware = async function yielding(_ctx, next) {
  await Promise.resolve();
  await next();
};

function setup(script: AdapterStep[], budget: RetryBudget, inner: Middleware[] = []) {
  const clock = budget.clock as ReturnType<typeof fakeClock>;
  const adapter = scriptedAdapter(script, { name: 'primary', clock });
  const client = createClient({ adapter, clock, use: [retry({ budget, jitter: 'none', initialDelayMs: 100 }), ...inner] });
  return { clock, adapter, client };
}

describe('retry: budget bookkeeping', () => {
  it('records one request per call, whichever attempt succeeds or fails', async () => {
    const budget = new RetryBudget({ clock: fakeClock(0), minRetriesPerSecond: 1 });
    const { clock, client } = setup([serverError(), 'ok', serverError(), serverError(), serverError()], budget);
    await clock.run(client.chat(req));
    expect(budget.snapshot('primary')).toMatchObject({ requests: 1, retries: 1 });
    await expect(clock.run(client.chat(req))).rejects.toThrow(ServerError);
    expect(budget.snapshot('primary')).toMatchObject({ requests: 2, retries: 3 });
    await clock.run(client.chat(req));
    expect(budget.snapshot('primary')).toMatchObject({ requests: 3, retries: 3 });
  });

  it('times the request on the budget’s own clock when it differs from the call’s', async () => {
    const budget = new RetryBudget({ clock: fakeClock(1_000_000), windowMs: 10_000 });
    const callClock = fakeClock(0);
    const client = createClient({ adapter: scriptedAdapter([], { name: 'primary' }), clock: callClock, use: [retry({ budget })] });
    await client.chat(req);
    expect(budget.snapshot('primary')).toMatchObject({ requests: 1 });
  });

  it('a call that fails before any attempt is logged is still one request, and not an error of retry', async () => {
    const budget = new RetryBudget({ clock: fakeClock(0) });
    const local: Middleware = async function local() {
      throw new Error('before any attempt');
    };
    const { client } = setup([], budget, [local]);
    await expect(client.chat(req)).rejects.toThrow('before any attempt');
    expect(budget.snapshot('primary')).toMatchObject({ requests: 1, retries: 0 });
  });

  it('keys the budget "default" on a context without a target', () => {
    expect(RETRY_DEFAULTS.budgetKey(new Context({ request: req }))).toBe('default');
  });
});

describe('retry: attempt log', () => {
  const delays = (log: readonly unknown[]) => log.map((a) => [(a as RetryAttemptRecord).delayMs, (a as RetryAttemptRecord).delaySource]);

  it('annotates the delay on an attempt logged after retry handed over (success and failure)', async () => {
    const budget = new RetryBudget({ clock: fakeClock(0), minRetriesPerSecond: 1 });
    const { clock, client } = setup([serverError(), 'ok', serverError(), serverError(), serverError()], budget, [yielding]);
    const ok = await clock.run(client.chat(req));
    expect(delays(ok.meta.attemptLog)).toEqual([[undefined, undefined], [100, 'backoff']]);
    const error = await clock.run(client.chat(req)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(delays(errorMeta(error)!.attemptLog)).toEqual([[undefined, undefined], [100, 'backoff'], [200, 'backoff']]);
  });
});

describe('retry: zero delays', () => {
  it('retries at once without scheduling a timer', async () => {
    const clock = fakeClock(0);
    const adapter = scriptedAdapter([serverError(), serverError()], { name: 'primary', clock });
    const client = createClient({ adapter, clock, use: [retry({ budget: false, backoff: { delayMs: () => 0 } })] });
    await client.chat(req);
    expect(adapter.calls).toHaveLength(3);
    expect(clock.delays).toEqual([]);
  });
});
