import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { AbortError, BadRequestError, ConnectionError, ContentFilterError, ServerError, StreamInterruptedError, TimeoutError, createClient, timeout } from '@lifeline/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatChunk, scriptedAdapter, textChunks } from '@lifeline/testing';
import { drain, fake, request } from '../test/fake-adapter.js';
import { FAILOVER_CHANNEL, type FailoverEvent } from './events.js';
import { failover } from './failover.js';

afterEach(() => {
  vi.useRealTimers();
});

const cut = () => new ConnectionError('socket hang up', { provider: 'primary' });

describe('failover() — streams before the first token', () => {
  it('a failure before content fails over freely: the caller sees one clean stream', async () => {
    const inBand = new ServerError('Overloaded', { provider: 'primary' });
    const primary = fake({ name: 'primary', script: { afterChunks: 0, error: inBand } });
    const s = createClient({ use: [failover([primary, fake({ name: 'backup', script: { text: 'From the backup' } })])] }).stream(request());
    const { text, chunks, error } = await drain(s);
    expect(error).toBeUndefined();
    expect(text).toBe('From the backup');
    expect(chunks.filter((c) => c.choices[0]?.delta.role === 'assistant')).toHaveLength(1);
    const { response, meta } = await s.result;
    expect(response.choices[0]?.message.content).toBe('From the backup');
    expect(meta).toMatchObject({ provider: 'backup', failovers: 1, attempts: 2, usage: { completion_tokens: 3 } });
    expect(meta.attemptLog.map((a) => [a.target, a.outcome, a.errorCode])).toEqual([
      ['primary', 'error', 'server'],
      ['backup', 'ok', undefined],
    ]);
  });

  it('timeout({ firstTokenMs }) turns a slow first token into a failover, not a hang', async () => {
    vi.useFakeTimers();
    const primary = fake({ name: 'primary', script: { firstTokenDelayMs: 60_000 } });
    const backup = fake({ name: 'backup', script: { firstTokenDelayMs: 100 } });
    const s = createClient({ use: [failover([primary, backup]), timeout({ firstTokenMs: 2_000 })] }).stream(request());
    const done = drain(s);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(backup.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(backup.calls).toHaveLength(1);
    expect(primary.calls[0]?.call.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect((await done).text).toBe('Hello world');
    const { meta } = await s.result;
    expect(meta.provider).toBe('backup');
    expect(meta.attemptLog[0]).toMatchObject({ target: 'primary', errorCode: 'timeout' });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('failover() — mid-stream, policy error (default)', () => {
  it('a stream cut after content ends in StreamInterruptedError after the partial content, never a truncated success', async () => {
    const original = cut();
    const backup = fake({ name: 'backup' });
    const s = createClient({ use: [failover([fake({ name: 'primary', script: { text: 'One two three four', afterChunks: 2, error: original } }), backup])] }).stream(request());
    const { text, error } = await drain(s);
    expect(text).toBe('One two');
    const err = error as StreamInterruptedError;
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err.message).toBe('Stream from primary broke after content was delivered (connection: socket hang up)');
    expect(err.contentDelivered).toBe(true);
    expect(err.cause).toBe(original);
    expect(err.provider).toBe('primary');
    expect(err.retryable).toBe(true);
    await expect(s.result).rejects.toBe(err);
    expect(s.meta.midStream).toEqual({ policy: 'error', from: 'primary', reason: 'connection', message: 'socket hang up' });
    expect(backup.calls).toHaveLength(0);
  });

  it('a stalled stream is detected within idleMs, and the upstream is released', async () => {
    vi.useFakeTimers();
    const primary = fake({ name: 'primary', script: { text: 'One two three', stallAfter: 2 } });
    const s = createClient({ use: [failover([primary, fake({ name: 'backup' })]), timeout({ idleMs: 5_000 })] }).stream(request());
    const done = drain(s);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(primary.calls[0]?.call.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const { text, error } = await done;
    expect(text).toBe('One two');
    expect(error).toBeInstanceOf(StreamInterruptedError);
    const cause = (error as StreamInterruptedError).cause as TimeoutError;
    expect(cause).toBeInstanceOf(TimeoutError);
    expect(cause.kind).toBe('idle');
    expect(primary.calls[0]?.call.signal.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a consumer that stops reading aborts the upstream request', async () => {
    const primary = fake({ name: 'primary', script: { text: 'a b c d e f' } });
    const s = createClient({ use: [failover([primary])] }).stream(request());
    for await (const c of s) if (c.choices[0]?.delta.content) break;
    expect(primary.calls[0]?.call.signal.aborted).toBe(true);
    await expect(s.result).rejects.toBeInstanceOf(AbortError);
  });
});

describe('failover() — mid-stream, policy restart', () => {
  it('announces the restart with a documented chunk and starts the answer again on the next target', async () => {
    const events: FailoverEvent[] = [];
    const on = (e: unknown) => events.push(e as FailoverEvent);
    subscribe(FAILOVER_CHANNEL, on);
    const original = cut();
    const backup = fake({ name: 'backup', script: { text: 'A full answer' } });
    const s = createClient({ use: [failover([fake({ name: 'primary', script: { text: 'A partial answer', afterChunks: 2, error: original } }), { adapter: backup, model: 'claude-sonnet-4.5' }], { midStream: 'restart' })] }).stream(request());
    const { chunks, error } = await drain(s);
    unsubscribe(FAILOVER_CHANNEL, on);
    expect(error).toBeUndefined();
    const marker = chunks.findIndex((c) => c.lifeline !== undefined);
    expect(chunks[marker]).toMatchObject({ choices: [], lifeline: { event: 'restart', from: 'primary', target: 'backup:claude-sonnet-4.5', reason: 'connection' } });
    const text = (from: number, to?: number) => chunks.slice(from, to).map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text(0, marker)).toBe('A partial');
    expect(text(marker)).toBe('A full answer');
    expect(backup.calls[0]?.request.messages).toEqual(request().messages);
    const { meta } = await s.result;
    expect(meta).toMatchObject({ provider: 'backup:claude-sonnet-4.5', model: 'claude-sonnet-4.5', failovers: 1, attempts: 2 });
    expect(meta.midStream).toEqual({ policy: 'restart', from: 'primary', to: 'backup:claude-sonnet-4.5', reason: 'connection', message: 'socket hang up' });
    expect(events.map((e) => [e.event, e.from, e.to, e.policy])).toEqual([['midStream', 'primary', 'backup:claude-sonnet-4.5', 'restart']]);
  });

  it('with nothing left to restart on, reports the original failure', async () => {
    const original = cut();
    const s = createClient({ use: [failover([fake({ name: 'primary', script: { afterChunks: 1, error: original } }), fake({ name: 'backup', script: { error: new ServerError('down', { status: 503 }) } })], { midStream: 'restart' })] }).stream(request());
    const { error } = await drain(s);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as Error).message).toBe('Stream from primary broke after content was delivered (connection: socket hang up); restart failed: backup: server 503');
    expect((error as Error).cause).toBe(original);
  });

  it('an in-band content filter is not restarted elsewhere: the provider’s reason is kept', async () => {
    const refusal = new ContentFilterError('Output blocked by content filtering policy', { provider: 'primary' });
    const backup = fake({ name: 'backup' });
    const s = createClient({ use: [failover([fake({ name: 'primary', script: { afterChunks: 1, error: refusal } }), backup], { midStream: 'restart' })] }).stream(request());
    const { error } = await drain(s);
    expect((error as Error).message).toBe('Stream from primary broke after content was delivered (content_filter: Output blocked by content filtering policy); no restart: the error does not fail over');
    expect((error as Error).cause).toBe(refusal);
    expect(backup.calls).toHaveLength(0);
  });
});

describe('failover() — mid-stream, policy continue', () => {
  it('sends the partial answer as a prefill to a prefill-capable target and continues seamlessly', async () => {
    const noPrefill = fake({ name: 'openai-backup' });
    const claude = fake({ name: 'anthropic', prefill: true, script: { pieces: [' brown', ' fox', ' jumps'] } });
    const primary = fake({ name: 'primary', script: { pieces: ['The ', 'quick ', 'brown ', 'fox'], afterChunks: 2, error: cut() } });
    const s = createClient({ use: [failover([primary, claude, noPrefill], { midStream: 'continue' })] }).stream(request());
    const { text, chunks, error } = await drain(s);
    expect(error).toBeUndefined();
    expect(text).toBe('The quick brown fox jumps');
    expect(chunks.some((c) => c.lifeline !== undefined)).toBe(false);
    expect(noPrefill.calls).toHaveLength(0);
    // The trailing space is cut from the prefill (Anthropic rejects it) and from the continuation's start.
    expect(claude.calls[0]?.request.messages).toEqual([...request().messages, { role: 'assistant', content: 'The quick' }]);
    const { response, meta } = await s.result;
    expect(response.choices[0]?.message.content).toBe('The quick brown fox jumps');
    expect(meta).toMatchObject({ provider: 'anthropic', failovers: 1, contributors: ['primary', 'anthropic'], midStream: { policy: 'continue', from: 'primary', to: 'anthropic', continuedBy: 'prefill' } });
  });

  it('a fallback that refuses the prefill is asked again by regeneration; when that fails too, the original failure is reported', async () => {
    const original = cut();
    const refusal = new BadRequestError('This model does not support assistant message prefill. The conversation must end with a user message.', { status: 400 });
    const rejects = fake({ name: 'anthropic', prefill: true, script: { error: refusal } });
    const s = createClient({ use: [failover([fake({ name: 'primary', script: { text: 'One two three', afterChunks: 1, error: original } }), rejects], { midStream: 'continue' })] }).stream(request());
    const { text, error } = await drain(s);
    expect(text).toBe('One');
    const err = error as StreamInterruptedError;
    expect(err).toBeInstanceOf(StreamInterruptedError);
    expect(err.message).toBe('Stream from primary broke after content was delivered (connection: socket hang up); continue failed: anthropic: bad_request 400; anthropic: bad_request 400');
    expect(err.cause).toBe(original);
    expect(err.contentDelivered).toBe(true);
    expect(rejects.calls.map((c) => c.request.messages.at(-1)?.role)).toEqual(['assistant', 'user']);
    expect(s.meta.midStream).toEqual({ policy: 'continue', from: 'primary', reason: 'connection', message: 'socket hang up' });
  });

  it('with no target left to continue, reports the original failure', async () => {
    const original = cut();
    const s = createClient({ use: [failover([fake({ name: 'primary', script: { afterChunks: 1, error: original } })], { midStream: 'continue' })] }).stream(request());
    const { error } = await drain(s);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as Error).message).toBe('Stream from primary broke after content was delivered (connection: socket hang up); continue failed: no target left');
    expect((error as Error).cause).toBe(original);
  });

  it('a partial answer with a tool call cannot be continued: the original failure, and no other target is asked', async () => {
    const original = cut();
    const call = { index: 0, id: 'call_1', type: 'function' as const, function: { name: 'f', arguments: '{"a"' } };
    const backup = fake({ name: 'backup' });
    const primary = scriptedAdapter({ chunks: [textChunks([])[0]!, chatChunk({ tool_calls: [call] })], afterChunks: 1, error: original }, { name: 'primary' });
    const s = createClient({ use: [failover([primary, backup], { midStream: 'continue' })] }).stream(request());
    const { error } = await drain(s);
    expect((error as Error).message).toBe('Stream from primary broke after content was delivered (connection: socket hang up); continue failed: the partial answer has tool calls');
    expect(backup.calls).toHaveLength(0);
  });
});

describe('failover() — stream().result after a mid-stream recovery', () => {
  it("'restart': result holds only the restarted answer (the restart chunk resets it), and meta.midStream says what happened", async () => {
    const primary = fake({ name: 'primary', script: { text: 'A partial answer that breaks', afterChunks: 3, error: cut(), usage: { prompt_tokens: 99, completion_tokens: 99, total_tokens: 198 } } });
    const backup = fake({ name: 'backup', script: { text: 'The whole answer' } });
    const s = createClient({ use: [failover([primary, { adapter: backup, model: 'claude-sonnet-4.5' }], { midStream: 'restart' })] }).stream(request());
    const { text, error } = await drain(s);
    expect(error).toBeUndefined();
    expect(text).toBe('A partial answerThe whole answer');
    const { response, meta } = await s.result;
    expect(response).toEqual({
      id: 'chunk-1',
      object: 'chat.completion',
      created: 1,
      model: 'claude-sonnet-4.5',
      choices: [{ index: 0, message: { role: 'assistant', content: 'The whole answer' }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 },
    });
    expect(meta.midStream).toEqual({ policy: 'restart', from: 'primary', to: 'backup:claude-sonnet-4.5', reason: 'connection', message: 'socket hang up' });
    expect(meta).toMatchObject({ provider: 'backup:claude-sonnet-4.5', model: 'claude-sonnet-4.5', usage: { completion_tokens: 3 }, failovers: 1, attempts: 2 });
    expect(meta.attemptLog.map((a) => [a.target, a.outcome, a.errorCode])).toEqual([['primary', 'error', 'connection'], ['backup:claude-sonnet-4.5', 'ok', undefined]]);
  });

  it("'restart' twice: result holds only the last answer", async () => {
    const breaks = (name: string, text: string) => fake({ name, script: { text, afterChunks: 1, error: cut() } });
    const s = createClient({ use: [failover([breaks('a', 'First try'), breaks('b', 'Second try'), fake({ name: 'c', script: { text: 'Third time lucky' } })], { midStream: 'restart' })] }).stream(request());
    const { chunks, error } = await drain(s);
    expect(error).toBeUndefined();
    expect(chunks.filter((c) => c.lifeline !== undefined).map((c) => c.lifeline)).toEqual([
      { event: 'restart', from: 'a', target: 'b', reason: 'connection' },
      { event: 'restart', from: 'b', target: 'c', reason: 'connection' },
    ]);
    const { response, meta } = await s.result;
    expect(response.choices.map((c) => c.message.content)).toEqual(['Third time lucky']);
    expect(meta).toMatchObject({ provider: 'c', failovers: 2, midStream: { policy: 'restart', from: 'b', to: 'c' } });
  });

  it("'continue': result holds the partial answer and its continuation, each exactly once", async () => {
    const primary = fake({ name: 'primary', script: { pieces: ['Roses ', 'are ', 'red, ', 'violets'], afterChunks: 3, error: cut() } });
    const claude = fake({ name: 'anthropic', prefill: true, script: { pieces: [' violets', ' are', ' blue.'], usage: { prompt_tokens: 20, completion_tokens: 3, total_tokens: 23 } } });
    const s = createClient({ use: [failover([primary, claude], { midStream: 'continue' })] }).stream(request());
    const { text, error } = await drain(s);
    expect(error).toBeUndefined();
    expect(text).toBe('Roses are red, violets are blue.');
    expect(claude.calls[0]?.request.messages.at(-1)).toEqual({ role: 'assistant', content: 'Roses are red,' });
    const { response, meta } = await s.result;
    expect(response.choices).toEqual([{ index: 0, message: { role: 'assistant', content: 'Roses are red, violets are blue.' }, finish_reason: 'stop', logprobs: null }]);
    expect(response.usage).toEqual({ prompt_tokens: 20, completion_tokens: 3, total_tokens: 23 });
    expect(meta.midStream).toEqual({ policy: 'continue', from: 'primary', to: 'anthropic', continuedBy: 'prefill', reason: 'connection', message: 'socket hang up' });
    expect(meta).toMatchObject({ provider: 'anthropic', failovers: 1, attempts: 2 });
  });
});
