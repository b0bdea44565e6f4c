/**
 * createLifeline over a failover route: the primary fails before content, or mid-stream with
 * `midStream: 'continue'`; the answer comes from the backup, providerMetadata.lifeline says so,
 * and the mocks see exactly one request per target attempt — the AI SDK retries nothing on top.
 */
import { createClient } from '@lifeline/core';
import { failover } from '@lifeline/failover';
import { retry } from '@lifeline/retry';
import { fakeClock } from '@lifeline/testing';
import { APICallError, generateText, streamText } from 'ai';
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
    const backup = await mock({ flavor: 'anthropic', text: ' flowing to users.' });
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
