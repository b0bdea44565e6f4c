import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Context } from './context.js';
import { AbortError } from './errors.js';

const request = { model: 'm', messages: [{ role: 'user' as const, content: 'x' }] };

describe('Context: lifecycle details', () => {
  it('is not streaming unless told, and has no reason or remaining time until it has cause to', () => {
    const ctx = new Context({ request });
    expect(ctx.streaming).toBe(false);
    expect(ctx.reason).toBeUndefined();
    expect(ctx.remainingMs()).toBeUndefined();
  });

  it("starts aborted, signal included, when the caller's signal already is", () => {
    const ctx = new Context({ request, signal: AbortSignal.abort('gone') });
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe('gone');
    expect(ctx.fork().aborted).toBe(true);
  });

  it('hands out one signal, and aborts with an AbortError by default', () => {
    const ctx = new Context({ request });
    expect(ctx.signal).toBe(ctx.signal);
    ctx.abort();
    expect(ctx.reason).toBeInstanceOf(AbortError);
    expect((ctx.reason as Error).message).toBe('The operation was aborted');
  });

  it("an onAbort disposer removes its own callback only, even when called twice", () => {
    const ctx = new Context({ request });
    const calls: string[] = [];
    const first = ctx.onAbort(() => calls.push('first'));
    ctx.onAbort(() => calls.push('second'));
    first();
    first();
    ctx.abort();
    expect(calls).toEqual(['second']);
  });

  it("adopting an outcome keeps this context's own attempt log", () => {
    const ctx = new Context({ request });
    ctx.meta.attemptLog.push({ target: 'a', model: 'm', startedAt: 0, outcome: 'ok' });
    const other = new Context({ request });
    other.meta.provider = 'b';
    ctx.adopt(other);
    expect(ctx.meta.attemptLog).toHaveLength(1);
    expect(ctx.meta.attempts).toBe(1);
    expect(ctx.meta.provider).toBe('b');
  });

  it("dispose() detaches from the caller's signal, and from a parent that already aborted", () => {
    const controller = new AbortController();
    const ctx = new Context({ request, signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    ctx.dispose();
    ctx.dispose();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const parent = new Context({ request });
    const child = parent.fork();
    parent.abort();
    expect(() => child.dispose()).not.toThrow();
  });
});
