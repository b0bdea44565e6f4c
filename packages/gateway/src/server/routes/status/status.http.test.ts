import type { LifelineClient } from '@lifeline/core';
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from '../../../config/check.js';
import type { GatewayConfigInput } from '../../../config/types.js';
import { validateConfig } from '../../../config/validate.js';
import { createPipeline } from '../../../pipeline/create-pipeline.js';
import { createGateway } from '../../create-gateway.js';
import { closeAfterEach, startConfigGateway } from '../../../../test/config-gateway.js';
import { BASIC_CHALLENGE } from './auth.js';
import { MAX_WATCHERS } from './events.js';

const track = closeAfterEach();
const UPSTREAM_KEY = 'sk-upstream-0123456789abcdefSECRET';
const ADMIN = 'gw-admin-key-7f3a9c2e1b';
const TENANT = 'gw-tenant-key-4d8e6b0a2c';
const PROMPT = 'Summarise the confidential merger memo for Project Bluebird';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function start(extra: Partial<GatewayConfigInput> = {}): Promise<{ url: string; primary: MockProvider; backup: MockProvider }> {
  const primary = track(await startMockProvider({ apiKey: UPSTREAM_KEY }));
  const backup = track(await startMockProvider({ apiKey: UPSTREAM_KEY }));
  const { url } = track(
    await startConfigGateway({
      auth: { keys: [{ key: ADMIN, name: 'ops' }, { key: TENANT, tenant: 'acme' }] },
      providers: { primary: { kind: 'openai', baseURL: primary.url, apiKey: UPSTREAM_KEY }, backup: { kind: 'openai', baseURL: backup.url, apiKey: UPSTREAM_KEY } },
      routes: [{ model: '*', targets: ['primary', 'backup'] }],
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
      circuitBreaker: { failureThreshold: 2, breakDurationMs: 60_000 },
      ...extra,
    }),
  );
  return { url, primary, backup };
}

/** Opens the event stream and collects its text until `until(text)` or `ms`; then disconnects. */
async function events(url: string, authorization: string, act: () => Promise<void>, until: (text: string) => boolean, ms = 5_000): Promise<{ status: number; type: string | null; text: string }> {
  const abort = new AbortController();
  const res = await fetch(`${url}/status/events`, { headers: { authorization }, signal: abort.signal });
  let text = '';
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const deadline = setTimeout(() => abort.abort(), ms);
  try {
    const read = async () => {
      while (!until(text)) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
      }
    };
    const reading = read();
    await act();
    await reading;
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    clearTimeout(deadline);
    abort.abort();
  }
  return { status: res.status, type: res.headers.get('content-type'), text };
}

const ask = (url: string, content: string) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${TENANT}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content }] }) }).then(async (r) => ({ status: r.status, body: await r.text() }));

