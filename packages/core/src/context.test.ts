import { describe, expect, it } from 'vitest';
import { Context } from './context.js';
import { AbortError, TimeoutError } from './errors.js';

const make = (signal?: AbortSignal) => new Context({ request: { model: 'm', messages: [{ role: 'user', content: 'x' }] }, signal, metadata: { tenant: 't1' } });

describe('Context', () => {
  it('forks a child with its own response, stream, meta and state', () => {
    const parent = make();
    parent.state.shared = 1;
    const child = parent.fork();
    child.response = { id: 'r', object: 'chat.completion', created: 0, model: 'm', choices: [] };
    child.meta.provider = 'b';
    child.state.own = 2;
    expect(parent.response).toBeUndefined();
    expect(parent.meta.provider).toBeUndefined();
    expect(child.state.shared).toBe(1);
    expect(parent.state.own).toBeUndefined();
    expect(child.metadata).toBe(parent.metadata);
  });

  it('shares the attempt log so forked attempts are counted on the parent', () => {
    const parent = make();
    const child = parent.fork();
    child.meta.attemptLog.push({ target: 'a', model: 'm', startedAt: 0, outcome: 'ok' });
    expect(parent.meta.attemptLog).toHaveLength(1);
    parent.adopt(child);
    expect(parent.meta.attempts).toBe(1);
  });

  it('aborting the parent aborts every child with the same reason', () => {
    const parent = make();
    const a = parent.fork();
    const b = a.fork();
    const reason = new TimeoutError('late');
    parent.abort(reason);
    expect(a.signal.aborted).toBe(true);
    expect(b.signal.reason).toBe(reason);
  });

  it('aborting a child leaves the parent and its siblings running', () => {
    const parent = make();
    const loser = parent.fork();
    const winner = parent.fork();
    loser.abort();
    expect(loser.signal.aborted).toBe(true);
    expect(loser.signal.reason).toBeInstanceOf(AbortError);
    expect(parent.aborted).toBe(false);
    expect(winner.aborted).toBe(false);
  });

  it('follows the caller signal, also when it aborted before the signal was read', () => {
    const caller = new AbortController();
    const ctx = make(caller.signal);
    caller.abort('stop');
    expect(ctx.aborted).toBe(true);
    expect(ctx.signal.reason).toBe('stop');
    const caller2 = new AbortController();
    const ctx2 = make(caller2.signal);
    void ctx2.signal;
    caller2.abort('later');
    expect(ctx2.signal.reason).toBe('later');
  });

  it('dispose() detaches from the caller signal so a long-lived signal does not accumulate listeners', () => {
    const caller = new AbortController();
    const ctx = make(caller.signal);
    void ctx.signal;
    ctx.dispose();
    caller.abort();
    expect(ctx.aborted).toBe(true); // reads the caller's signal directly
    expect(ctx.signal.aborted).toBe(false); // but its own controller was detached
  });

  it('computes remaining time from the deadline and the clock', () => {
    let now = 1_000;
    const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
    const ctx = new Context({ request: { model: 'm', messages: [] }, deadline: 1_500, clock });
    expect(ctx.remainingMs()).toBe(500);
    now = 1_700;
    expect(ctx.remainingMs()).toBe(-200);
    expect(ctx.fork().deadline).toBe(1_500);
  });
});

describe('Context abort callbacks', () => {
  it('onAbort runs once with the reason, at once when already aborted, and its disposer unregisters', () => {
    const ctx = make();
    const seen: unknown[] = [];
    const off = ctx.onAbort((r) => seen.push(['kept', r]));
    const gone = ctx.onAbort((r) => seen.push(['gone', r]));
    gone();
    ctx.abort('why');
    ctx.abort('again');
    expect(seen).toEqual([['kept', 'why']]);
    ctx.onAbort((r) => seen.push(['late', r]));
    expect(seen).toEqual([['kept', 'why'], ['late', 'why']]);
    off();
  });

  it('a fork of an aborted parent starts aborted; a disposed fork no longer follows its parent', () => {
    const parent = make();
    const kept = parent.fork();
    const released = parent.fork();
    released.dispose();
    parent.abort('stop');
    expect(kept.aborted).toBe(true);
    expect(released.aborted).toBe(false);
    expect(parent.fork().reason).toBe('stop');
  });

  it('a fork starts with a copy of its parent state and writes its own', () => {
    const parent = make();
    parent.state.a = 1;
    const child = parent.fork();
    child.state.b = 2;
    parent.state.c = 3;
    expect(child.state).toEqual({ a: 1, b: 2 });
    expect(parent.state).toEqual({ a: 1, c: 3 });
  });
});
