import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chunk, fakeAdapter, textChunks } from '../test/fake-adapter.js';
import { fakeEmbedder } from '../test/fake-embedder.js';
import type { Clock } from './clock.js';
import { createClient } from './client.js';
import { compose } from './compose.js';
import type { Context } from './context.js';
import { embeddingItems, embeddingWidth, encodeEmbedding, isBatchInput, isEmbeddingRequest, requestForItems } from './embedding.js';
import { AbortError, BudgetExceededError, ConfigurationError, ServerError } from './errors.js';
import { DEFAULT_FALLBACK_CONTENT, fallbackResponse, isOutage } from './fallback-response.js';
import type { Middleware } from './middleware.js';
import { isPrimed, primeStream } from './prime.js';
import { redactSecrets } from './redact.js';
import { ALTERNATIVES_LEFT, alternativesLeft } from './state-keys.js';
import type { ChatChunk } from './types.js';

const req = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

afterEach(() => {
  vi.useRealTimers();
});

describe('alternativesLeft()', () => {
  it('reads the number failover left in the state, 0 otherwise', () => {
    expect(alternativesLeft({ [ALTERNATIVES_LEFT]: 2 })).toBe(2);
    expect(alternativesLeft({ [ALTERNATIVES_LEFT]: '2' })).toBe(0);
    expect(alternativesLeft({})).toBe(0);
    expect(ALTERNATIVES_LEFT).toBe(Symbol.for('lifeline.state.alternativesLeft'));
  });
});

describe('redactSecrets(): exact output', () => {
  it('keeps the Bearer prefix, whitespace included, and the query key', () => {
    expect(redactSecrets('Authorization: Bearer  abcdef123456')).toBe('Authorization: Bearer  [redacted]');
    expect(redactSecrets('GET /v1?key=AIzaSecretValue&x=1')).toBe('GET /v1?key=[redacted]&x=1');
    expect(redactSecrets('key sk-abcdef123 used')).toBe('key [redacted] used');
    expect(redactSecrets('no secrets in Bearer x here')).toBe('no secrets in Bearer x here');
    expect(redactSecrets('Stryker was here')).toBe('Stryker was here');
  });
});

