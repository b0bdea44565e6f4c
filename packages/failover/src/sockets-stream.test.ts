/**
 * Streams over real sockets: `@lifeline/testing` mock providers cutting, stalling, corrupting and
 * slowing their SSE streams, an `openai()` adapter reading them, and a virtual clock.
 */
import { type ChatChunk, StreamInterruptedError, TimeoutError, createClient, timeout } from '@lifeline/core';
import { retry } from '@lifeline/retry';
import { describe, expect, it } from 'vitest';
import { drain, request } from '../test/fake-adapter.js';
import { anthropicProvider, closeAfterEach, provider, until } from '../test/sockets.js';
import { fakeClock } from '@lifeline/testing';
import { failover } from './failover.js';
import { PrefillMemory } from './prefill-memory.js';

const T0 = 1_750_000_000_000;
closeAfterEach();

const text = (chunks: readonly ChatChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
const MOCK_TEXT = 'Hello from the mock provider.';

describe('failover() over real sockets — streams', () => {
  it('slow first token → failover by firstTokenMs; the caller sees one clean stream', async () => {
    const clock = fakeClock(T0);
    const primary = await provider('primary', { script: { stream: { firstTokenDelayMs: 60_000 } } });
    const backup = await provider('backup');
    const s = createClient({ clock, use: [failover([primary.adapter, backup.adapter]), retry({ maxAttempts: 3, random: () => 0.5 }), timeout({ firstTokenMs: 2_000 })] }).stream(request());
    const done = drain(s);
    await until(() => primary.mock.requests.length === 1);
    await clock.advanceAsync(1_999);
    expect(backup.mock.requests).toHaveLength(0);
    await clock.advanceAsync(1);
    const { chunks, error } = await done;
    expect(error).toBeUndefined();
    expect(text(chunks)).toBe(MOCK_TEXT);
    const { meta } = await s.result;
    expect(meta).toMatchObject({ provider: 'backup', failovers: 1, timeToFirstTokenMs: 2_000 });
    expect(meta.attemptLog.map((a) => [a.target, a.errorCode])).toEqual([['primary', 'timeout'], ['backup', undefined]]);
    expect(clock.pending()).toBe(0);
  });

  it("stream cut after content, midStream 'error' → StreamInterruptedError after the partial text, never a truncated success", async () => {
    const primary = await provider('primary', { script: { stream: { cutAfter: 2 } } });
    const backup = await provider('backup');
    const s = createClient({ use: [failover([primary.adapter, backup.adapter]), retry()] }).stream(request());
    const { chunks, error } = await drain(s);
    expect(text(chunks)).toBe('Hello from');
    const err = error as StreamInterruptedError;
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err.message).toMatch(/^Stream from primary broke after content was delivered \(stream_interrupted: openai primary: stream cut/);
    expect(err.contentDelivered).toBe(true);
    expect(err.cause).toBeInstanceOf(StreamInterruptedError);
    await expect(s.result).rejects.toBe(err);
    expect(backup.mock.requests).toHaveLength(0);
  });

  it("stream cut after content, midStream 'restart' → a restart chunk, then the whole answer from the backup", async () => {
    const primary = await provider('primary', { script: { stream: { cutAfter: 2 } } });
    const backup = await provider('backup', { text: 'A complete answer.' });
    const s = createClient({ use: [failover([primary.adapter, backup.adapter], { midStream: 'restart' }), retry()] }).stream(request());
    const { chunks, error } = await drain(s);
    expect(error).toBeUndefined();
    const at = chunks.findIndex((c) => c.lifeline !== undefined);
    expect(chunks[at]).toMatchObject({ choices: [], lifeline: { event: 'restart', from: 'primary', target: 'backup', reason: 'stream_interrupted' } });
    expect([text(chunks.slice(0, at)), text(chunks.slice(at))]).toEqual(['Hello from', 'A complete answer.']);
    const { response, meta } = await s.result;
    // The restart chunk reset the assembled answer: only the backup's, with its usage.
    expect(response.choices).toEqual([{ index: 0, message: { role: 'assistant', content: 'A complete answer.' }, finish_reason: 'stop', logprobs: null }]);
    expect(response.usage).toMatchObject({ completion_tokens: 3 });
    expect(meta).toMatchObject({ provider: 'backup', failovers: 1, attempts: 2, usage: { completion_tokens: 3 } });
    expect(meta.midStream).toEqual({ policy: 'restart', from: 'primary', to: 'backup', reason: 'stream_interrupted', message: expect.stringMatching(/^openai primary: stream cut/) });
  });

  it("stream cut after content, midStream 'continue' → Anthropic continues from a prefill, seamlessly", async () => {
    const primary = await provider('primary', { script: { stream: { cutAfter: 2 } } });
    const other = await provider('openai-backup');
    const claude = await anthropicProvider('anthropic');
    const targets = [primary.adapter, { adapter: claude.adapter, model: 'claude-sonnet-4.5' }, other.adapter];
    const s = createClient({ use: [failover(targets, { midStream: 'continue' }), retry()] }).stream(request());
    const { chunks, error } = await drain(s);
    expect(error).toBeUndefined();
    expect(text(chunks)).toBe('Hello from the mock provider.');
    expect(chunks.some((c) => c.lifeline !== undefined)).toBe(false);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(other.mock.requests).toHaveLength(0);
    const sent = claude.mock.requests[0]?.body as { model: string; messages: unknown[] };
    expect([sent.model, sent.messages.at(-1)]).toEqual(['claude-sonnet-4.5', { role: 'assistant', content: 'Hello from' }]);
    const { response, meta } = await s.result;
    expect(response.choices[0]?.message.content).toBe('Hello from the mock provider.');
    expect(meta).toMatchObject({ provider: 'anthropic:claude-sonnet-4.5', failovers: 1, midStream: { policy: 'continue', from: 'primary', to: 'anthropic:claude-sonnet-4.5', continuedBy: 'prefill' } });
  });

  it("stream cut after content, midStream 'continue', an OpenAI backup → it regenerates and only what follows the delivered text is passed on", async () => {
    const primary = await provider('primary', { script: { stream: { cutAfter: 2 } } });
    const backup = await provider('backup');
    const s = createClient({ use: [failover([primary.adapter, backup.adapter], { midStream: 'continue' }), retry()] }).stream(request());
    const { chunks, error } = await drain(s);
    expect(error).toBeUndefined();
    expect(text(chunks)).toBe(MOCK_TEXT);
    expect(chunks.filter((c) => c.choices[0]?.delta.role === 'assistant')).toHaveLength(1);
    expect((backup.mock.requests[0]?.body as { messages: unknown[] }).messages).toEqual(request().messages);
    const { response, meta } = await s.result;
    expect(response.choices[0]?.message.content).toBe(MOCK_TEXT);
    expect(meta).toMatchObject({ provider: 'backup', contributors: ['primary', 'backup'], midStream: { policy: 'continue', from: 'primary', to: 'backup', continuedBy: 'regeneration' } });
  });

  it('a fallback that refuses the prefill → learnt, and the answer is regenerated there (and at once on the next call)', async () => {
    const refuses = (req: { body: unknown }) => ((req.body as { messages: Array<{ role: string }> }).messages.at(-1)?.role === 'assistant' ? { status: 400, error: { message: 'This model does not support assistant message prefill. The conversation must end with a user message.' } } : undefined);
    const primary = await provider('primary', { script: { stream: { cutAfter: 2 } } });
    const backup = await anthropicProvider('backup', { script: refuses, text: MOCK_TEXT });
    const memory = new PrefillMemory();
    const client = createClient({ use: [failover([primary.adapter, backup.adapter], { midStream: 'continue', prefillMemory: memory }), retry()] });
    for (const round of [1, 2]) {
      const s = client.stream(request());
      const { chunks, error } = await drain(s);
      expect(error).toBeUndefined();
      expect(text(chunks)).toBe(MOCK_TEXT);
      expect((await s.result).meta.midStream).toMatchObject({ to: 'backup', continuedBy: 'regeneration' });
      expect(backup.mock.requests.map((r) => (r.body as { messages: Array<{ role: string }> }).messages.at(-1)?.role)).toEqual(round === 1 ? ['assistant', 'user'] : ['assistant', 'user', 'user']);
    }
    expect(memory.rejects('backup', 'gpt-4.1')).toBe(true);
  });

  it('a fallback whose regenerated answer differs → the original failure, never a spliced answer', async () => {
    const primary = await provider('primary', { script: { stream: { cutAfter: 2 } } });
    const backup = await provider('backup', { text: 'Hello there, something else entirely.' });
    const s = createClient({ use: [failover([primary.adapter, backup.adapter], { midStream: 'continue' }), retry()] }).stream(request());
    const { chunks, error } = await drain(s);
    expect(text(chunks)).toBe('Hello from');
    const err = error as StreamInterruptedError;
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err.message).toMatch(/^Stream from primary broke after content was delivered \(stream_interrupted: openai primary: stream cut .*\); continue failed: backup: regenerated a different answer: it does not start with the 10 characters already delivered \(diverged at "Hello ther"\)$/);
    expect((err.cause as Error).message).toMatch(/^openai primary: stream cut/);
    await until(() => backup.mock.requests.length === 1);
    expect(s.meta.attemptLog.map((a) => [a.target, a.outcome, a.errorCode])).toEqual([['primary', 'error', 'stream_interrupted'], ['backup', 'error', 'stream_interrupted']]);
  });

  it('a stalled stream is detected within idleMs, and the process is healthy after', async () => {
    const clock = fakeClock(T0);
    const primary = await provider('primary', { script: [{ stream: { stallAfter: 2 } }] });
    const client = createClient({ clock, use: [failover([primary.adapter]), timeout({ idleMs: 3_000 })] });
    const s = client.stream(request());
    const it = s[Symbol.asyncIterator]();
    const seen: ChatChunk[] = [];
    while (text(seen) !== 'Hello from') seen.push((await it.next()).value as ChatChunk);
    const next = it.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    await clock.advanceAsync(2_999);
    expect(clock.pending()).toBe(1);
    await clock.advanceAsync(1);
    const err = (await next) as StreamInterruptedError;
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect((err.cause as TimeoutError).kind).toBe('idle');
    expect(clock.pending()).toBe(0);
    const after = client.stream(request());
    expect(text((await drain(after)).chunks)).toBe(MOCK_TEXT);
  });

  it('a malformed chunk → no garbage reaches the caller: before content it fails over, after content it ends in an error', async () => {
    const primary = await provider('primary', { script: [{ stream: { malformedAfter: 0 } }, { stream: { malformedAfter: 1 } }] });
    const backup = await provider('backup', { text: 'Clean answer.' });
    const client = createClient({ use: [failover([primary.adapter, backup.adapter]), retry({ maxAttempts: 1 })] });
    const first = await drain(client.stream(request()));
    expect(first.error).toBeUndefined();
    expect(text(first.chunks)).toBe('Clean answer.');
    const second = await drain(client.stream(request()));
    expect(text(second.chunks)).toBe('Hello');
    expect(second.error).toBeInstanceOf(StreamInterruptedError);
    // The mock's garbage event carries a truncated `"content":"tru`: none of it may surface.
    expect(JSON.stringify([...first.chunks, ...second.chunks])).not.toContain('tru');
  });

  it('a stream without [DONE] → finalised promptly, with usage', async () => {
    const primary = await provider('primary', { script: { stream: { noDone: true } } });
    const s = createClient({ use: [failover([primary.adapter])] }).stream(request());
    const { chunks, error } = await drain(s);
    expect(error).toBeUndefined();
    expect(text(chunks)).toBe(MOCK_TEXT);
    const { response, meta } = await s.result;
    expect(response.usage).toMatchObject({ completion_tokens: 5 });
    expect(meta).toMatchObject({ provider: 'primary', usage: { completion_tokens: 5 } });
  });
});
