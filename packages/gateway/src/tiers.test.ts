import { DEFAULT_FALLBACK_CONTENT } from '@lifeline/core';
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifelineSummary } from './server/meta.js';
import { createGateway, type Gateway } from './server/create-gateway.js';

const KEY = 'upstream-test-key';
let primary: MockProvider;
let backup: MockProvider;
let gateway: Gateway;
let client: OpenAI;

beforeAll(async () => {
  [primary, backup] = await Promise.all([
    startMockProvider({ flavor: 'openai', text: 'Primary answer.', apiKey: KEY }),
    startMockProvider({ flavor: 'openai', text: 'Backup answer.', apiKey: KEY }),
  ]);
  gateway = createGateway({
    server: { logLevel: 'silent' },
    providers: { primary: { kind: 'openai', baseURL: primary.url, apiKey: KEY }, backup: { kind: 'openai', baseURL: backup.url, apiKey: KEY } },
    routes: [{ model: '*', targets: ['primary', 'backup'] }],
    retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
    circuitBreaker: { failureThreshold: 50 },
    cache: { ttlMs: 600_000, staleIfErrorMs: 86_400_000 },
  });
  const url = await gateway.listen({ port: 0 });
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'none', maxRetries: 0 });
});

afterAll(async () => {
  await gateway.close();
  await Promise.all([primary.close(), backup.close()]);
});

const ask = (content: string, headers?: Record<string, string>) =>
  client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content }] }, headers ? { headers } : undefined).withResponse();
const lifeline = (data: unknown) => (data as { lifeline: LifelineSummary }).lifeline;

describe('the three tiers through the gateway', () => {
  it('tier 1: the primary answers, with its cost', async () => {
    const { data, response } = await ask('What is Lifeline?');
    expect(data.choices[0]!.message.content).toBe('Primary answer.');
    expect(response.headers.get('x-lifeline-provider')).toBe('primary');
    expect(response.headers.get('x-lifeline-cache')).toBe('miss');
    expect(Number(response.headers.get('x-lifeline-cost-usd'))).toBeGreaterThan(0);
    expect(primary.requests.at(-1)!.headers.authorization).toBe('[redacted]');
  });

  it('tier 2: primary down → backup, with the failed attempts in the route', async () => {
    primary.setScript({ status: 503 });
    const { data, response } = await ask('Why fail over?');
    expect(data.choices[0]!.message.content).toBe('Backup answer.');
    expect(response.headers.get('x-lifeline-provider')).toBe('backup');
    expect(response.headers.get('x-lifeline-attempts')).toBe('3');
    expect(lifeline(data).route).toEqual(['primary:error:server', 'primary:error:server', 'backup:ok']);
  });

  it('tier 2 for streams: the stream comes from the backup', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Stream it' }], stream: true });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('Backup answer.');
  });

  it('tier 3a: every target down → the stale cached answer', async () => {
    backup.setScript({ status: 503 });
    const { data, response } = await ask('What is Lifeline?', { 'cache-control': 'no-cache' });
    expect(data.choices[0]!.message.content).toBe('Primary answer.');
    expect(response.headers.get('x-lifeline-cache')).toBe('stale');
    expect(response.headers.get('x-lifeline-degraded')).toBe('false');
    expect(lifeline(data).costUsd).toBe(0);
  });

  it('tier 3b: every target down, never seen → a degraded answer flagged in headers and body', async () => {
    const { data, response } = await ask('A question nobody asked before');
    expect(data.choices[0]!.message.content).toBe(DEFAULT_FALLBACK_CONTENT);
    expect(response.headers.get('x-lifeline-degraded')).toBe('true');
    expect(response.headers.get('x-lifeline-provider')).toBe('fallback');
    expect(lifeline(data)).toMatchObject({ degraded: true, provider: 'fallback' });
    expect((data as unknown as { lifeline: { degraded: boolean } }).lifeline.degraded).toBe(true);
  });

  it('reports it all at /api/health and /metrics', async () => {
    const health = (await (await fetch(`${gateway.url}/api/health`)).json()) as { providers: Record<string, { failures: number; lastError: string }>; cache: { entries: number; stale: number } };
    expect(health.providers.primary!.failures).toBeGreaterThanOrEqual(6);
    expect(health.providers.primary!.lastError).toMatch(/^server \(503\): /);
    expect(health.cache).toMatchObject({ stale: 1 });
    expect(health.cache.entries).toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('lifeline_failovers_total{from="primary",to="backup"} 2');
    expect(metrics).toContain('lifeline_degraded_total{model="gpt-4.1"} 1');
    expect(metrics).toContain('lifeline_cache_results_total{result="stale"} 1');
  });
});
