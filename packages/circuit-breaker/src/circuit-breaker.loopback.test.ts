/**
 * circuitBreaker() against a real HTTP server on loopback (`@lifeline/testing`) through the real
 * OpenAI adapter: once open, the provider sees no request until the probe.
 */
import { openai } from '@lifeline/adapters';
import { CircuitOpenError, createClient, type Middleware, ServerError } from '@lifeline/core';
import { fakeClock, type MockProvider, type Script, startMockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker.js';
import type { CircuitBreakerOptions } from './options.js';
import type { StateChange } from './state.js';

const req = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'Say hi' }] };
const opened: Array<{ mock: MockProvider; close?: () => Promise<void> }> = [];

afterEach(async () => {
  for (const { mock, close } of opened.splice(0)) {
    await close?.();
    await mock.close();
  }
});

async function setup(script: Script, options: CircuitBreakerOptions = {}, before: Middleware[] = []) {
  const clock = fakeClock(0);
  const mock = await startMockProvider({ script, clock });
  const adapter = openai({ baseURL: mock.url, apiKey: 'test-key', name: 'primary' });
  opened.push({ mock, close: adapter.close?.bind(adapter) });
  const breaker = circuitBreaker({ clock, ...options });
  const changes: StateChange[] = [];
  breaker.onStateChange((c) => changes.push(c));
  const client = createClient({ adapter, clock, use: [...before, breaker] });
  const call = () => client.chat(req).then(() => 'ok', (e: unknown) => e);
  return { clock, mock, breaker, client, changes, call };
}

describe('circuitBreaker over loopback HTTP', () => {
  it('503 flood → opens after 5 failures; the provider sees nothing until the probe, which closes it', async () => {
    const script: Script = (_req, n) => (n < 5 ? { status: 503 } : 'ok');
    const { clock, mock, breaker, changes, call } = await setup(script);
    for (let i = 0; i < 5; i++) expect(await call()).toBeInstanceOf(ServerError);
    expect(mock.requests).toHaveLength(5);
    for (let i = 0; i < 20; i++) {
      const error = await call();
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect((error as CircuitOpenError).message).toBe('Circuit breaker "primary/gpt-4.1" is open; next probe in 30000 ms');
    }
    expect(mock.requests).toHaveLength(5);
    await clock.advanceAsync(29_999);
    expect(await call()).toBeInstanceOf(CircuitOpenError);
    expect(mock.requests).toHaveLength(5);
    await clock.advanceAsync(1);
    expect(await call()).toBe('ok'); // the probe
    expect(mock.requests).toHaveLength(6);
    expect(await call()).toBe('ok');
    expect(mock.requests).toHaveLength(7);
    expect(changes.map((c) => [c.from, c.to, c.reason])).toEqual([
      ['closed', 'open', 'consecutive-failures'],
      ['open', 'half-open', 'break-elapsed'],
      ['half-open', 'closed', 'probe-succeeded'],
    ]);
    expect((await breaker.snapshot())['primary/gpt-4.1']).toMatchObject({ state: 'closed', opens: 0 });
  });

  it('a failed probe keeps the provider shielded for a doubled break', async () => {
    const script: Script = (_req, n) => (n < 3 ? { status: 503 } : 'ok');
    const { clock, mock, call } = await setup(script, { failureThreshold: 2, breakDurationMs: 1_000 });
    await call();
    await call();
    await clock.advanceAsync(1_000);
    expect(await call()).toBeInstanceOf(ServerError); // probe fails
    expect(mock.requests).toHaveLength(3);
    await clock.advanceAsync(1_999);
    expect(await call()).toBeInstanceOf(CircuitOpenError);
    expect(mock.requests).toHaveLength(3);
    await clock.advanceAsync(1);
    expect(await call()).toBe('ok');
    expect(mock.requests).toHaveLength(4);
  });

  it('a stream cut after content counts as a failure', async () => {
    const { client, changes } = await setup([{ stream: { cutAfter: 2 } }], { failureThreshold: 1 });
    let text = '';
    const consume = async () => {
      for await (const c of client.stream(req)) text += c.choices[0]?.delta.content ?? '';
    };
    await expect(consume()).rejects.toThrow();
    expect(text.length).toBeGreaterThan(0);
    expect(changes.map((c) => c.to)).toEqual(['open']);
  });
});
