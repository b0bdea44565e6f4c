import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Context } from '@lifeline/core';
import { UpstreamAbort } from './upstream-abort.js';

const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('UpstreamAbort', () => {
  it("aborts undici's listener once, with the caller's reason, and stops following the signal", () => {
    const caller = new AbortController();
    const abort = new UpstreamAbort(caller.signal);
    const calls: unknown[] = [];
    abort.addEventListener('abort', () => calls.push(abort.reason));
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    caller.abort('stop');
    abort.timeout('late');
    expect(calls).toEqual(['stop']);
    expect(abort.timedOut).toBe(false);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('reports a headers timeout as such', () => {
    const abort = new UpstreamAbort(undefined);
    let fired = 0;
    abort.addEventListener('abort', () => fired++);
    abort.timeout('headers');
    expect({ fired, timedOut: abort.timedOut, reason: abort.reason }).toEqual({ fired: 1, timedOut: true, reason: 'headers' });
  });

  it('calls a listener registered after the abort at once', () => {
    const ctx = new Context({ request });
    const abort = new UpstreamAbort(ctx);
    ctx.abort('gone');
    let fired = 0;
    abort.addEventListener('abort', () => fired++);
    expect(fired).toBe(1);
    expect(abort.reason).toBe('gone');
  });

  it("follows a context's cancellation through onAbort and unregisters when undici removes its listener", () => {
    const ctx = new Context({ request });
    const abort = new UpstreamAbort(ctx);
    const listener = () => {};
    abort.addEventListener('abort', listener);
    abort.removeEventListener('abort', listener);
    ctx.abort('after');
    expect(abort.reason).toBeUndefined();
  });
});
