import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chunk, fakeAdapter, textChunks, textResponse } from '../test/fake-adapter.js';
import { fakeEmbedder } from '../test/fake-embedder.js';
import type { AdapterCall } from './adapter.js';
import type { Clock } from './clock.js';
import { Context } from './context.js';
import { AbortError, ConfigurationError, LifelineError, RateLimitError, ServerError } from './errors.js';
import type { AttemptRecord } from './meta.js';
import { createTerminal } from './terminal.js';
import { NO_EMBEDDINGS_API } from './terminal-embed.js';
import type { ChatChunk, ChatRequest } from './types.js';

const req: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

/** A clock that moves only when told to. */
function manualClock(start = 1_000): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, setTimeout: () => undefined, clearTimeout: () => undefined, advance: (ms) => (now += ms) };
}

const make = (clock: Clock, init: Partial<ConstructorParameters<typeof Context>[0]> = {}) => new Context({ request: req, clock, ...init });

/** Collects what is published on `lifeline:attempt` while it runs. */
const attempts: Array<{ ctx: Context; attempt: AttemptRecord; error?: unknown }> = [];
const onAttempt = (message: unknown) => attempts.push(message as (typeof attempts)[number]);
beforeAll(() => subscribe('lifeline:attempt', onAttempt));
afterAll(() => unsubscribe('lifeline:attempt', onAttempt));
afterEach(() => {
  attempts.length = 0;
});

async function drain(stream: AsyncIterable<ChatChunk>): Promise<void> {
  for await (const _ of stream);
}

describe('createTerminal(): chat attempts', () => {
  it('fails without a context', async () => {
    await expect(createTerminal(fakeAdapter())()).rejects.toThrow(new ConfigurationError('terminal: called without a context'));
  });

  it('refuses an aborted context before any request, blaming the target', async () => {
    const adapter = fakeAdapter({ name: 'primary' });
    const ctx = make(manualClock());
    ctx.abort('stop');
    const error = await createTerminal(adapter)(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).provider).toBe('primary');
    expect(adapter.calls).toHaveLength(0);
    expect(ctx.meta.attemptLog).toHaveLength(0);
  });

  it('records the latency, usage, status and request id, and publishes the attempt', async () => {
    const clock = manualClock();
    const adapter = fakeAdapter({
      name: 'primary',
      onCall: (_r, call: AdapterCall) => {
        clock.advance(250);
        call.onResponse?.({ status: 200, requestId: 'req_1', rateLimit: { remainingRequests: 9 } });
        return { ...textResponse('yo'), model: 'm-2025' };
      },
    });
    const ctx = make(clock);
    await createTerminal(adapter)(ctx);
    const record = ctx.meta.attemptLog[0]!;
    expect(record).toEqual({ target: 'primary', model: 'm', startedAt: 1_000, outcome: 'ok', latencyMs: 250, status: 200, requestId: 'req_1', usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
    expect(ctx.meta).toMatchObject({ provider: 'primary', model: 'm-2025', requestId: 'req_1', rateLimit: { remainingRequests: 9 }, attempts: 1 });
    expect(attempts).toEqual([{ ctx, attempt: record }]);
  });

  it('leaves out what the answer did not carry: no usage, request id or rate limit; the model asked for when none is named', async () => {
    const adapter = fakeAdapter({
      onCall: (_r, call) => {
        call.onResponse?.({ status: 200 });
        const { usage: _, ...bare } = textResponse('yo');
        return { ...bare, model: '' };
      },
    });
    const ctx = make(manualClock());
    ctx.meta.rateLimit = { remainingRequests: 1 };
    await createTerminal(adapter)(ctx);
    const record = ctx.meta.attemptLog[0]!;
    expect(Object.keys(record).sort()).toEqual(['latencyMs', 'model', 'outcome', 'startedAt', 'status', 'target']);
    expect(ctx.meta.model).toBe('m');
    expect(ctx.meta.rateLimit).toEqual({ remainingRequests: 1 });
    expect('requestId' in ctx.meta).toBe(false);
  });

  it('records a failure: its code, status, message and latency, and publishes it with the error', async () => {
    const clock = manualClock();
    const failure = new RateLimitError('slow down', { provider: 'primary', status: 429 });
    const adapter = fakeAdapter({
      name: 'primary',
      onCall: () => {
        clock.advance(40);
        throw failure;
      },
    });
    const ctx = make(clock);
    await expect(createTerminal(adapter)(ctx)).rejects.toBe(failure);
    const record = ctx.meta.attemptLog[0]!;
    expect(record).toEqual({ target: 'primary', model: 'm', startedAt: 1_000, outcome: 'error', latencyMs: 40, status: 429, errorCode: 'rate_limit', errorMessage: 'slow down' });
    expect(attempts).toEqual([{ ctx, attempt: record, error: failure }]);
  });

  it("records a foreign error as 'unknown' and passes it on as is", async () => {
    for (const thrown of [new TypeError('fetch failed'), 'a string']) {
      const ctx = make(manualClock());
      const error = await createTerminal(fakeAdapter({ onCall: () => Promise.reject(thrown) }))(ctx).catch((e: unknown) => e);
      expect(error).toBe(thrown);
      expect(ctx.meta.attemptLog[0]).toMatchObject({ outcome: 'error', errorCode: 'unknown', errorMessage: String(thrown instanceof Error ? thrown.message : thrown) });
      expect('status' in ctx.meta.attemptLog[0]!).toBe(false);
    }
  });

  it('keeps the status the response reported when the error has none', async () => {
    const ctx = make(manualClock());
    const adapter = fakeAdapter({
      onCall: (_r, call) => {
        call.onResponse?.({ status: 502 });
        throw new ServerError('bad gateway body');
      },
    });
    await expect(createTerminal(adapter)(ctx)).rejects.toThrow('bad gateway body');
    expect(ctx.meta.attemptLog[0]!.status).toBe(502);
  });

  it('turns a foreign error into the abort reason, naming the target, when the call was aborted meanwhile', async () => {
    const ctx = make(manualClock());
    const adapter = { ...fakeAdapter({ name: 'primary' }), chat: () => {
      ctx.abort('stop');
      throw new TypeError('aborted');
    } };
    const error = await createTerminal(adapter)(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as LifelineError).provider).toBe('primary');
    expect(ctx.meta.attemptLog[0]).toMatchObject({ outcome: 'error', errorCode: 'abort' });
  });
});

