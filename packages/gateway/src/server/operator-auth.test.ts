import { describe, expect, it } from 'vitest';
import { HttpError } from './errors.js';
import { checkOperatorAccess, isAdmin, operatorKeyWarning, roleOf, spendFor } from './operator-auth.js';

const admin = { sha256: 'a', name: 'ops' };
const tenant = { sha256: 'b', name: 'acme', tenant: 'acme' };
const pipeline = { route: () => undefined, models: () => [], close: async () => {}, spend: () => 'all', tenantSpend: (t: string) => `only ${t}` };

function thrown(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    return err as HttpError;
  }
  throw new Error('expected a throw');
}

describe('operator access', () => {
  it('defaults: no tenant → admin, a tenant → tenant; an explicit role wins; auth off is admin', () => {
    expect([roleOf(admin), roleOf(tenant), roleOf({ ...tenant, role: 'admin' }), roleOf({ ...admin, role: 'tenant' })]).toEqual(['admin', 'tenant', 'admin', 'tenant']);
    expect([isAdmin(undefined), isAdmin(admin), isAdmin(tenant)]).toEqual([true, true, false]);
  });

  it('refuses operator routes to tenant keys with a 403', () => {
    expect(() => checkOperatorAccess({ operator: true }, admin)).not.toThrow();
    expect(() => checkOperatorAccess(undefined, tenant)).not.toThrow();
    const err = thrown(() => checkOperatorAccess({ operator: true }, tenant));
    expect([err.status, err.code, err.message]).toEqual([403, 'insufficient_permissions', "This endpoint is for the gateway's operator: call it with an admin key (auth.keys[].role: admin)"]);
  });

  it('spendFor: all for an admin, own rows for a tenant, 403 when the pipeline cannot narrow', () => {
    expect([spendFor(pipeline, admin), spendFor(pipeline, tenant), spendFor(pipeline, undefined)]).toEqual(['all', 'only acme', 'all']);
    const err = thrown(() => spendFor({ ...pipeline, tenantSpend: undefined }, tenant));
    expect([err.status, err.message]).toEqual([403, "This gateway cannot show one tenant's spend: call /api/spend with an admin key (auth.keys[].role: admin)"]);
  });

  it('warns when every key is a tenant key', () => {
    expect(operatorKeyWarning([])).toBeUndefined();
    expect(operatorKeyWarning([admin, tenant])).toBeUndefined();
    expect(operatorKeyWarning([tenant])).toBe('auth: no admin key (auth.keys[].role: admin): /api/health, /metrics and the spend of all tenants answer 403 to every key');
  });
});
