import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  CircuitOpenError,
  ConfigurationError,
  ContentFilterError,
  ContextLengthError,
  FailoverError,
  RateLimitError,
  ServerError,
  TimeoutError,
  createClient,
  type Middleware,
} from '@lifeline/core';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fake, request } from '../test/fake-adapter.js';
import { shouldFailover } from './classify.js';
import { FAILOVER_CHANNEL, type FailoverEvent } from './events.js';
import { failover } from './failover.js';

afterEach(() => {
  vi.useRealTimers();
});

const down = (status = 503) => new ServerError(`Service unavailable (${status})`, { status, provider: 'primary' });

describe('failover() — chat', () => {
  it('serves from the primary when it answers: no failover, one attempt', async () => {
    const primary = fake({ name: 'primary' });
    const backup = fake({ name: 'backup' });
    const { response, meta } = await createClient({ use: [failover([primary, backup])] }).chat(request());
    expect(response.choices[0]?.message.content).toBe('Hello world');
    expect(meta).toMatchObject({ provider: 'primary', model: 'gpt-4.1', attempts: 1, failovers: 0 });
    expect(backup.calls).toHaveLength(0);
    expect(meta.hedges).toBeUndefined();
  });

  it('fails over on a 503 and says who served, with the fallback’s usage', async () => {
    const primary = fake({ name: 'primary', script: { error: down() } });
    const backup = fake({ name: 'backup', script: { usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } } });
    const { meta, response } = await createClient({ use: [failover([primary, backup])] }).chat(request());
    expect(response.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    expect(meta).toMatchObject({ provider: 'backup', model: 'gpt-4.1', attempts: 2, failovers: 1, usage: { total_tokens: 10 } });
    expect(meta.attemptLog.map((a) => [a.target, a.outcome, a.status, a.errorCode])).toEqual([
      ['primary', 'error', 503, 'server'],
      ['backup', 'ok', 200, undefined],
    ]);
    expect(meta.attemptLog[0]?.usage).toBeUndefined();
    expect(meta.attemptLog.every((a) => typeof a.latencyMs === 'number')).toBe(true);
  });

  it('publishes each move on the lifeline:failover channel', async () => {
    const events: FailoverEvent[] = [];
    const on = (e: unknown) => events.push(e as FailoverEvent);
    subscribe(FAILOVER_CHANNEL, on);
    const error = down();
    try {
      await createClient({ use: [failover([fake({ name: 'primary', script: { error } }), fake({ name: 'backup' })])] }).chat(request());
    } finally {
      unsubscribe(FAILOVER_CHANNEL, on);
    }
    expect(events.map((e) => [e.event, e.from, e.to, e.error])).toEqual([['failover', 'primary', 'backup', error]]);
  });

  it('swaps the model for a target, names it <adapter>:<model>, and never mutates the caller’s request', async () => {
    const relay = fake({ name: 'relay', script: { error: new RateLimitError('quota', { status: 429, retryable: false, provider: 'relay' }) } });
    const claude = fake({ name: 'anthropic', script: { error: new ServerError('overloaded', { status: 529, provider: 'anthropic' }) } });
    const gemini = fake({ name: 'gemini', script: { model: 'gemini-2.5-pro-002' } });
    const req = request('gpt-4.1');
    const frozen = structuredClone(req);
    const { meta } = await createClient({
      use: [failover([relay, { adapter: claude, model: 'claude-sonnet-4.5' }, { adapter: gemini, model: 'gemini-2.5-pro', name: 'google' }])],
    }).chat(req);
    expect(req).toEqual(frozen);
    expect(relay.calls[0]?.request.model).toBe('gpt-4.1');
    expect(claude.calls[0]?.request.model).toBe('claude-sonnet-4.5');
    expect(gemini.calls[0]?.request.model).toBe('gemini-2.5-pro');
    expect(meta).toMatchObject({ provider: 'google', model: 'gemini-2.5-pro-002', failovers: 2 });
    expect(meta.attemptLog.map((a) => `${a.target}/${a.model}`)).toEqual(['relay/gpt-4.1', 'anthropic:claude-sonnet-4.5/claude-sonnet-4.5', 'google/gemini-2.5-pro']);
  });

  it('names the target in the errors of a renamed target', async () => {
    const claude = fake({ name: 'anthropic', script: { error: new ServerError('overloaded', { status: 529, provider: 'anthropic' }) } });
    const err = (await createClient({ use: [failover([{ adapter: claude, model: 'claude-sonnet-4.5' }])] }).chat(request()).catch((e: unknown) => e)) as FailoverError;
    expect(err).toBeInstanceOf(FailoverError);
    expect((err.errors[0] as ServerError).provider).toBe('anthropic:claude-sonnet-4.5');
    expect(err.message).toBe('Every failover target failed (1): anthropic:claude-sonnet-4.5: server 529');
  });

  it.each([
    ['an AuthenticationError (a bad key at one provider)', new AuthenticationError('bad key', { status: 401 })],
    ['quota exhaustion (RateLimitError, not retryable)', new RateLimitError('insufficient_quota', { status: 429, retryable: false })],
    ['a 429 whose Retry-After exceeds the retry cap', new RateLimitError('slow down', { status: 429, retryAfterMs: 60_000 })],
    ['an open circuit', new CircuitOpenError('open', { retryAfterMs: 5_000 })],
    ['a timeout', new TimeoutError('slow', { kind: 'total', timeoutMs: 100 })],
    ['a 404 (the model does not exist there)', new BadRequestError('model not found', { status: 404 })],
    ['an unknown error from an adapter', new TypeError('fetch failed')],
  ])('fails over on %s', async (_, error) => {
    const backup = fake({ name: 'backup' });
    const { meta } = await createClient({ use: [failover([fake({ name: 'primary', script: { error } }), backup])] }).chat(request());
    expect(meta.provider).toBe('backup');
  });

  it.each([
    ['a 400', new BadRequestError('messages[0].role is invalid', { status: 400 })],
    ['a 422', new BadRequestError('unprocessable', { status: 422 })],
    ['a content filter (the provider’s reason is propagated)', new ContentFilterError('Your request was flagged by our safety system', { status: 400 })],
    ['an AbortError', new AbortError('stopped')],
  ])('does not fail over on %s: one attempt, the same error', async (_, error) => {
    const backup = fake({ name: 'backup' });
    const client = createClient({ use: [failover([fake({ name: 'primary', script: { error } }), backup])] });
    await expect(client.chat(request())).rejects.toBe(error);
    expect(backup.calls).toHaveLength(0);
  });

  it('failoverOn customises the decision (fail over on a content filter too)', async () => {
    const error = new ContentFilterError('flagged', { status: 400 });
    const { meta } = await createClient({
      use: [failover([fake({ name: 'primary', script: { error } }), fake({ name: 'backup' })], { failoverOn: (e, ctx) => e instanceof ContentFilterError || shouldFailover(e, ctx) })],
    }).chat(request());
    expect(meta.provider).toBe('backup');
  });

  it('reports a backup’s 400 after a primary outage as a FailoverError caused by the 400', async () => {
    const bad = new BadRequestError('temperature: must be <= 1', { status: 400, provider: 'backup' });
    const err = (await createClient({ use: [failover([fake({ name: 'primary', script: { error: down() } }), fake({ name: 'backup', script: { error: bad } }), fake({ name: 'third' })])] })
      .chat(request())
      .catch((e: unknown) => e)) as FailoverError;
    expect(err).toBeInstanceOf(FailoverError);
    expect(err.message).toBe('Failover stopped on an error that another target would not fix: primary: server 503; backup: bad_request 400');
    expect(err.cause).toBe(bad);
    expect(err.retryable).toBe(true);
  });

  it('throws FailoverError listing every target when all fail, the most telling error as cause', async () => {
    const e1 = new TimeoutError('no first token', { kind: 'firstToken', timeoutMs: 500, provider: 'a' });
    const e2 = new ServerError('bad gateway', { status: 502, provider: 'b' });
    const e3 = new CircuitOpenError('open', { provider: 'c', retryAfterMs: 1_000 });
    const client = createClient({ use: [failover([fake({ name: 'a', script: { error: e1 } }), fake({ name: 'b', script: { error: e2 } }), fake({ name: 'c', script: { error: e3 } })])] });
    const err = (await client.chat(request()).catch((e: unknown) => e)) as FailoverError;
    expect(err).toBeInstanceOf(FailoverError);
    expect(err.message).toBe('Every failover target failed (3): a: timeout (firstToken); b: server 502; c: circuit_open (retry after 1000 ms)');
    expect(err.errors).toEqual([e1, e2, e3]);
    expect(err.cause).toBe(e2);
    expect(err.status).toBe(502);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBeUndefined();
  });

  it('when every target is rate limited: retryAfterMs is the shortest hint, and that 429 is the cause', async () => {
    const a = new RateLimitError('slow down', { status: 429, retryAfterMs: 20_000 });
    const b = new RateLimitError('quota', { status: 429, retryAfterMs: 3_000, retryable: false });
    const err = (await createClient({ use: [failover([fake({ name: 'a', script: { error: a } }), fake({ name: 'b', script: { error: b } })])] })
      .chat(request())
      .catch((e: unknown) => e)) as FailoverError;
    expect(err.message).toBe('Every failover target failed (2): a: rate_limit 429 (retry after 20000 ms); b: rate_limit 429 (retry after 3000 ms)');
    expect(err.cause).toBe(b);
    expect(err.retryAfterMs).toBe(3_000);
    expect(err.status).toBe(429);
    expect(err.retryable).toBe(true);
  });

  it('isAvailable skips a target without a request, reported as skipped', async () => {
    const primary = fake({ name: 'primary' });
    const client = createClient({ use: [failover([primary, fake({ name: 'backup' })], { isAvailable: (t) => t.name !== 'primary' })] });
    const { meta } = await client.chat(request());
    expect(primary.calls).toHaveLength(0);
    expect(meta).toMatchObject({ provider: 'backup', attempts: 1 });
    const none = createClient({ use: [failover([primary], { isAvailable: () => false })] });
    const err = (await none.chat(request()).catch((e: unknown) => e)) as FailoverError;
    expect(err.message).toBe('Every failover target failed (1): primary: skipped (unavailable)');
    expect(err.cause).toBeInstanceOf(CircuitOpenError);
    expect((err.cause as Error).message).toBe('primary skipped: isAvailable() returned false');
  });

  it('stops at the caller’s abort and tries no other target', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const primary = fake({ name: 'primary', script: { hang: true } });
    const backup = fake({ name: 'backup' });
    // The client rejects an aborted call by itself: what failover itself did is read from a layer
    // outside it (how its promise settled) and from its events.
    let failoverSettled: unknown = 'pending';
    const outside: Middleware = async function outside(_ctx, next) {
      await next().then(
        () => (failoverSettled = 'answered'),
        (err: unknown) => {
          failoverSettled = err;
          throw err;
        },
      );
    };
    const events: FailoverEvent[] = [];
    const on = (e: unknown) => events.push(e as FailoverEvent);
    subscribe(FAILOVER_CHANNEL, on);
    try {
      // Even with a policy that fails over on every error, the caller's abort ends the walk.
      const p = createClient({ use: [outside, failover([primary, backup], { failoverOn: () => true })] })
        .chat(request(), { signal: controller.signal })
        .catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(10);
      controller.abort();
      const err = (await p) as AbortError;
      expect(err).toBeInstanceOf(AbortError);
      expect(err.message).toBe('The operation was aborted by the caller');
      await vi.advanceTimersByTimeAsync(0);
      expect(failoverSettled).toBeInstanceOf(AbortError);
      expect(primary.calls[0]?.call.signal?.aborted).toBe(true);
      expect(backup.calls).toHaveLength(0);
      expect(events).toEqual([]);
    } finally {
      unsubscribe(FAILOVER_CHANNEL, on);
    }
  });

  it('the call’s overall timeoutMs ends the call instead of failing over', async () => {
    vi.useFakeTimers();
    const backup = fake({ name: 'backup' });
    const p = createClient({ use: [failover([fake({ name: 'primary', script: { hang: true } }), backup])] })
      .chat(request(), { timeoutMs: 1_000 })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_000);
    const err = (await p) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.kind).toBe('overall');
    expect(backup.calls).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('validates its targets at setup', () => {
    expect(() => failover([])).toThrow(new ConfigurationError('failover: targets must be a non-empty array of adapters or { adapter, model?, weight?, maxContextTokens?, name? }, got an empty array'));
  });
});

