import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { fakeAdapter } from '../test/fake-adapter.js';
import { createClient } from './client.js';
import { AbortError, AuthenticationError, BadRequestError, FailoverError, ServerError, StreamInterruptedError } from './errors.js';
import { DEFAULT_FALLBACK_CONTENT, fallbackResponse } from './fallback-response.js';
import type { Middleware } from './middleware.js';

const req = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };
const failing = (err: unknown) => fakeAdapter({ onCall: () => { throw err; } });

describe('fallbackResponse()', () => {
  it('answers an outage with an explicit degraded answer, flagged in meta', async () => {
    const events: unknown[] = [];
    const on = (m: unknown) => events.push(m);
    subscribe('lifeline:fallback', on);
    try {
      const { response, meta } = await createClient({ adapter: failing(new ServerError('down', { status: 503 })), use: [fallbackResponse()] }).chat(req);
      expect(response.choices[0]?.message.content).toBe(DEFAULT_FALLBACK_CONTENT);
      expect(response.lifeline).toEqual({ degraded: true });
      expect(meta).toMatchObject({ degraded: true, provider: 'fallback', model: 'm', costUsd: 0, attempts: 1 });
    } finally {
      unsubscribe('lifeline:fallback', on);
    }
    expect(events).toHaveLength(1);
  });

  it('degrades when every failover target failed, with custom content', async () => {
    const err = new FailoverError('all failed', { errors: [] });
    const { response } = await createClient({
      adapter: failing(err),
      use: [fallbackResponse({ content: (ctx, e) => `busy (${(e as Error).name}) for ${ctx.request.model}` })],
    }).chat(req);
    expect(response.choices[0]?.message.content).toBe('busy (FailoverError) for m');
  });

  it("lets the caller's own mistakes and aborts through", async () => {
    for (const err of [new BadRequestError('bad field'), new AuthenticationError('bad key'), new AbortError('stop')]) {
      const got = await createClient({ adapter: failing(err), use: [fallbackResponse()] }).chat(req).catch((e: unknown) => e);
      expect(got).toBe(err);
    }
  });

  it('honours a custom when()', async () => {
    const err = new BadRequestError('bad');
    const { meta } = await createClient({ adapter: failing(err), use: [fallbackResponse({ when: () => true })] }).chat(req);
    expect(meta.degraded).toBe(true);
  });

  it('degrades a stream that fails before its first content token', async () => {
    const beforeContent: Middleware = async (ctx, next) => {
      await next();
      ctx.stream = (async function* () {
        throw new ServerError('in-band overloaded', { status: 529 });
      })();
    };
    const s = createClient({ adapter: fakeAdapter(), use: [fallbackResponse({ content: 'later please' }), beforeContent] }).stream(req);
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('later please');
    expect((await s.result).meta.degraded).toBe(true);
  });

  it('keeps the error of a stream that breaks after content (no repaired truncation)', async () => {
    const afterContent: Middleware = async (ctx, next) => {
      await next();
      const inner = ctx.stream!;
      ctx.stream = (async function* () {
        for await (const c of inner) {
          yield c;
          if (c.choices[0]?.delta.content) throw new StreamInterruptedError('cut', { contentDelivered: true });
        }
      })();
    };
    const s = createClient({ adapter: fakeAdapter(), use: [fallbackResponse(), afterContent] }).stream(req);
    const err = await (async () => { for await (const _ of s); })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(s.meta.degraded).toBeUndefined();
  });
});
