import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError } from '../config/check.js';
import type { GatewayConfigInput } from '../config/types.js';
import { validateConfig } from '../config/validate.js';
import { closeAfterEach, type ConfigGateway, startConfigGateway } from '../../test/config-gateway.js';

const OPERATOR = 'operator-key-0123456789';
const ACME = 'acme-tenant-key-0123456789';
const GLOBEX = 'globex-tenant-key-0123456789';

let mock: MockProvider | undefined;
let gw: ConfigGateway | undefined;
const track = closeAfterEach();

async function start(keys: NonNullable<GatewayConfigInput['auth']>['keys']): Promise<string> {
  mock = track(await startMockProvider({ apiKey: 'k' }));
  gw = track(await startConfigGateway({ auth: { keys }, providers: { relay: { kind: 'openai', baseURL: mock.url, apiKey: 'k' } }, routes: [{ model: '*', targets: ['relay'] }], cache: false }));
  return gw.url;
}

const get = (url: string, path: string, key: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
const chat = (url: string, key: string) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }) }).then((r) => r.json() as Promise<any>);

const FORBIDDEN = {
  error: {
    message: "This endpoint is for the gateway's operator: call it with an admin key (auth.keys[].role: admin)",
    type: 'invalid_request_error',
    param: null,
    code: 'insufficient_permissions',
  },
};

describe('operator endpoints and tenant keys', () => {
  it('a tenant key gets 403 on /api/health and /metrics, and still serves chat, models and prices', async () => {
    const url = await start([OPERATOR, { key: ACME, tenant: 'acme' }]);
    for (const path of ['/api/health', '/metrics']) {
      const res = await get(url, path, ACME);
      expect([path, res.status]).toEqual([path, 403]);
      expect(await res.json()).toEqual(FORBIDDEN);
    }
    for (const path of ['/v1/models', '/api/cost/gpt-4.1']) expect([path, (await get(url, path, ACME)).status]).toEqual([path, 200]);
    expect((await chat(url, ACME)).choices[0].message.content).toBe('Hello from the mock provider.');
  });

  it('a key without a tenant is an admin key, as before: every operator endpoint answers', async () => {
    const url = await start([OPERATOR, { key: ACME, tenant: 'acme' }]);
    for (const path of ['/api/health', '/metrics', '/api/spend']) expect([path, (await get(url, path, OPERATOR)).status]).toEqual([path, 200]);
  });

  it('/api/spend: a tenant sees only its own rows, the admin sees every tenant', async () => {
    const url = await start([OPERATOR, { key: ACME, tenant: 'acme' }, { key: GLOBEX, tenant: 'globex' }]);
    await chat(url, ACME);
    await chat(url, GLOBEX);
    await chat(url, GLOBEX);
    const acme = (await (await get(url, '/api/spend', ACME)).json()) as any;
    expect(acme.byTenant.map((t: { key: string }) => t.key)).toEqual(['acme']);
    expect(acme.total.requests).toBe(1);
    expect(acme.byModel).toEqual([expect.objectContaining({ key: 'gpt-4.1', requests: 1 })]);
    const globex = (await (await get(url, '/api/spend', GLOBEX)).json()) as any;
    expect([globex.byTenant.map((t: { key: string }) => t.key), globex.total.requests]).toEqual([['globex'], 2]);
    const all = (await (await get(url, '/api/spend', OPERATOR)).json()) as any;
    expect(all.byTenant.map((t: { key: string }) => t.key).sort()).toEqual(['acme', 'globex']);
    expect(all.total.requests).toBe(3);
  });

  it('role: admin makes a tenant-bound key an operator key', async () => {
    const url = await start([{ key: OPERATOR, tenant: 'ops', role: 'admin' }, { key: ACME, tenant: 'acme', role: 'tenant' }]);
    expect((await get(url, '/metrics', OPERATOR)).status).toBe(200);
    expect((await get(url, '/metrics', ACME)).status).toBe(403);
  });

  it('refuses an unknown role and a tenant role without a tenant', () => {
    const base = { providers: { p: { kind: 'openai' as const } }, routes: [{ model: '*', targets: ['p'] }] };
    const issues = (() => {
      try {
        validateConfig({ ...base, auth: { keys: [{ key: OPERATOR, role: 'root' }, { key: ACME, role: 'tenant' }] } });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigValidationError);
        return [...(err as ConfigValidationError).issues];
      }
    })();
    expect(issues).toEqual(['auth.keys[0].role: expected one of admin, tenant, got "root"', 'auth.keys[1]: role tenant needs a tenant (tenant: <name>)']);
  });
});
