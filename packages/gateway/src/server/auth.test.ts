import { createClient } from '@lifeline/core';
import OpenAI from 'openai';
import { pino } from 'pino';
import { createPipeline } from '../pipeline/create-pipeline.js';
import { createGateway } from './create-gateway.js';
import { afterEach, describe, expect, it } from 'vitest';
import { hashKey } from '../config/validate-auth.js';
import { scriptedAdapter } from '@lifeline/testing';
import { hello, post, startHarness, type Harness } from '../../test/harness.js';
import { createAuthenticator } from './auth.js';
import { HttpError } from './errors.js';

const KEY = 'gw-test-key-0123456789';
const TENANT_KEY = 'gw-tenant-key-abcdefgh';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('createAuthenticator', () => {
  it('is off without keys', () => {
    expect(createAuthenticator([])(undefined)).toBeUndefined();
  });

  it('matches the stored hash and returns the key with its tenant', () => {
    const check = createAuthenticator([{ sha256: hashKey(KEY), name: 'a' }, { sha256: hashKey(TENANT_KEY), name: 'acme', tenant: 'acme' }]);
    expect(check(`Bearer ${TENANT_KEY}`)).toEqual({ sha256: hashKey(TENANT_KEY), name: 'acme', tenant: 'acme' });
    expect(check(`bearer   ${KEY} `)?.name).toBe('a');
  });

  it('takes x-api-key when there is no Authorization header (Anthropic clients)', () => {
    const check = createAuthenticator([{ sha256: hashKey(TENANT_KEY), name: 'acme', tenant: 'acme' }]);
    expect(check(undefined, ` ${TENANT_KEY} `)?.tenant).toBe('acme');
    expect(check(`Bearer ${TENANT_KEY}`, 'ignored-when-bearer-is-sent')?.tenant).toBe('acme');
    const wrong = (() => { try { check(undefined, 'nope-nope-nope'); } catch (e) { return e; } })() as HttpError;
    expect([wrong.status, wrong.code]).toEqual([401, 'invalid_api_key']);
    const empty = (() => { try { check(undefined, ''); } catch (e) { return e; } })() as HttpError;
    expect([empty.status, empty.code]).toEqual([401, 'missing_api_key']);
  });

  it('throws 401s that say what to send', () => {
    const check = createAuthenticator([{ sha256: hashKey(KEY), name: 'a' }]);
    const missing = (() => { try { check(undefined); } catch (e) { return e; } })() as HttpError;
    expect(missing).toBeInstanceOf(HttpError);
    expect([missing.status, missing.code, missing.message]).toEqual([401, 'missing_api_key', "Missing API key: send Authorization: Bearer <key> (or x-api-key: <key>) with a key configured in the gateway's auth.keys"]);
    const malformed = (() => { try { check(`Token ${KEY}`); } catch (e) { return e; } })() as HttpError;
    expect(malformed.message).toBe('Missing API key: the Authorization header must be "Bearer <key>" with a key configured in the gateway\'s auth.keys');
    const wrong = (() => { try { check('Bearer nope-nope-nope'); } catch (e) { return e; } })() as HttpError;
    expect([wrong.status, wrong.code, wrong.message]).toEqual([401, 'invalid_api_key', "Incorrect API key provided: the key is not one of the gateway's auth.keys"]);
    expect(wrong.headers).toEqual({ 'www-authenticate': 'Bearer realm="lifeline"' });
  });
});

describe('gateway keys over HTTP', () => {
  it('rejects a missing or wrong key, accepts a right one, and passes the tenant as metadata', async () => {
    const adapter = scriptedAdapter();
    h = await startHarness({ adapter, auth: { keys: [KEY, { key: TENANT_KEY, tenant: 'acme' }] }, apiKey: TENANT_KEY });
    const noKey = await post(h.url, '/v1/chat/completions', JSON.stringify(hello));
    expect(noKey.status).toBe(401);
    expect(noKey.json.error.code).toBe('missing_api_key');
    expect(noKey.headers.get('www-authenticate')).toBe('Bearer realm="lifeline"');
    const wrong = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'wrong-wrong-wrong-wrong', maxRetries: 0 });
    const err = await wrong.chat.completions.create(hello).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    const ok = await h.openai.chat.completions.create(hello);
    expect(ok.choices[0]!.message.content).toBe('Hello world');
    expect(adapter.calls).toHaveLength(1);
    expect(adapter.calls[0]!.call.metadata).toMatchObject({ tenant: 'acme', keyName: 'acme' });
    expect(typeof adapter.calls[0]!.call.metadata.requestId).toBe('string');
  });

  it('leaves /health and /ready public and protects everything else', async () => {
    h = await startHarness({ adapter: scriptedAdapter(), auth: { keys: [KEY] } });
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
    expect((await fetch(`${h.url}/ready`)).status).toBe(200);
    for (const path of ['/v1/models', '/api/health', '/metrics', '/api/cost/x']) {
      expect([path, (await fetch(`${h.url}${path}`)).status]).toEqual([path, 401]);
      expect([path, (await fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${KEY}` } })).status]).not.toEqual([path, 401]);
    }
  });

  it('says auth is off at startup when no key is configured', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const client = createClient({ adapter: scriptedAdapter() });
    const off = createGateway({ pipeline: createPipeline({ routes: [{ model: '*', client }] }) }, { logger });
    const on = createGateway({ pipeline: createPipeline({ routes: [{ model: '*', client }] }), auth: { keys: [KEY] } }, { logger });
    expect([off.authDisabled, on.authDisabled]).toEqual([true, false]);
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['auth is off: no gateway keys configured (auth.keys), every request is accepted']);
    await Promise.all([off.close(), on.close()]);
  });
});
