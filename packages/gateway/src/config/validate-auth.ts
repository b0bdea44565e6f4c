/**
 * Validation of `auth:`. Keys are hashed here, so the plaintext never reaches the rest of the gateway.
 * @module
 */
import { createHash } from 'node:crypto';
import { Issues, at, readArray, readEnum, readNumber, readObject, readString, rejectUnknownKeys } from './check.js';
import type { GatewayKey, KeyRole } from './types.js';

/** Shortest gateway key accepted, in characters. */
export const MIN_KEY_LENGTH = 16;
const KEY_FIELDS = ['key', 'sha256', 'name', 'tenant', 'budgetUsdPerDay', 'rpm', 'role'] as const;
const ROLES: readonly KeyRole[] = ['admin', 'tenant'];
const HEX64 = /^[0-9a-f]{64}$/i;
const TENANT = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * Hex SHA-256 of a gateway key, the form keys are stored and compared in. Use it to write a
 * pre-hashed key (`{ sha256 }`) in a config file.
 * @example
 * ```ts
 * hashKey('my-gateway-key-0123456789'); // '3c1f…'
 * ```
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Reads `auth:` into hashed keys. */
export function readAuth(issues: Issues, raw: unknown): { keys: GatewayKey[] } {
  const keys: GatewayKey[] = [];
  const obj = readObject(issues, 'auth', raw);
  if (!obj) return { keys };
  rejectUnknownKeys(issues, 'auth', obj, ['keys']);
  const list = readArray(issues, 'auth.keys', obj.keys) ?? [];
  const seen = new Map<string, string>();
  list.forEach((entry, i) => {
    const path = at('auth.keys', i);
    const key = readKey(issues, path, entry, i);
    if (!key) return;
    const previous = seen.get(key.sha256);
    if (previous !== undefined) {
      issues.add(path, `the same key is already listed at ${previous}`);
      return;
    }
    seen.set(key.sha256, path);
    keys.push(key);
  });
  return { keys };
}

function readKey(issues: Issues, path: string, entry: unknown, index: number): GatewayKey | undefined {
  const name = `key-${index + 1}`;
  if (typeof entry === 'string') {
    const sha256 = plaintext(issues, path, entry);
    return sha256 ? { sha256, name, role: 'admin' } : undefined;
  }
  const obj = readObject(issues, path, entry, false);
  if (!obj) return undefined;
  rejectUnknownKeys(issues, path, obj, KEY_FIELDS);
  let sha256: string | undefined;
  if (obj.key !== undefined && obj.sha256 !== undefined) issues.add(path, 'give key or sha256, not both');
  else if (obj.key !== undefined) sha256 = plaintext(issues, at(path, 'key'), obj.key);
  else if (obj.sha256 !== undefined) {
    const hex = readString(issues, at(path, 'sha256'), obj.sha256, { pattern: HEX64, patternHint: '64 hex characters (sha256 of the key)' });
    sha256 = hex?.toLowerCase();
  } else issues.add(path, 'needs key (the key itself, e.g. "${LIFELINE_KEY}") or sha256 (its hex SHA-256)');
  const tenant = readString(issues, at(path, 'tenant'), obj.tenant, { optional: true, pattern: TENANT, patternHint: '1-64 letters, digits, "_", ".", ":" or "-"' });
  const label = readString(issues, at(path, 'name'), obj.name, { optional: true });
  const budgetUsdPerDay = readNumber(issues, at(path, 'budgetUsdPerDay'), obj.budgetUsdPerDay, { min: 0 });
  const rpm = readNumber(issues, at(path, 'rpm'), obj.rpm, { min: 1, integer: true });
  if ((budgetUsdPerDay !== undefined || rpm !== undefined) && tenant === undefined && obj.tenant === undefined) {
    issues.add(path, 'budgetUsdPerDay and rpm apply to a tenant: set tenant too');
  }
  const role = readEnum(issues, at(path, 'role'), obj.role, ROLES) ?? (obj.tenant === undefined ? 'admin' : 'tenant');
  if (role === 'tenant' && obj.tenant === undefined) issues.add(path, 'role tenant needs a tenant (tenant: <name>)');
  if (!sha256) return undefined;
  return { sha256, name: label ?? tenant ?? name, tenant, budgetUsdPerDay, rpm, role };
}

function plaintext(issues: Issues, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return issues.add(path, `expected a string key, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  if (value.length < MIN_KEY_LENGTH) return issues.add(path, `a gateway key must be at least ${MIN_KEY_LENGTH} characters, got ${value.length}`);
  return hashKey(value);
}
