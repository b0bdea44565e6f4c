import { describe, expect, it } from 'vitest';
import { textResponse } from '../test/fake-adapter.js';
import type { Adapter, AdapterCall } from './adapter.js';
import { Context } from './context.js';
import { callCancellation } from './pipeline-call.js';
import { createTerminal } from './terminal.js';

const REQ = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

/** Runs the terminal over an adapter that hands its call to `see`. */
async function callOf(ctx: Context, see: (call: AdapterCall) => void = () => {}): Promise<AdapterCall> {
  let seen: AdapterCall | undefined;
  const adapter: Adapter = {
    name: 'a',
    kind: 'test',
    async chat(_request, call) {
      seen = call;
      see(call);
      return textResponse('ok');
    },
    stream: () => Promise.reject(new Error('unused')),
  };
  ctx.target = adapter;
  await createTerminal()(ctx);
  return seen!;
}

describe("the terminal's call", () => {
  it('offers the context as its cancellation without making the signal', async () => {
    const ctx = new Context({ request: REQ });
    let followed: unknown;
    const call = await callOf(ctx, (c) => (followed = callCancellation(c)));
    expect(followed).toBe(ctx);
    expect(call.cancellation).toBe(ctx);
    // The context's signal was never made: it is made now, already following the context.
    ctx.abort(new Error('later'));
    expect(call.signal.aborted).toBe(true);
    expect(call.signal.reason).toEqual(new Error('later'));
  });

  it('gives the context’s signal when read, which aborts with it', async () => {
    const ctx = new Context({ request: REQ });
    let signal: AbortSignal | undefined;
    let followed: unknown;
    await callOf(ctx, (c) => {
      signal = c.signal;
      followed = callCancellation(c);
    });
    expect(signal).toBe(ctx.signal);
    expect(followed).toBe(ctx);
    expect(signal!.aborted).toBe(false);
    ctx.abort();
    expect(signal!.aborted).toBe(true);
  });

  it('is copied with its signal by a spread or Object.assign, as a plain object would be', async () => {
    const ctx = new Context({ request: REQ });
    let spread: AdapterCall | undefined;
    let assigned: AdapterCall | undefined;
    let keys: string[] = [];
    await callOf(ctx, (c) => {
      spread = { ...c };
      assigned = Object.assign({}, c);
      keys = Object.keys(c);
    });
    expect(keys).toContain('signal');
    expect(spread!.signal).toBe(ctx.signal);
    expect(assigned!.signal).toBe(ctx.signal);
    expect(spread!.cancellation).toBe(ctx);
    // The copy's signal and cancellation are the same aborts: an adapter may follow either.
    expect(callCancellation(spread!)).toBe(ctx);
    ctx.abort(new Error('stop'));
    expect(spread!.signal.aborted).toBe(true);
    expect(spread!.signal.reason).toEqual(new Error('stop'));
  });

  it('follows an assigned signal instead of its context', async () => {
    const own = new AbortController();
    const ctx = new Context({ request: REQ });
    let followed: unknown = 'unset';
    const call = await callOf(ctx, (c) => {
      c.signal = own.signal;
      followed = callCancellation(c);
    });
    expect(followed).toBeUndefined();
    expect(call.signal).toBe(own.signal);
  });

  it('follows its context again when the assigned signal is the context’s own', async () => {
    const ctx = new Context({ request: REQ });
    let followed: unknown;
    await callOf(ctx, (c) => {
      c.signal = ctx.signal;
      followed = callCancellation(c);
    });
    expect(followed).toBe(ctx);
  });
});

describe('callCancellation of other calls', () => {
  const ctx = new Context({ request: REQ });
  it('is the cancellation when the call’s signal is its signal', () => {
    expect(callCancellation({ signal: ctx.signal, cancellation: ctx, metadata: {} })).toBe(ctx);
  });
  it('is undefined for another signal, or without a cancellation', () => {
    expect(callCancellation({ signal: new AbortController().signal, cancellation: ctx, metadata: {} })).toBeUndefined();
    expect(callCancellation({ signal: ctx.signal, metadata: {} })).toBeUndefined();
  });
});
