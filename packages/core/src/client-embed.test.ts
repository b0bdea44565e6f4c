import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { fakeAdapter } from '../test/fake-adapter.js';
import { fakeEmbedder, vectorFor } from '../test/fake-embedder.js';
import { createClient } from './client.js';
import type { Context, Operation } from './context.js';
import type { EmbeddingRequest, EmbeddingResponse } from './embedding-types.js';
import { AbortError, BadRequestError, ConfigurationError, ServerError, TimeoutError } from './errors.js';
import { fallbackResponse } from './fallback-response.js';
import type { Middleware } from './middleware.js';
import { timeout } from './timeout.js';

const req: EmbeddingRequest = { model: 'text-embedding-3-small', input: ['alpha', 'be'] };

afterEach(() => vi.useRealTimers());

describe('createClient().embed', () => {
  it('resolves with one vector per item, in order, and meta', async () => {
    const adapter = fakeEmbedder({ name: 'primary' });
    const { response, meta } = await createClient({ adapter }).embed(req);
    expect(response.data.map((d) => d.embedding)).toEqual([vectorFor('alpha', 0), vectorFor('be', 1)]);
    expect(meta).toMatchObject({ provider: 'primary', model: 'text-embedding-3-small', attempts: 1, usage: { prompt_tokens: 4, completion_tokens: 0, total_tokens: 4 } });
    expect(meta.attemptLog[0]).toMatchObject({ target: 'primary', model: 'text-embedding-3-small', outcome: 'ok', usage: { prompt_tokens: 4, completion_tokens: 0, total_tokens: 4 } });
    expect(meta.latencyMs).toBeGreaterThanOrEqual(0);
    expect(adapter.embeds[0]!.request).toBe(req);
    expectTypeOf(response).toEqualTypeOf<EmbeddingResponse>();
  });

  it("tells every middleware which call it is (ctx.operation) and types the request", async () => {
    const seen: Array<[Operation, string | undefined, boolean]> = [];
    const spy: Middleware = async (ctx, next) => {
      seen.push([ctx.operation, ctx.embeddingRequest?.model, ctx.embeddingRequest?.input === req.input]);
      await next();
    };
    const client = createClient({ adapter: fakeEmbedder(), use: [spy] });
    await client.embed(req);
    await client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(seen).toEqual([
      ['embed', 'text-embedding-3-small', true],
      ['chat', undefined, false],
    ]);
  });

  it('lets a middleware send fewer items (ctx.embeddingRequest = …) and answer with ctx.embeddingResponse', async () => {
    const adapter = fakeEmbedder();
    const trim: Middleware = async function trim(ctx: Context, next) {
      ctx.embeddingRequest = { ...ctx.embeddingRequest!, input: ['only'] };
      await next();
      expect(ctx.embeddingResponse?.data).toHaveLength(1);
    };
    const { response } = await createClient({ adapter, use: [trim] }).embed(req);
    expect(adapter.embeds[0]!.request.input).toEqual(['only']);
    expect(response.data).toHaveLength(1);
  });

  it('estimates usage (flagged) when the provider reports none', async () => {
    const { response, meta } = await createClient({ adapter: fakeEmbedder({ noUsage: true }) }).embed({ model: 'm', input: 'Hello world' });
    expect(response.usage).toEqual({ prompt_tokens: 3, total_tokens: 3, estimated: true });
    expect(meta.usage).toEqual({ prompt_tokens: 3, completion_tokens: 0, total_tokens: 3, estimated: true });
  });

  it('fails with a retryable ServerError when the answer does not hold one vector per item', async () => {
    const adapter = fakeEmbedder({ name: 'relay', onEmbed: (r) => ({ object: 'list', model: r.model, data: [{ object: 'embedding', index: 0, embedding: [1] }], usage: { prompt_tokens: 1, total_tokens: 1 } }) });
    const err = await createClient({ adapter }).embed(req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ message: 'relay: embedding answer has 1 vectors for 2 input items', provider: 'relay', retryable: true });
  });

  it('rejects an invalid request before any call, naming the field', async () => {
    const adapter = fakeEmbedder();
    const err = await createClient({ adapter }).embed({ model: 'm', input: ['a', ''] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).message).toBe('Invalid embedding request: input[1] must be a non-empty string, got an empty string');
    expect(adapter.embeds).toHaveLength(0);
  });

  it('fails with a ConfigurationError, and no attempt, on a target without an embeddings API', async () => {
    const adapter = fakeAdapter({ name: 'claude' });
    const err = await createClient({ adapter }).embed(req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as ConfigurationError).message).toBe('claude (fake) has no embeddings API: send embedding calls to a target that has one, such as openai() or gemini()');
    expect((err as { meta: { attempts: number } }).meta.attempts).toBe(0);
  });

  it('fails with a ConfigurationError when a middleware returns without an embedding response', async () => {
    const swallow: Middleware = async function swallow() {};
    const err = await createClient({ adapter: fakeEmbedder(), use: [swallow] }).embed(req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toBe('The pipeline finished without an embedding response: a middleware returned without calling next() or setting ctx.embeddingResponse');
  });

  it('passes through fallbackResponse untouched: an outage stays an error, never a made-up vector', async () => {
    const down = fakeEmbedder({ onEmbed: () => { throw new ServerError('down', { status: 503 }); } });
    const err = await createClient({ adapter: down, use: [fallbackResponse()] }).embed(req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as { meta: { degraded?: boolean } }).meta.degraded).toBeUndefined();
  });

  it('bounds each attempt with timeout({ ms }) and the whole call with timeoutMs', async () => {
    vi.useFakeTimers();
    const hang = fakeEmbedder({ name: 'slow', onEmbed: () => new Promise(() => {}) });
    const p = createClient({ adapter: hang, use: [timeout({ ms: 500 })] }).embed(req).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    const err = (await p) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe('Timeout: attempt to slow did not finish within 500 ms (timeout({ ms }))');
    const q = createClient({ adapter: hang }).embed(req, { timeoutMs: 200 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(200);
    const overall = (await q) as TimeoutError;
    expect(overall).toBeInstanceOf(TimeoutError);
    expect(overall.message).toBe('Request timed out after 200 ms (timeoutMs)');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps the operation on forks, and adopt() copies the embedding response up', async () => {
    const viaFork: Middleware = async function viaFork(ctx, next) {
      const child = ctx.fork();
      expect(child.operation).toBe('embed');
      await next(child);
      ctx.adopt(child);
      child.dispose();
    };
    const { response } = await createClient({ adapter: fakeEmbedder(), use: [viaFork] }).embed(req);
    expect(response.data).toHaveLength(2);
  });

  it("rejects with the caller's AbortError when aborted", async () => {
    const ac = new AbortController();
    const hang = fakeEmbedder({ onEmbed: () => new Promise(() => {}) });
    const p = createClient({ adapter: hang }).embed(req, { signal: ac.signal }).catch((e: unknown) => e);
    ac.abort();
    expect(await p).toBeInstanceOf(AbortError);
    expect(hang.embeds[0]!.call.signal.aborted).toBe(true);
  });
});