describe('GET /status: who may see it', () => {
  it('without a key: 401 with a Basic challenge, so that a browser asks for the key', async () => {
    const { url } = await start();
    for (const path of ['/status', '/status/events']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(BASIC_CHALLENGE);
      expect(await res.json()).toEqual({
        error: { message: "Missing API key: send Authorization: Bearer <key> (or x-api-key: <key>) with a key configured in the gateway's auth.keys. A browser may send it as the password of Basic auth.", type: 'invalid_request_error', param: null, code: 'missing_api_key' },
      });
    }
  });

  it('a wrong key as Basic password: 401 invalid_api_key; a tenant key: 403', async () => {
    const { url } = await start();
    const wrong = await fetch(`${url}/status`, { headers: { authorization: basic('ops', 'not-a-key') } });
    expect([wrong.status, ((await wrong.json()) as { error: { code: string } }).error.code]).toEqual([401, 'invalid_api_key']);
    const spaced = await fetch(`${url}/status`, { headers: { authorization: basic('', 'two words') } });
    expect([spaced.status, ((await spaced.json()) as { error: { code: string } }).error.code]).toEqual([401, 'invalid_api_key']);
    const tenant = await fetch(`${url}/status`, { headers: { authorization: basic('acme', TENANT) } });
    expect(tenant.status).toBe(403);
    expect(await tenant.json()).toEqual({ error: { message: "This endpoint is for the gateway's operator: call it with an admin key (auth.keys[].role: admin)", type: 'invalid_request_error', param: null, code: 'insufficient_permissions' } });
  });

  it('an admin key (Basic password or user name, Bearer, x-api-key): the page, under a strict CSP with a fresh nonce', async () => {
    const { url } = await start();
    const answers = await Promise.all([basic('anyone', ADMIN), basic(ADMIN, ''), `Bearer ${ADMIN}`].map((authorization) => fetch(`${url}/status`, { headers: { authorization } })));
    answers.push(await fetch(`${url}/status`, { headers: { 'x-api-key': ADMIN } }));
    const nonces: string[] = [];
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect([res.headers.get('cache-control'), res.headers.get('x-frame-options'), res.headers.get('referrer-policy')]).toEqual(['no-store', 'DENY', 'no-referrer']);
      const csp = res.headers.get('content-security-policy')!;
      const nonce = /script-src 'nonce-([A-Za-z0-9+/=]{24})'/.exec(csp)![1]!;
      expect(csp).toBe(`default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
      const html = await res.text();
      expect(html.match(/<script\b[^>]*>/g)).toEqual([`<script nonce="${nonce}">`]);
      expect(html.match(/<style\b[^>]*>/g)).toEqual([`<style nonce="${nonce}">`]);
      expect(html).not.toMatch(/\b(src|href)="(?!data:)/);
      nonces.push(nonce);
    }
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  it('status: { enabled: false } (or status: false) answers 404 on both paths', async () => {
    for (const status of [{ enabled: false }, false] as const) {
      const { url } = await start({ status });
      for (const path of ['/status', '/status/events']) {
        const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
        expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([404, 'unknown_url']);
      }
    }
  });

  it('refuses a status section it does not understand, naming the field', () => {
    const base = { providers: { p: { kind: 'openai' as const, apiKey: 'k' } }, routes: [{ model: '*', targets: ['p'] }] };
    const issues = (status: unknown) => {
      try {
        validateConfig({ ...base, status });
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigValidationError);
        return (error as ConfigValidationError).issues;
      }
    };
    expect(issues({ enabled: 'yes' })).toEqual(['status.enabled: expected true or false, got "yes"']);
    expect(issues({ enable: false })[0]).toMatch(/^status\.enable: unknown key \(did you mean "enabled"\?\)/);
    expect(validateConfig(base).status).toEqual({ enabled: true });
  });
});

describe('GET /status/events', () => {
  it('sends a snapshot, then the failover and the breaker opening; never a key or the prompt', async () => {
    const { url, primary } = await start();
    // The primary fails, and its error body quotes the request.
    primary.setScript((req) => ({ status: 503, error: { message: `Overloaded while reading: ${(req.body as { messages: Array<{ content: string }> }).messages[0]!.content}` } }));
    const got = await events(
      url,
      basic('ops', ADMIN),
      async () => {
        for (let i = 0; i < 3; i++) expect((await ask(url, `${PROMPT} (${i})`)).status).toBe(200);
      },
      (text) => text.includes('"kind":"failover"') && text.includes('"to":"open"') && text.includes('event: summary'),
    );
    expect([got.status, got.type]).toEqual([200, 'text/event-stream; charset=utf-8']);
    expect(got.text.startsWith('retry: 2000\n\nevent: snapshot\ndata: {')).toBe(true);
    const snapshot = JSON.parse(/^event: snapshot\ndata: (.*)$/m.exec(got.text)![1]!) as { routes: unknown; authOff: boolean; targets: Record<string, { breaker: { state: string } }>; summary: { inflight: number } };
    expect(snapshot.summary.inflight).toBe(0); // a status stream is no call in flight
    expect(snapshot.routes).toEqual([{ pattern: '*', strategy: 'ordered', targets: ['primary', 'backup'] }]);
    expect(snapshot.authOff).toBe(false);
    expect(snapshot.targets.primary!.breaker.state).toBe('closed');
    expect(got.text).toContain('"text":"primary → backup (primary 2× server)"');
    expect(got.text).toContain('"text":"breaker primary/gpt-4.1: closed → open"');
    expect(got.text).toMatch(/"lastError":\{"at":\d+,"code":"server","status":503,"message":"openai primary: 503 server_error"\}/);
    for (const secret of [UPSTREAM_KEY, ADMIN, TENANT, 'Bluebird', 'merger memo', 'Overloaded while reading']) expect(got.text).not.toContain(secret);
  });

  it('ends its streams when the gateway closes, without waiting for the shutdown deadline', async () => {
    const primary = await startMockProvider({ apiKey: UPSTREAM_KEY });
    try {
      // Waiting for the shutdown deadline would take 10 minutes, far past the 10 s allowed here:
      // the gap is wide enough that no slowness of a loaded machine can blur it.
      const started = await startConfigGateway({
        server: { shutdownTimeoutMs: 600_000 },
        providers: { primary: { kind: 'openai', baseURL: primary.url, apiKey: UPSTREAM_KEY } },
        routes: [{ model: '*', targets: ['primary'] }],
      });
      const res = await fetch(`${started.url}/status/events`);
      const body = res.text();
      let allowed: ReturnType<typeof setTimeout> | undefined;
      const closed = await Promise.race([
        started.close().then(() => 'closed'),
        new Promise((resolve) => (allowed = setTimeout(resolve, 10_000, 'still closing after 10 s'))),
      ]);
      clearTimeout(allowed);
      expect(closed).toBe('closed');
      expect(await body).toMatch(/^retry: 2000\n\nevent: snapshot\ndata: \{"at":\d+,"startedAt":\d+,"authOff":true,/);
    } finally {
      await primary.close();
    }
  });

  it('answers 503 status_unavailable while the breakers cannot be read, and has no HEAD route', async () => {
    const gateway = track(createGateway({ pipeline: createPipeline({ routes: [{ model: '*', client: {} as LifelineClient, targets: ['a'] }], breakers: () => Promise.reject(new Error('store down')) }), server: { logLevel: 'silent' } }));
    const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${url}/status/events`);
    expect([res.status, res.headers.get('retry-after')]).toEqual([503, '2']);
    expect(await res.json()).toEqual({ error: { message: 'The status cannot be read right now: the state store does not answer; retry in a moment', type: 'service_unavailable', param: null, code: 'status_unavailable' } });
    expect((await fetch(`${url}/status/events`, { method: 'HEAD' })).status).toBe(404);
    expect((await fetch(`${url}/status`, { method: 'HEAD' })).status).toBe(200);
  });

  it(`answers 503 too_many_watchers past ${MAX_WATCHERS} open streams`, async () => {
    const { url } = await start();
    const abort = new AbortController();
    try {
      const open = await Promise.all(Array.from({ length: MAX_WATCHERS }, () => fetch(`${url}/status/events`, { headers: { authorization: `Bearer ${ADMIN}` }, signal: abort.signal })));
      expect(open.every((r) => r.status === 200)).toBe(true);
      await Promise.all(open.map((r) => r.body!.getReader().read()));
      const more = await fetch(`${url}/status/events`, { headers: { authorization: `Bearer ${ADMIN}` } });
      expect(more.status).toBe(503);
      expect(more.headers.get('retry-after')).toBe('5');
      expect(await more.json()).toEqual({ error: { message: `The status page is open ${MAX_WATCHERS} times already; close one and retry`, type: 'service_unavailable', param: null, code: 'too_many_watchers' } });
    } finally {
      abort.abort();
    }
  });
});
