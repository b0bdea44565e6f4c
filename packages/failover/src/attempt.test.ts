import { AbortError, type ChatRequest, Context, type Next, ServerError } from '@lifeline/core';
import { fakeClock } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { fake } from '../test/fake-adapter.js';
import { ABORTED, HEDGE, launch, Mailbox } from './attempt.js';
import { LatencyStats } from './latency.js';
import { resolveTargets } from './target.js';

const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
const [primary] = resolveTargets([fake({ name: 'primary' })]);

function run(next: Next, options: { hedge?: boolean; clock?: ReturnType<typeof fakeClock> } = {}) {
  const clock = options.clock ?? fakeClock(1_000);
  const ctx = new Context({ request, clock });
  const stats = new LatencyStats(1);
  const attempt = launch({ ctx, next, target: primary!, request, hedge: options.hedge ?? false, alternatives: 0, stats, failurePenaltyMs: 500 });
  return { ctx, clock, stats, attempt };
}

describe('launch(): what an attempt records', () => {
  it('a success records its latency; a failure records at least the failure penalty, and disposes its fork', async () => {
    const clock = fakeClock(1_000);
    const ok = run(async () => void clock.advance(120), { clock });
    expect(await ok.attempt.done).toMatchObject({ ok: true });
    expect(ok.stats.estimate('primary')).toBe(120);
    expect(ok.attempt.child.aborted).toBe(false);

    const slowFail = run(
      async () => {
        clock.advance(900);
        throw new ServerError('down');
      },
      { clock },
    );
    const failed = await slowFail.attempt.done;
    expect(failed).toMatchObject({ ok: false, error: expect.any(ServerError) });
    expect(slowFail.stats.estimate('primary')).toBe(900);

    const fastFail = run(async () => {
      throw new ServerError('down');
    });
    await fastFail.attempt.done;
    expect(fastFail.stats.estimate('primary')).toBe(500);
  });

  it('records nothing for an aborted attempt, a lost one, or a call that was aborted', async () => {
    const aborted = run(async () => {
      throw new AbortError('stopped');
    });
    await aborted.attempt.done;
    expect(aborted.stats.estimate('primary')).toBeUndefined();

    let release!: () => void;
    const lost = run(() => new Promise<void>((_, reject) => (release = () => reject(new ServerError('late')))));
    lost.attempt.lost = true;
    release();
    await lost.attempt.done;
    expect(lost.stats.estimate('primary')).toBeUndefined();

    let fail!: () => void;
    const callAborted = run(() => new Promise<void>((_, reject) => (fail = () => reject(new ServerError('down')))));
    callAborted.ctx.abort();
    fail();
    await callAborted.attempt.done;
    expect(callAborted.stats.estimate('primary')).toBeUndefined();
  });

  it("a hedge marks its own target's attempt records, also those logged after it started", async () => {
    let later!: () => void;
    const { ctx, attempt } = run(
      async (child) => {
        child!.meta.attemptLog.push({ target: 'primary', model: 'm', startedAt: 0, outcome: 'pending' });
        await new Promise<void>((resolve) => (later = resolve));
        child!.meta.attemptLog.push({ target: 'other', model: 'm', startedAt: 0, outcome: 'ok' });
        child!.meta.attemptLog.push({ target: 'primary', model: 'm', startedAt: 0, outcome: 'ok' });
      },
      { hedge: true },
    );
    await Promise.resolve();
    later();
    await attempt.done;
    expect(ctx.meta.attemptLog.map((r) => [r.target, r.hedge === true])).toEqual([
      ['primary', true],
      ['other', false],
      ['primary', true],
    ]);
  });

  it('a fork that lost a race is disposed even when it succeeded', async () => {
    const { ctx, attempt } = run(async () => {});
    attempt.lost = true;
    await attempt.done;
    ctx.abort();
    expect(attempt.child.aborted).toBe(false);
  });
});

describe('Mailbox: what a walk waits for', () => {
  it('delivers the call\'s abort, and stops listening once closed', async () => {
    const ctx = new Context({ request });
    const mailbox = new Mailbox(ctx);
    const got = mailbox.next(undefined);
    ctx.abort();
    await expect(got).resolves.toBe(ABORTED);
    mailbox.close();
    const other = new Context({ request });
    const closed = new Mailbox(other);
    closed.close();
    other.abort();
    const outcome = { attempt: undefined as never, ok: true as const };
    closed.deliver(outcome);
    expect(closed.next(undefined)).toBe(outcome); // the abort was not delivered after close()
  });

  it('delivers an attempt\'s outcome, in arrival order, and an outcome already there without waiting', async () => {
    const { ctx, attempt } = run(async () => {});
    const mailbox = new Mailbox(ctx);
    mailbox.watch(attempt);
    await expect(mailbox.next(undefined)).resolves.toEqual({ attempt, ok: true });
    const second = run(async () => {
      throw new ServerError('boom', { status: 500 });
    });
    mailbox.watch(second.attempt);
    await second.attempt.done;
    await Promise.resolve();
    const got = mailbox.next(undefined);
    expect(got).toMatchObject({ attempt: second.attempt, ok: false });
    mailbox.close();
  });

  it('delivers HEDGE when the delay passes first, on the context\'s clock, and clears the timer otherwise', async () => {
    const clock = fakeClock(1_000);
    const ctx = new Context({ request, clock });
    const mailbox = new Mailbox(ctx);
    const got = mailbox.next(250);
    expect(clock.pending()).toBe(1);
    clock.advance(250);
    await expect(got).resolves.toBe(HEDGE);
    const { attempt } = run(async () => {}, { clock });
    mailbox.watch(attempt);
    const next = mailbox.next(250);
    await expect(next).resolves.toEqual({ attempt, ok: true });
    expect(clock.pending()).toBe(0); // the hedge timer of that wait was cleared
    mailbox.close();
  });

  it('keeps no hedge that fires with nobody waiting', async () => {
    const ctx = new Context({ request });
    const mailbox = new Mailbox(ctx);
    const outcome = { attempt: undefined as never, ok: true as const };
    mailbox.deliver(outcome);
    mailbox.deliver(HEDGE);
    expect(mailbox.next(undefined)).toBe(outcome);
    const got = mailbox.next(undefined);
    ctx.abort();
    await expect(got).resolves.toBe(ABORTED); // not a stale HEDGE
    mailbox.close();
  });
});