describe('embedding helpers', () => {
  it('isBatchInput: a non-empty array of texts or token arrays', () => {
    expect(isBatchInput([])).toBe(false);
    expect(isBatchInput(['a'])).toBe(true);
    expect(isBatchInput([[1]])).toBe(true);
    expect(isBatchInput([1, 2])).toBe(false);
  });

  it('embeddingItems: one item per vector', () => {
    expect(embeddingItems('hi')).toEqual(['hi']);
    expect(embeddingItems([1, 2])).toEqual([[1, 2]]);
    expect(embeddingItems(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('requestForItems keeps a single text a single text, and makes several items a batch', () => {
    expect(requestForItems({ model: 'e', input: 'a' }, ['a'])).toEqual({ model: 'e', input: 'a' });
    expect(requestForItems({ model: 'e', input: [1, 2] }, [[1, 2]])).toEqual({ model: 'e', input: [1, 2] });
    expect(requestForItems({ model: 'e', input: ['a', 'b', 'c'] }, ['b'])).toEqual({ model: 'e', input: ['b'] });
    expect(requestForItems({ model: 'e', input: 'a' }, ['a', 'b'])).toEqual({ model: 'e', input: ['a', 'b'] });
  });

  it('isEmbeddingRequest: an object with input and without messages', () => {
    expect(isEmbeddingRequest({ model: 'e', input: 'a' })).toBe(true);
    expect(isEmbeddingRequest({ model: 'e', input: 'a', messages: [] })).toBe(false);
    expect(isEmbeddingRequest({ model: 'e', input: 'a', '': 1 })).toBe(true);
    expect(isEmbeddingRequest('input')).toBe(false);
    expect(isEmbeddingRequest(null)).toBe(false);
  });

  it('embeddingWidth counts base64 padding at the end only', () => {
    for (const n of [1, 2, 3, 5]) expect(embeddingWidth(encodeEmbedding(Array.from({ length: n }, () => 0.25)))).toBe(n);
    expect(embeddingWidth('==AAAAAAAAAA')).toBe(2);
    expect(embeddingWidth('=AAAAAAAAAA')).toBe(2);
  });
});

describe('primeStream(): edges', () => {
  async function* from(chunks: ChatChunk[]) {
    yield* chunks;
  }

  it('primes a stream that ends without content, and replays it to its end', async () => {
    const chunks = [chunk({ role: 'assistant', content: '' }), chunk({}, 'stop')];
    const primed = await primeStream(from(chunks));
    expect(primed.head).toEqual(chunks);
    const seen: ChatChunk[] = [];
    for await (const c of primed) seen.push(c);
    expect(seen).toEqual(chunks);
  });

  it('works on iterators without return(), failing or stopped early', async () => {
    const bare = (chunks: ChatChunk[], failAt?: number): AsyncIterable<ChatChunk> => ({
      [Symbol.asyncIterator]: () => {
        let i = 0;
        return {
          next: async () => {
            if (i === failAt) throw new ServerError('broke');
            return i < chunks.length ? { value: chunks[i++]!, done: false } : { value: undefined, done: true };
          },
        };
      },
    });
    await expect(primeStream(bare(textChunks(['a']), 0))).rejects.toThrow('broke');
    const primed = await primeStream(bare(textChunks(['a', 'b', 'c'])));
    for await (const _ of primed) break;
    const whole = await primeStream(bare(textChunks(['a'])));
    let n = 0;
    for await (const _ of whole) n++;
    expect(n).toBe(4);
  });

  it('does not close a source it read to the end', async () => {
    let returns = 0;
    const chunks = textChunks(['a']);
    const source: AsyncIterable<ChatChunk> = {
      [Symbol.asyncIterator]: () => {
        let i = 0;
        return {
          next: async () => (i < chunks.length ? { value: chunks[i++]!, done: false } : { value: undefined, done: true }),
          return: async () => {
            returns++;
            return { value: undefined, done: true };
          },
        };
      },
    };
    for await (const _ of await primeStream(source));
    expect(returns).toBe(0);
  });

  it('recognises a primed stream by a registry symbol, across copies of the library', async () => {
    const primed = await primeStream(from(textChunks(['a'])));
    expect(Object.getOwnPropertySymbols(primed)).toContain(Symbol.for('lifeline.primedStream'));
    expect(isPrimed({ [Symbol.for('lifeline.primedStream')]: true, [Symbol.asyncIterator]: from([])[Symbol.asyncIterator] } as never)).toBe(true);
  });
});

describe('compose(): details', () => {
  it("describes a null entry, and names an anonymous middleware's late next()", async () => {
    expect(() => compose([null as never])).toThrow(new ConfigurationError('compose: middleware[0] must be a function (ctx, next) => Promise<void>, got null'));
    let late: (() => Promise<void>) | undefined;
    const layers: Middleware[] = [
      (_ctx, next) => {
        late = next;
        return Promise.resolve();
      },
    ];
    Object.defineProperty(layers[0], 'name', { value: '' });
    await compose(layers)({} as Context, async () => {});
    await expect(late!()).rejects.toThrow(new ConfigurationError('next() called after middleware #0 (anonymous) had settled — missing await?'));
  });

  it('keeps the list it was given at creation', async () => {
    const seen: string[] = [];
    const layers: Middleware[] = [async (_c, next) => { seen.push('a'); await next(); }];
    const composed = compose(layers);
    layers.push(async () => { seen.push('added later'); });
    await composed({} as Context, async () => {});
    expect(seen).toEqual(['a']);
  });

  it('rejects a late next() after a middleware that threw synchronously or rejected', async () => {
    for (const fail of ['sync', 'async'] as const) {
      let late: (() => Promise<void>) | undefined;
      const layer: Middleware = function failing(_ctx, next) {
        late = next;
        if (fail === 'sync') throw new Error('boom');
        return Promise.reject(new Error('boom'));
      };
      await expect(compose([layer])({} as Context, async () => {})).rejects.toThrow('boom');
      await expect(late!()).rejects.toThrow('next() called after middleware #0 (failing) had settled — missing await?');
    }
  });

  it('ends the onion with a resolved promise when no terminal is given', async () => {
    const inner: Middleware = (_ctx, next) => next();
    const composed = compose([inner]) as unknown as (ctx: Context) => Promise<void>;
    await expect(composed({} as Context)).resolves.toBeUndefined();
  });
});

describe('fallbackResponse(): details', () => {
  it('never degrades an abort or a budget refusal', () => {
    expect(isOutage(new AbortError('x'))).toBe(false);
    expect(isOutage(new BudgetExceededError('x'))).toBe(false);
    expect(isOutage(new ServerError('x'))).toBe(true);
  });

  it('makes a complete degraded answer, stamped with the client clock, and publishes the error', async () => {
    const clock: Clock = { now: () => 1_700_000_123_456, setTimeout: () => undefined, clearTimeout: () => undefined };
    const failure = new ServerError('down', { status: 503 });
    const events: unknown[] = [];
    const on = (m: unknown) => events.push(m);
    subscribe('lifeline:fallback', on);
    try {
      const { response } = await createClient({ adapter: fakeAdapter({ onCall: () => Promise.reject(failure) }), use: [fallbackResponse()], clock }).chat(req);
      expect(response).toStrictEqual({
        id: `degraded-${(1_700_000_123_456).toString(36)}`,
        object: 'chat.completion',
        created: 1_700_000_123,
        model: 'm',
        choices: [{ index: 0, message: { role: 'assistant', content: DEFAULT_FALLBACK_CONTENT }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
        lifeline: { degraded: true },
      });
      expect(events).toEqual([{ ctx: expect.anything(), error: failure }]);
    } finally {
      unsubscribe('lifeline:fallback', on);
    }
    expect(DEFAULT_FALLBACK_CONTENT).toBe("I'm sorry — I can't answer right now because the AI service is unavailable. Please try again in a few moments.");
  });

  it('leaves a JSON answer as it is', async () => {
    const { response } = await createClient({ adapter: fakeAdapter({ text: 'fine' }), use: [fallbackResponse()] }).chat(req);
    expect(response.choices[0]?.message.content).toBe('fine');
  });
});

describe('embed(): meta', () => {
  it('measures latency, and keeps usage and model a middleware set', async () => {
    let now = 0;
    const clock: Clock = { now: () => now, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as never) };
    const embedder = fakeEmbedder({ onEmbed: () => void (now += 40) });
    const { meta } = await createClient({ adapter: embedder, clock }).embed({ model: 'e', input: 'a' });
    expect(meta.latencyMs).toBe(40);
    expect(meta.usage).toEqual({ prompt_tokens: 2, completion_tokens: 0, total_tokens: 2 });
    const usage = { prompt_tokens: 9, completion_tokens: 0, total_tokens: 9 };
    const preset: Middleware = async (ctx, next) => {
      await next();
      ctx.meta.usage = usage;
      ctx.meta.model = 'chosen';
    };
    const second = await createClient({ adapter: embedder, clock, use: [preset] }).embed({ model: 'e', input: 'a' });
    expect(second.meta.usage).toBe(usage);
    expect(second.meta.model).toBe('chosen');
  });

  it("names the model from a middleware's answer, or the request's, and publishes the end", async () => {
    const requests: Array<{ phase: string }> = [];
    const on = (m: unknown) => requests.push(m as { phase: string });
    subscribe('lifeline:request', on);
    try {
      for (const [model, expected] of [['e-2025', 'e-2025'], ['', 'e']] as const) {
        const answer: Middleware = async (ctx) => {
          ctx.embeddingResponse = { object: 'list', model, data: [{ object: 'embedding', index: 0, embedding: [1] }], usage: { prompt_tokens: 1, total_tokens: 1 } };
        };
        const { meta } = await createClient({ use: [answer] }).embed({ model: 'e', input: 'a' });
        expect(meta.model).toBe(expected);
      }
    } finally {
      unsubscribe('lifeline:request', on);
    }
    expect(requests.map((r) => r.phase)).toEqual(['start', 'end', 'start', 'end']);
  });

  it('clears its overall timer', async () => {
    vi.useFakeTimers();
    await createClient({ adapter: fakeEmbedder() }).embed({ model: 'e', input: 'a' }, { timeoutMs: 60_000 });
    expect(vi.getTimerCount()).toBe(0);
  });
});
