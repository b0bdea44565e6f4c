/**
 * failover() for embedding calls over real sockets: mock providers on loopback, `openai()` /
 * `gemini()` / `anthropic()` adapters in front, retry and breaker below failover.
 */
import { gemini } from '@lifeline/adapters';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { CircuitOpenError, ConfigurationError, createClient, FailoverError, ServerError, type EmbeddingRequest } from '@lifeline/core';
import { retry } from '@lifeline/retry';
import { fakeClock, mockEmbedding, startMockProvider } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { anthropicProvider, closeAfterEach, provider, track, until } from '../test/sockets.js';
import { failover } from './failover.js';

const MODEL = 'text-embedding-3-small';
const T0 = 1_750_000_000_000;
const req = (extra: Partial<EmbeddingRequest> = {}): EmbeddingRequest => ({ model: MODEL, input: ['alpha', 'beta'], encoding_format: 'float', ...extra });
closeAfterEach();

describe('failover() for embeddings: correctness first', () => {
  it('a failing endpoint → a second endpoint of the same model answers, with the same vectors', async () => {
    const primary = await provider('primary', { script: { status: 503 }, embeddingDimensions: 8 });
    const secondary = await provider('secondary', { embeddingDimensions: 8 });
    const { response, meta } = await createClient({ use: [failover([primary.adapter, secondary.adapter])] }).embed(req());
    expect(response.data.map((d) => d.embedding)).toEqual([mockEmbedding(MODEL, 'alpha', 8), mockEmbedding(MODEL, 'beta', 8)]);
    expect(meta).toMatchObject({ provider: 'secondary', model: MODEL, failovers: 1, attempts: 2 });
    expect(meta.attemptLog.map((a) => [a.target, a.model, a.outcome, a.status])).toEqual([
      ['primary', MODEL, 'error', 503],
      ['secondary', MODEL, 'ok', 200],
    ]);
  });

  it('skips a target that serves another model: its vectors would not be comparable', async () => {
    const primary = await provider('primary', { script: { status: 503 } });
    const other = await provider('other');
    const client = createClient({ use: [failover([primary.adapter, { adapter: other.adapter, model: 'text-embedding-3-large' }])] });
    const err = await client.embed(req()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FailoverError);
    expect((err as FailoverError).message).toBe('Every failover target failed (1): primary: server 503');
    expect(other.mock.requests).toHaveLength(0);
  });

  it('uses another model only when the route declares it interchangeable (embeddingFamily)', async () => {
    const primary = await provider('primary', { script: { status: 503 }, embeddingDimensions: 8 });
    // An Azure-style deployment: another name for the same model (it reports the model it runs).
    const azure = await provider('azure', { embeddingDimensions: 8, script: { reply: { model: MODEL } } });
    const client = createClient({ use: [failover([primary.adapter, { adapter: azure.adapter, model: 'emb-small-prod', embeddingFamily: MODEL, dimensions: 8 }])] });
    const { response, meta } = await client.embed(req());
    expect(azure.mock.requests[0]!.body).toMatchObject({ model: 'emb-small-prod', input: ['alpha', 'beta'] });
    expect(meta).toMatchObject({ provider: 'azure:emb-small-prod', failovers: 1 });
    expect(response.data[0]!.embedding).toEqual(mockEmbedding(MODEL, 'alpha', 8));
  });

  it('rejects an interchangeable target whose vectors have another width, and fails over past it', async () => {
    const primary = await provider('primary', { script: { status: 503 } });
    const narrow = await provider('narrow', { script: { reply: { dimensions: 4 } } });
    const wide = await provider('wide', { embeddingDimensions: 8 });
    const targets = [
      { adapter: primary.adapter, embeddingFamily: 'small', dimensions: 8 },
      { adapter: narrow.adapter, embeddingFamily: 'small' },
      { adapter: wide.adapter, embeddingFamily: 'small', dimensions: 8 },
    ];
    const { meta } = await createClient({ use: [failover(targets)] }).embed(req());
    expect(meta.provider).toBe('wide');
    expect(meta.failovers).toBe(2);
    const empty = await createClient({ use: [failover(targets.slice(0, 2))] }).embed(req()).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(FailoverError);
    const cause = (empty as FailoverError).errors[1] as ServerError;
    expect(cause).toBeInstanceOf(ServerError);
    expect(cause.message).toBe("narrow: returned 4-dimensional vectors where 8 were expected (embeddingFamily 'small'): not comparable, so not used");
  });

  it('checks at setup that one family declares one width', () => {
    const a = { name: 'a', kind: 'openai', chat: async () => ({}) as never, stream: async () => [] as never };
    expect(() => failover([{ adapter: a, embeddingFamily: 'f', dimensions: 8 }, { adapter: a, name: 'b', embeddingFamily: 'f', dimensions: 16 }])).toThrow(
      new ConfigurationError("failover: targets[1] ('b') declares dimensions 16 in embeddingFamily 'f' but targets[0] ('a') declares 8: vectors of different widths are not interchangeable"),
    );
    expect(() => failover([{ adapter: a, dimensions: 0 }])).toThrow(new ConfigurationError('failover: targets[0].dimensions must be a positive integer, got 0'));
    expect(() => failover([{ adapter: a, embeddingFamily: '' }])).toThrow(new ConfigurationError("failover: targets[0].embeddingFamily must be a non-empty string, got ''"));
  });

  it('skips a target without an embeddings API (Anthropic), and says so when none has one', async () => {
    const claude = await anthropicProvider('claude');
    const openai = await provider('openai');
    const { meta } = await createClient({ use: [failover([claude.adapter, openai.adapter])] }).embed(req());
    expect(meta).toMatchObject({ provider: 'openai', failovers: 0, attempts: 1 });
    expect(claude.mock.requests).toHaveLength(0);
    const err = await createClient({ use: [failover([claude.adapter])] }).embed(req()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toBe("failover: no target has an embeddings API for this embedding call ('claude' (anthropic)); add an openai() or gemini() target");
  });

  it('a chat route with a cross-vendor model swap keeps embeddings on the primary model', async () => {
    const primary = await provider('primary', { script: [{ status: 500 }, 'ok'] });
    const mock = await startMockProvider({ flavor: 'gemini' });
    track(mock);
    const google = gemini({ baseURL: mock.url, apiKey: 'test-key', name: 'google' });
    track(google);
    const client = createClient({ use: [failover([primary.adapter, { adapter: google, model: 'gemini-2.5-flash' }]), retry({ maxAttempts: 2, initialDelayMs: 1 })] });
    const { meta } = await client.embed(req());
    expect(meta).toMatchObject({ provider: 'primary', attempts: 2 });
    expect(mock.requests).toHaveLength(0);
    // The same route still fails chat over to the swapped model.
    primary.mock.setScript({ status: 500 });
    const chat = await client.chat({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.meta.provider).toBe('google:gemini-2.5-flash');
  });

  it('fails over to a Gemini endpoint of the same model, in the OpenAI shape', async () => {
    const GM = 'gemini-embedding-001';
    const down = await startMockProvider({ flavor: 'gemini', script: { status: 503 } });
    const up = await startMockProvider({ flavor: 'gemini', embeddingDimensions: 6 });
    track(down);
    track(up);
    const a = gemini({ baseURL: down.url, apiKey: 'test-key', name: 'us' });
    const b = gemini({ baseURL: up.url, apiKey: 'test-key', name: 'eu' });
    track(a);
    track(b);
    const { response, meta } = await createClient({ use: [failover([a, b])] }).embed({ model: GM, input: ['x', 'y', 'z'] });
    expect(meta.provider).toBe('eu');
    expect(response.data.map((d) => d.embedding)).toEqual(['x', 'y', 'z'].map((t) => mockEmbedding(GM, t, 6)));
    expect(response.usage).toEqual({ prompt_tokens: 3, total_tokens: 3, estimated: true });
  });
});

describe('retry and circuit breaker below failover apply to embedding calls', () => {
  it('429 with Retry-After: 2 → waits exactly 2 s, then the same endpoint answers', async () => {
    const clock = fakeClock(T0);
    const primary = await provider('primary', { clock, script: [{ status: 429, retryAfter: 2 }] });
    const backup = await provider('backup', { clock });
    const p = createClient({ clock, use: [failover([primary.adapter, backup.adapter]), retry({ maxAttempts: 3, maxRetryAfterMs: 5_000 })] }).embed(req());
    await until(() => clock.pending() === 1);
    expect(clock.delays).toEqual([2_000]);
    await clock.advanceAsync(2_000);
    const { meta } = await p;
    expect(primary.mock.requests.map((r) => [r.path, r.time - T0])).toEqual([['/v1/embeddings', 0], ['/v1/embeddings', 2_000]]);
    expect(backup.mock.requests).toHaveLength(0);
    expect(meta.attemptLog.map((a) => [a.status, a.delayMs])).toEqual([[429, undefined], [200, 2_000]]);
  });

  it('opens the breaker of a failing endpoint: later calls skip it without a request', async () => {
    const primary = await provider('primary', { script: { status: 500 } });
    const backup = await provider('backup');
    const breaker = circuitBreaker({ failureThreshold: 2, breakDurationMs: 60_000 });
    const client = createClient({ use: [failover([primary.adapter, backup.adapter]), breaker] });
    for (let i = 0; i < 2; i++) expect((await client.embed(req())).meta.provider).toBe('backup');
    expect(primary.mock.requests).toHaveLength(2);
    const { meta } = await client.embed(req());
    expect(meta.provider).toBe('backup');
    expect(primary.mock.requests).toHaveLength(2);
    expect(meta.attemptLog).toHaveLength(1);
    const snapshot = await breaker.snapshot();
    expect(snapshot[`primary/${MODEL}`]?.state).toBe('open');
    const alone = await createClient({ use: [failover([primary.adapter]), breaker] }).embed(req()).catch((e: unknown) => e);
    expect(alone).toBeInstanceOf(FailoverError);
    expect((alone as FailoverError).cause).toBeInstanceOf(CircuitOpenError);
    expect(primary.mock.requests).toHaveLength(2);
  });
});
