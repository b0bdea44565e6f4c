/**
 * createLifeline over a failover route: the primary fails before content, or mid-stream with
 * `midStream: 'continue'`; the answer comes from the backup, providerMetadata.lifeline says so,
 * and the mocks see exactly one request per target attempt — the AI SDK retries nothing on top.
 */
import { createClient } from '@lifeline/core';
import { failover } from '@lifeline/failover';
import { retry } from '@lifeline/retry';
import { fakeClock, type Step } from '@lifeline/testing';
import { APICallError, generateObject, generateText, isStepCount, streamText, tool } from 'ai';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { closeAfterEach, claude, mock, relay } from '../../test/mocks.js';
import { createLifeline } from './provider.js';

closeAfterEach();

describe('createLifeline — failover', () => {
  it('generateText: the primary returns 503, the backup answers; one request each', async () => {
    const primary = await mock({ script: { status: 503 } });
    const backup = await mock({ text: 'Backup here.' });
    const lifeline = createLifeline(createClient({ use: [failover([relay('primary', primary), relay('backup', backup)])] }));
    const { text, providerMetadata } = await generateText({ model: lifeline('gpt-4.1'), prompt: 'Hi' });

    expect(text).toBe('Backup here.');
    expect(providerMetadata?.lifeline).toMatchObject({ provider: 'backup', attempts: 2, failovers: 1, degraded: false });
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
  });

  it('streamText: the primary fails before content, with retry; the backup answers; one request per attempt', async () => {
    const clock = fakeClock(1_750_000_000_000);
    const primary = await mock({ script: { preset: 'overloaded' } });
    const backup = await mock({ text: 'Backup streaming here.' });
    const client = createClient({ clock, use: [failover([relay('primary', primary), relay('backup', backup)]), retry({ maxAttempts: 2, random: () => 0.5 })] });
    const lifeline = createLifeline(client);
    const result = streamText({ model: lifeline('gpt-4.1'), prompt: 'Hi' });
    const deltas: string[] = [];
    await clock.run(
      (async () => {
        for await (const delta of result.textStream) deltas.push(delta);
      })(),
    );

    expect(deltas.join('')).toBe('Backup streaming here.');
    expect(deltas.length).toBeGreaterThan(1);
    expect((await result.providerMetadata)?.lifeline).toMatchObject({ provider: 'backup', attempts: 3, failovers: 1 });
    expect(primary.requests).toHaveLength(2);
    expect(backup.requests).toHaveLength(1);
  });

  it("streamText: the primary's stream is cut mid-answer; midStream 'continue' finishes it on the backup from a prefill", async () => {
    const primary = await mock({ text: 'Failover keeps answers flowing to users.', script: [{ stream: { cutAfter: 3 } }] });
    // The Anthropic mock continues a prefill as Claude does: the words of its answer after the prefill's.
    const backup = await mock({ flavor: 'anthropic', text: 'Failover keeps answers flowing to users.' });
    const lifeline = createLifeline(createClient({ use: [failover([relay('primary', primary), claude('backup', backup)], { midStream: 'continue' })] }));
    const result = streamText({ model: lifeline('claude-sonnet-4-5'), prompt: 'Why failover?' });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);

    expect(deltas.slice(0, 3)).toEqual(['Failover', ' keeps', ' answers']);
    expect(await result.text).toBe('Failover keeps answers flowing to users.');
    expect((await result.providerMetadata)?.lifeline).toMatchObject({ provider: 'backup', attempts: 2, failovers: 1 });
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
    const messages = (backup.requests[0]?.body as { messages: Array<{ role: string; content: unknown }> }).messages;
    expect(messages.at(-1)).toEqual({ role: 'assistant', content: 'Failover keeps answers' });
  });

  it('every target down: one APICallError (not retryable), and the AI SDK adds no request of its own', async () => {
    const primary = await mock({ script: { status: 503 } });
    const backup = await mock({ script: { preset: 'rate_limit' } });
    const lifeline = createLifeline(createClient({ use: [failover([relay('primary', primary), relay('backup', backup)])] }));
    const error = await generateText({ model: lifeline('gpt-4.1'), prompt: 'Hi', maxRetries: 2 }).catch((e: unknown) => e);

    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.isRetryable).toBe(false);
    expect(apiError.message).toBe('Every failover target failed (2): primary: server 503; backup: rate_limit 429 (retry after 1000 ms)');
    expect(apiError.statusCode).toBe(503);
    expect((apiError.data as { code: string; lifeline: { attempts: number } }).code).toBe('failover');
    expect((apiError.data as { lifeline: { attempts: number } }).lifeline.attempts).toBe(2);
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
  });
});

