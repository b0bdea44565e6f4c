import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chunk, fakeAdapter, textChunks } from '../test/fake-adapter.js';
import { createClient, DEADLINE_GRACE_MS } from './client.js';
import { AbortError, BadRequestError, ConfigurationError, ServerError, StreamInterruptedError, TimeoutError } from './errors.js';
import type { AttemptStartEvent } from './events.js';
import type { Middleware } from './middleware.js';
import type { ChatRequest } from './types.js';

const req: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

afterEach(() => {
  vi.useRealTimers();
});

describe('createClient().chat', () => {
  it('resolves with the adapter response and meta', async () => {
    const client = createClient({ adapter: fakeAdapter({ name: 'primary', text: 'yo' }) });
    const { response, meta } = await client.chat(req);
    expect(response.choices[0]?.message.content).toBe('yo');
    expect(meta.provider).toBe('primary');
    expect(meta.model).toBe('m');
    expect(meta.attempts).toBe(1);
    expect(meta.attemptLog[0]).toMatchObject({ target: 'primary', model: 'm', outcome: 'ok' });
    expect(meta.usage?.total_tokens).toBe(5);
    expect(meta.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('exposes options.metadata to every middleware as ctx.metadata', async () => {
    const seen: unknown[] = [];
    const spy: Middleware = async (ctx, next) => {
      seen.push(ctx.metadata.tenant);
      await next();
    };
    await createClient({ adapter: fakeAdapter(), use: [spy, spy] }).chat(req, { metadata: { tenant: 'acme' } });
    expect(seen).toEqual(['acme', 'acme']);
  });

  it('without adapter and without a middleware setting ctx.target fails with a ConfigurationError', async () => {
    const err = await createClient().chat(req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toMatch(/^No adapter to call: pass createClient\(\{ adapter \}\) or add a middleware that sets ctx\.target/);
  });

  it('uses ctx.target set by a middleware when there is no default adapter', async () => {
    const a = fakeAdapter({ name: 'chosen', text: 'from target' });
    const pick: Middleware = async (ctx, next) => {
      ctx.target = a;
      await next();
    };
    const { response, meta } = await createClient({ use: [pick] }).chat(req);
    expect(response.choices[0]?.message.content).toBe('from target');
    expect(meta.provider).toBe('chosen');
  });

  it('counts every attempt when a middleware calls next() again', async () => {
    const adapter = fakeAdapter({
      onCall: (_r, _c, n) => {
        if (n === 0) throw new ServerError('boom', { provider: 'fake', status: 500 });
      },
    });
    const again: Middleware = async (_ctx, next) => {
      await next().catch(() => next());
    };
    const { meta } = await createClient({ adapter, use: [again] }).chat(req);
    expect(meta.attempts).toBe(2);
    expect(meta.attemptLog.map((a) => [a.outcome, a.errorCode, a.status])).toEqual([
      ['error', 'server', 500],
      ['ok', undefined, undefined],
    ]);
  });

  it('the caller signal aborts the upstream call with an AbortError', async () => {
    let upstreamSignal: AbortSignal | undefined;
    const adapter = fakeAdapter({
      onCall: (_r, call) =>
        new Promise((_res, rej) => {
          upstreamSignal = call.signal;
          call.signal.addEventListener('abort', () => rej(new Error('socket destroyed')));
        }),
    });
    const controller = new AbortController();
    const pending = createClient({ adapter }).chat(req, { signal: controller.signal });
    await Promise.resolve();
    controller.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).message).toBe('The operation was aborted by the caller');
    expect(upstreamSignal?.aborted).toBe(true);
  });

  it('timeoutMs sets ctx.deadline and fails with TimeoutError(kind overall)', async () => {
    vi.useFakeTimers({ now: 10_000 });
    let deadline: number | undefined;
    const adapter = fakeAdapter({ onCall: () => new Promise(() => {}) });
    const peek: Middleware = async (ctx, next) => {
      deadline = ctx.deadline;
      await next();
    };
    const pending = createClient({ adapter, use: [peek] }).chat(req, { timeoutMs: 500 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    const err = await pending;
    expect(deadline).toBe(10_500);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).kind).toBe('overall');
    expect((err as Error).message).toBe('Request timed out after 500 ms (timeoutMs)');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears the overall timer when the call succeeds', async () => {
    vi.useFakeTimers();
    await createClient({ adapter: fakeAdapter() }).chat(req, { timeoutMs: 60_000 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects an invalid timeoutMs', async () => {
    await expect(createClient({ adapter: fakeAdapter() }).chat(req, { timeoutMs: -1 })).rejects.toThrow(
      new ConfigurationError('timeoutMs must be a positive number of milliseconds, got -1'),
    );
  });

  it('validates the request before any network call, naming the field', async () => {
    const adapter = fakeAdapter();
    const client = createClient({ adapter });
    const cases: Array<[unknown, string, string]> = [
      [{ messages: [] }, 'model', 'Invalid request: model must be a non-empty string, got undefined'],
      [{ model: 'm' }, 'messages', 'Invalid request: messages must be an array of messages, got undefined'],
      [{ model: 'm', messages: [] }, 'messages', 'Invalid request: messages must be a non-empty array, got an array'],
      [{ model: 'm', messages: [{ role: 'bot', content: 'x' }] }, 'messages[0].role', 'Invalid request: messages[0].role must be one of system, developer, user, assistant, tool, got "bot"'],
      [{ model: 'm', messages: [{ role: 'user', content: 42 }] }, 'messages[0].content', 'Invalid request: messages[0].content must be a string or an array of content parts, got number 42'],
      [{ model: 'm', messages: [{ role: 'tool', content: 'r' }] }, 'messages[0].tool_call_id', 'Invalid request: messages[0].tool_call_id must be a non-empty string, got undefined'],
      [{ ...req, temperature: 3 }, 'temperature', 'Invalid request: temperature must be a number between 0 and 2, got number 3'],
      [{ ...req, max_tokens: 0 }, 'max_tokens', 'Invalid request: max_tokens must be a positive integer, got number 0'],
      [{ ...req, stop: [1] }, 'stop', 'Invalid request: stop must be a string or an array of strings, got an array'],
      [{ ...req, tools: [{ type: 'function', function: {} }] }, 'tools[0].function.name', 'Invalid request: tools[0].function.name must be a non-empty string, got undefined'],
    ];
    for (const [bad, field, message] of cases) {
      const err = await client.chat(bad as ChatRequest).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as BadRequestError).field).toBe(field);
      expect((err as Error).message).toBe(message);
    }
    expect(adapter.calls).toHaveLength(0);
  });

  it('assembles a stream when a middleware left ctx.stream on a chat call', async () => {
    const adapter = fakeAdapter();
    const streamInstead: Middleware = async (ctx, next) => {
      await next();
      ctx.response = undefined;
      ctx.stream = (async function* () {
        yield* textChunks(['a', 'b']);
      })();
    };
    const { response } = await createClient({ adapter, use: [streamInstead] }).chat(req);
    expect(response.choices[0]?.message.content).toBe('ab');
  });

  it('publishes request and attempt events on diagnostics_channel', async () => {
    const events: string[] = [];
    const onReq = (m: unknown) => events.push(`request:${(m as { phase: string }).phase}`);
    const onAttempt = (m: unknown) => events.push(`attempt:${(m as { attempt: { outcome: string } }).attempt.outcome}`);
    subscribe('lifeline:request', onReq);
    subscribe('lifeline:attempt', onAttempt);
    try {
      await createClient({ adapter: fakeAdapter() }).chat(req);
    } finally {
      unsubscribe('lifeline:request', onReq);
      unsubscribe('lifeline:attempt', onAttempt);
    }
    expect(events).toEqual(['request:start', 'attempt:ok', 'request:end']);
  });

  it('publishes lifeline:attempt:start before the adapter is called; headers a subscriber adds are the attempt\'s call.headers', async () => {
    const seen: Array<{ outcome: string; calls: number }> = [];
    const adapter = fakeAdapter();
    const onStart = (m: unknown) => {
      const e = m as AttemptStartEvent;
      seen.push({ outcome: e.attempt.outcome, calls: adapter.calls.length });
      e.headers.traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    };
    subscribe('lifeline:attempt:start', onStart);
    try {
      await createClient({ adapter }).chat(req);
    } finally {
      unsubscribe('lifeline:attempt:start', onStart);
    }
    expect(seen).toEqual([{ outcome: 'pending', calls: 0 }]);
    expect(adapter.calls[0]?.call.headers).toEqual({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
  });

  it('sends no extra headers object when nobody listens to lifeline:attempt:start', async () => {
    const adapter = fakeAdapter();
    await createClient({ adapter }).chat(req);
    expect(adapter.calls[0]?.call.headers).toBeUndefined();
  });
});

describe('createClient().stream', () => {
  it('yields chunks and assembles content, finish reason and usage into result', async () => {
    const client = createClient({ adapter: fakeAdapter({ name: 'p' }) });
    const s = client.stream(req);
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta.content ?? '';
    const { response, meta } = await s.result;
    expect(text).toBe('Hello world');
    expect(response.choices[0]).toMatchObject({ message: { content: 'Hello world' }, finish_reason: 'stop' });
    expect(response.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    expect(meta).toMatchObject({ provider: 'p', attempts: 1, usage: { total_tokens: 5 } });
    expect(meta.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(meta.attemptLog[0]?.outcome).toBe('ok');
  });

  it('merges tool-call deltas by index', async () => {
    const chunks = [
      chunk({ role: 'assistant', content: null }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'put', arguments: '{"b"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: ':2}' } }] }),
      chunk({}, 'tool_calls'),
    ];
    const s = createClient({ adapter: fakeAdapter({ chunks }) }).stream(req);
    for await (const _ of s);
    const { response } = await s.result;
    expect(response.choices[0]?.finish_reason).toBe('tool_calls');
    expect(response.choices[0]?.message.content).toBeNull();
    expect(response.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"q":1}' } },
      { id: 'call_2', type: 'function', function: { name: 'put', arguments: '{"b":2}' } },
    ]);
  });

  it('sends stream: true upstream without mutating the caller request', async () => {
    const adapter = fakeAdapter();
    const s = createClient({ adapter }).stream(req);
    for await (const _ of s);
    expect(adapter.calls[0]?.request.stream).toBe(true);
    expect(req.stream).toBeUndefined();
  });

  it('breaking out early aborts the upstream request and settles result with AbortError', async () => {
    const adapter = fakeAdapter({ chunks: textChunks(['a', 'b', 'c', 'd']) });
    const s = createClient({ adapter }).stream(req);
    for await (const c of s) {
      if (c.choices[0]?.delta.content === 'a') break;
    }
    const err = await s.result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as Error).message).toBe('The stream was stopped before it ended (the consumer broke out or returned)');
    expect(adapter.calls[0]?.call.signal.aborted).toBe(true);
    expect(adapter.closed).toBe(1);
    expect(s.meta.attemptLog[0]).toMatchObject({ outcome: 'error', errorCode: 'abort' });
  });

  it('a stream that throws mid-way rejects both the iteration and result with the same error', async () => {
    const adapter = fakeAdapter();
    const cut: Middleware = async (ctx, next) => {
      await next();
      const inner = ctx.stream!;
      ctx.stream = (async function* () {
        for await (const c of inner) {
          yield c;
          if (c.choices[0]?.delta.content === 'Hello') throw new StreamInterruptedError('cut', { contentDelivered: true });
        }
      })();
    };
    const s = createClient({ adapter, use: [cut] }).stream(req);
    const got: string[] = [];
    const iterErr = await (async () => {
      for await (const c of s) got.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(got).toEqual(['', 'Hello']);
    expect(iterErr).toBeInstanceOf(StreamInterruptedError);
    await expect(s.result).rejects.toBe(iterErr);
  });

  it('an error before the stream opens rejects result even if nobody iterates (no unhandled rejection)', async () => {
    const adapter = fakeAdapter({ onCall: () => { throw new ServerError('down', { status: 503 }); } });
    const s = createClient({ adapter }).stream(req);
    await expect(s.result).rejects.toMatchObject({ name: 'ServerError', message: 'down', status: 503 });
  });

  it('a stream can be iterated only once', async () => {
    const s = createClient({ adapter: fakeAdapter() }).stream(req);
    for await (const _ of s);
    expect(() => s[Symbol.asyncIterator]()).toThrow(new ConfigurationError('A Lifeline stream can be iterated only once'));
  });

  it('abort() before iterating settles result and cancels upstream', async () => {
    const adapter = fakeAdapter({ stallAfter: 0 });
    const s = createClient({ adapter }).stream(req);
    s.abort();
    await expect(s.result).rejects.toBeInstanceOf(AbortError);
    // The result alone would settle from abort() itself; the request the adapter opened must see the abort.
    expect(adapter.calls).toHaveLength(1);
    expect(adapter.calls[0]?.call.signal.aborted).toBe(true);
  });

  it('validation errors are thrown synchronously by stream()', () => {
    const client = createClient({ adapter: fakeAdapter() });
    expect(() => client.stream({ model: '', messages: [] })).toThrow(BadRequestError);
  });

  it('replays ctx.response as chunks when a middleware answers a stream call with JSON', async () => {
    const fromCache: Middleware = async (ctx) => {
      ctx.response = { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'cached' }, finish_reason: 'stop' }] };
    };
    const s = createClient({ use: [fromCache] }).stream(req);
    const parts: string[] = [];
    for await (const c of s) if (c.choices[0]?.delta.content) parts.push(c.choices[0].delta.content);
    expect(parts).toEqual(['cached']);
    expect((await s.result).response.choices[0]?.message.content).toBe('cached');
  });
});

describe('overall deadline and fallbacks', () => {
  it('lets an in-pipeline fallback answer when timeoutMs fires', async () => {
    vi.useFakeTimers();
    const adapter = fakeAdapter({ onCall: (_r, call) => new Promise((_res, rej) => call.signal.addEventListener('abort', () => rej(call.signal.reason))) });
    const degrade: Middleware = async (ctx, next) => {
      try {
        await next();
      } catch (err) {
        if (!(err instanceof TimeoutError)) throw err;
        ctx.response = { id: 'd', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'stale but useful' }, finish_reason: 'stop' }] };
      }
    };
    const p = createClient({ adapter, use: [degrade] }).chat(req, { timeoutMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    const { response } = await p;
    expect(response.choices[0]?.message.content).toBe('stale but useful');
  });

  it('still fails at the deadline plus the grace period when the pipeline ignores the abort', async () => {
    vi.useFakeTimers();
    const adapter = fakeAdapter({ onCall: () => new Promise(() => {}) });
    const stuck: Middleware = async (_ctx, next) => {
      await next().catch(() => new Promise(() => {}));
    };
    const p = createClient({ adapter, use: [stuck] }).chat(req, { timeoutMs: 1_000 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_000 + DEADLINE_GRACE_MS);
    expect(await p).toBeInstanceOf(TimeoutError);
  });
});

describe('errors carry the call meta', () => {
  it('attaches meta (attempts, attempt log) to a failed call as a non-enumerable property', async () => {
    const { errorMeta } = await import('./client.js');
    const adapter = fakeAdapter({ name: 'down', onCall: () => { throw new ServerError('down', { status: 503, provider: 'down' }); } });
    const err = await createClient({ adapter }).chat(req).catch((e: unknown) => e);
    const meta = errorMeta(err);
    expect(meta?.attempts).toBe(1);
    expect(meta?.attemptLog[0]).toMatchObject({ target: 'down', outcome: 'error', errorCode: 'server', status: 503 });
    expect(Object.keys(err as object)).not.toContain('meta');
    expect(JSON.stringify(err)).not.toContain('attemptLog');
  });
});
