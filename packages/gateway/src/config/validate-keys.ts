/**
 * Validation of a provider's upstream keys: `apiKey` (one), `apiKeys` (a key pool, each key with
 * an optional `rpm`/`tpm` share), `apiKeyFile` (one file or several), and `keyPool` (how the pool
 * rotates). No message ever quotes a key.
 * @module
 */
import { Issues, at, readArray, readEnum, readNumber, readObject, readString, rejectUnknownKeys } from './check.js';
import type { KeyPoolConfig, UpstreamKey } from './types.js';

const KEY_SPEC_KEYS = ['key', 'rpm', 'tpm'] as const;
const KEY_POOL_KEYS = ['strategy', 'windowMs', 'coolDownMs', 'maxCoolDownMs', 'quarantineMs'] as const;
const STRATEGIES = ['round-robin', 'least-used'] as const;

/** A provider's keys once read. */
export interface ProviderKeys {
  /** The first (or only) key. */
  apiKey?: string | undefined;
  /** Every key, when `apiKeys` or several `apiKeyFile`s gave them. */
  apiKeys?: UpstreamKey[] | undefined;
  keyPool?: KeyPoolConfig | undefined;
}

/**
 * Reads `apiKey`, `apiKeys`, `apiKeyFile` and `keyPool` of the provider at `path` (one key source only).
 *
 * @param readSecret - reads (and trims) a key file, or throws
 */
export function readProviderKeys(issues: Issues, path: string, p: Record<string, unknown>, readSecret: (file: string) => string): ProviderKeys {
  const sources = (['apiKey', 'apiKeys', 'apiKeyFile'] as const).filter((k) => p[k] !== undefined);
  if (sources.length > 1) issues.add(path, `give one of apiKey, apiKeys or apiKeyFile, not ${sources.join(' and ')}`);
  const keyPool = readKeyPool(issues, at(path, 'keyPool'), p.keyPool);
  let keys: UpstreamKey[] | undefined;
  let pooled = false;
  if (p.apiKeys !== undefined) {
    keys = readKeyList(issues, at(path, 'apiKeys'), p.apiKeys);
    pooled = true;
  } else if (p.apiKeyFile !== undefined) {
    const files = typeof p.apiKeyFile === 'string' ? [p.apiKeyFile] : readArray(issues, at(path, 'apiKeyFile'), p.apiKeyFile);
    pooled = Array.isArray(p.apiKeyFile);
    if (pooled && files?.length === 0) issues.add(at(path, 'apiKeyFile'), 'list at least one file');
    keys = files?.flatMap((f, i) => {
      const where = pooled ? at(at(path, 'apiKeyFile'), i) : at(path, 'apiKeyFile');
      const file = readString(issues, where, f);
      if (file === undefined) return [];
      try {
        const key = readSecret(file);
        if (key !== '') return [{ key }];
        issues.add(where, `file ${JSON.stringify(file)} is empty`);
      } catch (err) {
        issues.add(where, `cannot read ${JSON.stringify(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      return [];
    });
    if (keys) checkUnique(issues, at(path, 'apiKeyFile'), keys);
  } else {
    const apiKey = readString(issues, at(path, 'apiKey'), p.apiKey, { optional: true });
    keys = apiKey === undefined ? undefined : [{ key: apiKey }];
  }
  return { apiKey: keys?.[0]?.key, ...(pooled && keys && { apiKeys: keys }), ...(keyPool && { keyPool }) };
}

function readKeyList(issues: Issues, path: string, raw: unknown): UpstreamKey[] | undefined {
  // Never quote the value: a single `${KEY}` given instead of a list is a key.
  if (!Array.isArray(raw)) return issues.add(path, `expected a list of keys (apiKeys: ["\${KEY_1}", "\${KEY_2}"]), got ${raw === null ? 'null' : `a ${typeof raw}`}`);
  const list: unknown[] = raw;
  if (list.length === 0) issues.add(path, 'list at least one key (e.g. apiKeys: ["${KEY_1}", "${KEY_2}"])');
  const keys = list.flatMap((item, i): UpstreamKey[] => {
    const where = at(path, i);
    if (typeof item === 'string') return item.trim() === '' ? (issues.add(where, 'expected a non-empty key, got a blank string'), []) : [{ key: item }];
    const o = readObject(issues, where, item, false);
    if (!o) return [];
    rejectUnknownKeys(issues, where, o, KEY_SPEC_KEYS);
    const key = typeof o.key === 'string' && o.key.trim() !== '' ? o.key : issues.add(at(where, 'key'), `expected a non-empty key, got ${typeof o.key === 'string' ? 'a blank string' : o.key === undefined ? 'nothing' : `a ${typeof o.key}`}`);
    const rpm = readNumber(issues, at(where, 'rpm'), o.rpm, { min: 1 });
    const tpm = readNumber(issues, at(where, 'tpm'), o.tpm, { min: 1 });
    return key === undefined ? [] : [{ key, ...(rpm !== undefined && { rpm }), ...(tpm !== undefined && { tpm }) }];
  });
  checkUnique(issues, path, keys);
  return keys;
}

function checkUnique(issues: Issues, path: string, keys: readonly UpstreamKey[]): void {
  const seen = new Map<string, number>();
  keys.forEach((k, i) => {
    const first = seen.get(k.key);
    if (first !== undefined) issues.add(at(path, i), `repeats the key of ${at(path, first)}; list each key once`);
    else seen.set(k.key, i);
  });
}

function readKeyPool(issues: Issues, path: string, raw: unknown): KeyPoolConfig | undefined {
  const o = readObject(issues, path, raw);
  if (!o) return undefined;
  rejectUnknownKeys(issues, path, o, KEY_POOL_KEYS);
  const out: KeyPoolConfig = {};
  const strategy = readEnum(issues, at(path, 'strategy'), o.strategy, STRATEGIES);
  if (strategy !== undefined) out.strategy = strategy;
  for (const field of ['windowMs', 'coolDownMs', 'maxCoolDownMs', 'quarantineMs'] as const) {
    const v = readNumber(issues, at(path, field), o[field], { min: field === 'coolDownMs' ? 0 : 1, integer: true });
    if (v !== undefined) out[field] = v;
  }
  if (out.coolDownMs !== undefined && out.maxCoolDownMs !== undefined && out.maxCoolDownMs < out.coolDownMs) {
    issues.add(at(path, 'maxCoolDownMs'), `expected at least coolDownMs (${out.coolDownMs}), got ${out.maxCoolDownMs}`);
  }
  return out;
}