describe('createLifeline — every AI SDK call with the primary down before content', () => {
  async function route(backupText: string | ((n: number) => Step | undefined)) {
    const primary = await mock({ script: { status: 503 } });
    const backup = await mock(typeof backupText === 'string' ? { text: backupText } : { script: (_req, n) => backupText(n) });
    const lifeline = createLifeline(createClient({ use: [failover([relay('primary', primary), relay('backup', backup)])] }));
    return { primary, backup, model: lifeline('gpt-4.1') };
  }
  const fromBackup = { provider: 'backup', attempts: 2, failovers: 1 };

  it('generateText', async () => {
    const { primary, backup, model } = await route('From the backup.');
    const { text, providerMetadata } = await generateText({ model, prompt: 'Hi' });
    expect(text).toBe('From the backup.');
    expect(providerMetadata?.lifeline).toMatchObject(fromBackup);
    expect([primary.requests.length, backup.requests.length]).toEqual([1, 1]);
  });

  it('streamText, as incremental deltas', async () => {
    const { primary, backup, model } = await route('From the backup.');
    const result = streamText({ model, prompt: 'Hi' });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas).toEqual(['From', ' the', ' backup.']);
    expect((await result.providerMetadata)?.lifeline).toMatchObject(fromBackup);
    expect([primary.requests.length, backup.requests.length]).toEqual([1, 1]);
  });

  it('a multi-step tool loop: each step fails over', async () => {
    const { primary, backup, model } = await route((n) => (n === 0 ? { reply: { toolCalls: [{ name: 'echo', arguments: { v: 1 }, id: 'call_1' }] } } : { reply: { text: 'Done.' } }));
    const result = await generateText({ model, prompt: 'Go', tools: { echo: tool({ inputSchema: z.object({ v: z.number() }), execute: async ({ v }) => v }) }, stopWhen: isStepCount(3) });
    expect(result.text).toBe('Done.');
    expect(result.steps.map((s) => s.providerMetadata?.lifeline)).toEqual([expect.objectContaining(fromBackup), expect.objectContaining(fromBackup)]);
    expect([primary.requests.length, backup.requests.length]).toEqual([2, 2]);
  });

  it('generateObject with a zod schema', async () => {
    const { primary, backup, model } = await route('{"ok":true}');
    const { object, providerMetadata } = await generateObject({ model, schema: z.object({ ok: z.boolean() }), prompt: 'JSON' });
    expect(object).toEqual({ ok: true });
    expect(providerMetadata?.lifeline).toMatchObject(fromBackup);
    expect([primary.requests.length, backup.requests.length]).toEqual([1, 1]);
  });

  it('an abort mid-stream while the backup answers', async () => {
    const { primary, backup, model } = await route((n) => (n === 0 ? { stream: { chunkDelayMs: 30 } } : undefined));
    const controller = new AbortController();
    const result = streamText({ model, prompt: 'Hi', abortSignal: controller.signal });
    const parts: string[] = [];
    for await (const part of result.fullStream) {
      parts.push(part.type === 'text-delta' ? part.text : part.type);
      if (part.type === 'text-delta') controller.abort();
    }
    expect(parts.filter((p) => !['start', 'start-step', 'text-start'].includes(p))).toEqual(['Hello', 'abort']);
    expect([primary.requests.length, backup.requests.length]).toEqual([1, 1]);
  });
});
