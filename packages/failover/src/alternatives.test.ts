/**
 * `ctx.state[ALTERNATIVES_LEFT]`: before each attempt, failover tells the layers below (retry) how
 * many other targets it will still try, so a silent target is left to failover instead of retried.
 */
import { ALTERNATIVES_LEFT, ContextLengthError, FailoverError, type Middleware, ServerError, alternativesLeft, createClient } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { drain, fake, request } from '../test/fake-adapter.js';
import { failover } from './failover.js';

const down = () => new ServerError('Service unavailable', { status: 503 });

/** Records, per attempt, the target and the alternatives left it was told about. */
function spy(): { seen: Array<[string | undefined, number]>; layer: Middleware } {
  const seen: Array<[string | undefined, number]> = [];
  return {
    seen,
    layer: async function spy(ctx, next) {
      seen.push([ctx.target?.name, alternativesLeft(ctx.state)]);
      await next();
    },
  };
}

describe('failover() — ALTERNATIVES_LEFT for the layers below', () => {
  it('each attempt is told how many other targets are still waiting; the caller’s context is left untouched', async () => {
    const below = spy();
    let outer: Record<string | symbol, unknown> | undefined;
    const above: Middleware = async function above(ctx, next) {
      await next().finally(() => (outer = ctx.state));
    };
    const targets = ['a', 'b', 'c'].map((name) => fake({ name, script: { error: down() } }));
    const err = await createClient({ use: [above, failover(targets), below.layer] }).chat(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FailoverError);
    expect((err as FailoverError).message).toBe('Every failover target failed (3): a: server 503; b: server 503; c: server 503');
    expect(below.seen).toEqual([['a', 2], ['b', 1], ['c', 0]]);
    expect(outer !== undefined && Object.hasOwn(outer, ALTERNATIVES_LEFT)).toBe(false);
  });

  it('a single target has no alternative', async () => {
    const below = spy();
    await createClient({ use: [failover([fake({ name: 'only' })]), below.layer] }).chat(request());
    expect(below.seen).toEqual([['only', 0]]);
  });

  it('targets isAvailable() rejects are not counted', async () => {
    const below = spy();
    const targets = [fake({ name: 'primary', script: { error: down() } }), fake({ name: 'drained' }), fake({ name: 'backup' })];
    const { meta } = await createClient({ use: [failover(targets, { isAvailable: (t) => t.name !== 'drained' }), below.layer] }).chat(request());
    expect(meta.provider).toBe('backup');
    expect(below.seen).toEqual([['primary', 1], ['backup', 0]]);
  });

  it('after a context overflow, targets too small for the prompt no longer count', async () => {
    const below = spy();
    const overflow = new ContextLengthError('This model’s maximum context length is 128000 tokens', { status: 400 });
    const small = fake({ name: 'small', script: (r) => (r.model === 'gpt-4.1-mini' ? { error: overflow } : {}) });
    const targets = [
      { adapter: small, model: 'gpt-4.1-mini', maxContextTokens: 128_000 },
      { adapter: small, model: 'gpt-4.1', maxContextTokens: 1_047_576 },
      // Same model as the one that overflowed: never tried, so not an alternative for gpt-4.1 either.
      { adapter: fake({ name: 'eu' }), model: 'gpt-4.1-mini', maxContextTokens: 128_000 },
    ];
    const { meta } = await createClient({ use: [failover(targets), below.layer] }).chat(request('gpt-4.1-mini'));
    expect(meta.provider).toBe('small:gpt-4.1');
    expect(below.seen).toEqual([['small:gpt-4.1-mini', 2], ['small:gpt-4.1', 0]]);
  });

  it("mid-stream 'continue' counts every target not tried yet: each continues by prefill or by regeneration", async () => {
    const below = spy();
    const cut = new ServerError('stream cut', { status: 502 });
    const targets = [
      fake({ name: 'primary', script: { text: 'One two three', afterChunks: 1, error: cut } }),
      fake({ name: 'openai-backup', script: { error: down() } }),
      fake({ name: 'claude-eu', prefill: true, script: { error: down() } }),
      fake({ name: 'claude-us', prefill: true, script: { text: ' two three' } }),
    ];
    const s = createClient({ use: [failover(targets, { midStream: 'continue' }), below.layer] }).stream(request());
    const { text, error } = await drain(s);
    expect(error).toBeUndefined();
    expect(text).toBe('One two three');
    expect(below.seen).toEqual([['primary', 3], ['openai-backup', 2], ['claude-eu', 1], ['claude-us', 0]]);
  });
});