describe('createTerminal(): stream attempts', () => {
  it('records the time to the first content chunk (not the role chunk), the latency, the last usage and the model streamed', async () => {
    const clock = manualClock();
    const chunks = textChunks(['Hel', 'lo']).map((c) => ({ ...c, model: 'm-2025' }));
    const ctx = make(clock, { streaming: true });
    await createTerminal(fakeAdapter({ name: 'primary', chunks }))(ctx);
    expect(ctx.meta).toMatchObject({ provider: 'primary', model: 'm' });
    const seen: string[] = [];
    for await (const c of ctx.stream!) {
      seen.push(c.choices[0]?.delta.content ?? '');
      clock.advance(10);
    }
    expect(seen).toEqual(['', 'Hel', 'lo', '', '']);
    const record = ctx.meta.attemptLog[0]!;
    expect(record).toMatchObject({ outcome: 'ok', timeToFirstTokenMs: 10, latencyMs: 50, usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
    expect(ctx.meta.model).toBe('m-2025');
    expect(attempts).toEqual([{ ctx, attempt: record }]);
  });

  it('keeps the first usage it saw when later chunks carry none, and the model when a chunk names none', async () => {
    const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
    const chunks: ChatChunk[] = [chunk({ content: 'a' }, null, { usage }), chunk({}, 'stop', { model: '' })];
    const ctx = make(manualClock(), { streaming: true });
    await createTerminal(fakeAdapter({ chunks }))(ctx);
    await drain(ctx.stream!);
    expect(ctx.meta.attemptLog[0]!.usage).toEqual(usage);
    expect(ctx.meta.model).toBe('m');
    expect('timeToFirstTokenMs' in ctx.meta.attemptLog[0]!).toBe(true);
  });

  it('records no time to first token for a stream without content', async () => {
    const ctx = make(manualClock(), { streaming: true });
    await createTerminal(fakeAdapter({ chunks: [chunk({ role: 'assistant', content: '' }), chunk({}, 'stop')] }))(ctx);
    await drain(ctx.stream!);
    expect(ctx.meta.attemptLog[0]).not.toHaveProperty('timeToFirstTokenMs');
    expect(ctx.meta.attemptLog[0]!.outcome).toBe('ok');
  });

  it('records a stream that fails midway and publishes it with the error', async () => {
    const clock = manualClock();
    const failure = new ServerError('upstream reset', { provider: 'primary' });
    const adapter = {
      ...fakeAdapter({ name: 'primary' }),
      stream: async () =>
        (async function* () {
          yield chunk({ content: 'a' });
          clock.advance(30);
          throw failure;
        })(),
    };
    const ctx = make(clock, { streaming: true });
    await createTerminal(adapter)(ctx);
    await expect(drain(ctx.stream!)).rejects.toBe(failure);
    const record = ctx.meta.attemptLog[0]!;
    expect(record).toMatchObject({ outcome: 'error', errorCode: 'server', latencyMs: 30, errorMessage: 'upstream reset' });
    expect(attempts).toEqual([{ ctx, attempt: record, error: failure }]);
  });

  it('turns a foreign error after an abort into the abort reason naming the target', async () => {
    const ctx = make(manualClock(), { streaming: true });
    const adapter = {
      ...fakeAdapter({ name: 'primary' }),
      stream: async () =>
        (async function* () {
          yield chunk({ content: 'a' });
          ctx.abort('stop');
          throw new TypeError('terminated');
        })(),
    };
    await createTerminal(adapter)(ctx);
    const error = await drain(ctx.stream!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).provider).toBe('primary');
  });

  it("records a consumer that stopped early as an 'abort'", async () => {
    const clock = manualClock();
    const ctx = make(clock, { streaming: true });
    await createTerminal(fakeAdapter())(ctx);
    for await (const _ of ctx.stream!) {
      clock.advance(5);
      break;
    }
    expect(ctx.meta.attemptLog[0]).toMatchObject({ outcome: 'error', errorCode: 'abort', latencyMs: 5 });
  });
});

describe('createTerminal(): embed attempts', () => {
  const embedReq = { model: 'e', input: ['a', 'b'] };
  const embedCtx = (clock: Clock) => new Context({ request: embedReq as unknown as ChatRequest, operation: 'embed', clock });

  it('records latency and usage, names the model answered, and publishes the attempt', async () => {
    const clock = manualClock();
    const embedder = fakeEmbedder({
      name: 'emb',
      onEmbed: (r) => {
        clock.advance(12);
        return { object: 'list', model: '', data: [0, 1].map((index) => ({ object: 'embedding' as const, index, embedding: [index] })), usage: { prompt_tokens: 4, total_tokens: 4 } };
      },
    });
    const ctx = embedCtx(clock);
    await createTerminal(embedder)(ctx);
    const record = ctx.meta.attemptLog[0]!;
    expect(record).toEqual({ target: 'emb', model: 'e', startedAt: 1_000, outcome: 'ok', latencyMs: 12, usage: { prompt_tokens: 4, completion_tokens: 0, total_tokens: 4 } });
    expect(ctx.meta.model).toBe('e');
    expect(attempts).toEqual([{ ctx, attempt: record }]);
  });

  it('estimates usage when the provider reports none or null', async () => {
    for (const usage of [undefined, null, { total_tokens: 3 }]) {
      const embedder = fakeEmbedder({ onEmbed: (r) => ({ object: 'list', model: 'e', data: [0, 1].map((index) => ({ object: 'embedding' as const, index, embedding: [1] })), usage: usage as never }) });
      const ctx = embedCtx(manualClock());
      await createTerminal(embedder)(ctx);
      expect(ctx.meta.attemptLog[0]!.usage).toMatchObject({ completion_tokens: 0, estimated: true });
    }
  });

  it('fails with a ServerError when the answer does not hold one vector per item', async () => {
    const cases: Array<[unknown, string]> = [
      [null, 'emb: embedding answer has no data array for 2 input items'],
      [{ data: 'x' }, 'emb: embedding answer has no data array for 2 input items'],
      [{ data: [{ embedding: [1] }] }, 'emb: embedding answer has 1 vectors for 2 input items'],
    ];
    for (const [answer, message] of cases) {
      const ctx = embedCtx(manualClock());
      const embedder = { ...fakeEmbedder({ name: 'emb' }), embed: async () => answer as never };
      const error = await createTerminal(embedder)(ctx).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServerError);
      expect((error as ServerError).message).toBe(message);
      expect(attempts.at(-1)).toEqual({ ctx, attempt: ctx.meta.attemptLog[0], error });
    }
    const one = new Context({ request: { model: 'e', input: 'a' } as unknown as ChatRequest, operation: 'embed', clock: manualClock() });
    const error = await createTerminal(fakeEmbedder({ name: 'emb', onEmbed: () => ({ data: [] }) as never }))(one).catch((e: unknown) => e);
    expect((error as Error).message).toBe('emb: embedding answer has 0 vectors for 1 input item');
  });

  it('refuses a target without an embeddings API, naming it', async () => {
    const error = await createTerminal(fakeAdapter({ name: 'chatty' }))(embedCtx(manualClock())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).provider).toBe('chatty');
    expect((error as ConfigurationError).providerCode).toBe(NO_EMBEDDINGS_API);
    expect(NO_EMBEDDINGS_API).toBe('no_embeddings_api');
  });
});
