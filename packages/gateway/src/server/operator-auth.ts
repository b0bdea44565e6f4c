/**
 * Who may call what: operator endpoints (`/api/health`, `/metrics`, every tenant's spend) need an
 * admin key; tenant keys get the API and their own tenant's spend.
 * @module
 */
import type { GatewayKey, KeyRole } from '../config/types.js';
import type { GatewayPipeline } from '../pipeline/types.js';
import { HttpError } from './errors.js';

/** Route options of an operator endpoint: `app.get('/status', OPERATOR_ROUTE, handler)`. */
export const OPERATOR_ROUTE = { config: { operator: true } } as const;

/**
 * The role of `key`: its `role`, else `tenant` for a key bound to a tenant and `admin` for one
 * that is not (so configs written before roles keep their operator key working).
 */
export function roleOf(key: GatewayKey): KeyRole {
  return key.role ?? (key.tenant === undefined ? 'admin' : 'tenant');
}

/** True when `key` may call operator endpoints; `undefined` (auth off) may call everything. */
export function isAdmin(key: GatewayKey | undefined): boolean {
  return key === undefined || roleOf(key) === 'admin';
}

const forbidden = (message: string) => new HttpError(403, message, 'invalid_request_error', null, 'insufficient_permissions');

/**
 * Throws the 403 when a route marked `operator` (see {@link OPERATOR_ROUTE}) is called with a
 * non-admin key. Called by the auth hook once the key is known.
 *
 * @param routeConfig - the route's `config`
 * @param key - the caller's key (`undefined` with auth off)
 * @throws {@link HttpError} 403 `insufficient_permissions`
 */
export function checkOperatorAccess(routeConfig: { operator?: boolean } | undefined, key: GatewayKey | undefined): void {
  if (routeConfig?.operator === true && !isAdmin(key)) {
    throw forbidden("This endpoint is for the gateway's operator: call it with an admin key (auth.keys[].role: admin)");
  }
}

/**
 * What `GET /api/spend` shows `key`: every tenant's spend for an admin key, only its own tenant's
 * rows for a tenant key (`pipeline.tenantSpend`), `undefined` when the pipeline keeps no ledger.
 *
 * @throws {@link HttpError} 403 when the pipeline cannot narrow its spend to one tenant
 */
export function spendFor(pipeline: GatewayPipeline, key: GatewayKey | undefined): unknown {
  if (isAdmin(key)) return pipeline.spend?.();
  if (key?.tenant === undefined || !pipeline.tenantSpend) {
    throw forbidden("This gateway cannot show one tenant's spend: call /api/spend with an admin key (auth.keys[].role: admin)");
  }
  return pipeline.tenantSpend(key.tenant);
}

/**
 * The startup warning for a gateway whose keys are all tenant keys (nobody can reach the operator
 * endpoints), or `undefined`.
 */
export function operatorKeyWarning(keys: readonly GatewayKey[]): string | undefined {
  if (keys.length === 0 || keys.some((k) => roleOf(k) === 'admin')) return undefined;
  return 'auth: no admin key (auth.keys[].role: admin): /api/health, /metrics and the spend of all tenants answer 403 to every key';
}