describe('failover() — context length', () => {
  const overflow = (name: string) => new ContextLengthError(`This model's maximum context length is exceeded`, { status: 400, provider: name });

  it('routes to the next target whose maxContextTokens is larger, never the same model again', async () => {
    const small = fake({ name: 'small', script: { error: overflow('small') } });
    const sameModel = fake({ name: 'same' });
    const smaller = fake({ name: 'smaller' });
    const mid = fake({ name: 'mid', script: { error: overflow('mid') } });
    const big = fake({ name: 'big' });
    const { meta } = await createClient({
      use: [
        failover([
          { adapter: small, model: 'm-8k', maxContextTokens: 8_000 },
          { adapter: sameModel, model: 'm-8k', maxContextTokens: 200_000 },
          { adapter: smaller, model: 'm-4k', maxContextTokens: 4_000 },
          { adapter: mid, model: 'm-32k', maxContextTokens: 32_000 },
          { adapter: big, model: 'm-1m', maxContextTokens: 1_000_000 },
        ]),
      ],
    }).chat(request());
    expect([sameModel.calls.length, smaller.calls.length]).toEqual([0, 0]);
    expect(meta).toMatchObject({ provider: 'big:m-1m', model: 'm-1m', attempts: 3, failovers: 2 });
  });

  it('skips every target no bigger than the largest that overflowed, even one tried later', async () => {
    const a = fake({ name: 'a', script: { error: overflow('a') } });
    const c = fake({ name: 'c', script: { error: overflow('c') } });
    const same = fake({ name: 'same' });
    const d = fake({ name: 'd' });
    const e = fake({ name: 'e' });
    const { meta } = await createClient({
      use: [
        failover([
          { adapter: a, model: 'm-100k', maxContextTokens: 100_000 },
          { adapter: same, model: 'm-100k-b', maxContextTokens: 100_000 },
          { adapter: c, model: 'm-120k', maxContextTokens: 120_000 },
          { adapter: d, model: 'm-110k', maxContextTokens: 110_000 },
          { adapter: e, model: 'm-200k', maxContextTokens: 200_000 },
        ]),
      ],
    }).chat(request());
    expect([same.calls.length, d.calls.length]).toEqual([0, 0]);
    expect(meta.provider).toBe('e:m-200k');
  });

  it('after an overflow on a target of unknown size, tries the other models', async () => {
    const a = fake({ name: 'a', script: { error: overflow('a') } });
    const b = fake({ name: 'b' });
    const { meta } = await createClient({ use: [failover([{ adapter: a, model: 'm-a' }, { adapter: b, model: 'm-b' }])] }).chat(request());
    expect(meta.provider).toBe('b:m-b');
  });

  it('throws the ContextLengthError itself when no bigger target is left', async () => {
    const error = overflow('a');
    const client = createClient({ use: [failover([{ adapter: fake({ name: 'a', script: { error } }), maxContextTokens: 128_000 }, { adapter: fake({ name: 'b' }), maxContextTokens: 64_000 }])] });
    await expect(client.chat(request())).rejects.toBe(error);
  });
});
