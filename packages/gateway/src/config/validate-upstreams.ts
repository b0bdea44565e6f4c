/**
 * Validation of `providers:` and `routes:`.
 * @module
 */
import { DEFAULT_BASE_URLS } from './defaults.js';
import { Issues, at, closest, readArray, readBoolean, readEnum, readNumber, readObject, readString, rejectUnknownKeys } from './check.js';
import { readProviderKeys } from './validate-keys.js';
import { MID_STREAM_POLICIES, PROVIDER_KINDS, type ProviderConfig, type RouteConfig, type RouteStrategy, type TargetConfig } from './types.js';
import { readRouteModels } from './validate-route-models.js';

const NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const NAME_HINT = 'a name of letters, digits, "_", "." or "-", starting with a letter';
const PROVIDER_KEYS = ['kind', 'baseURL', 'apiKey', 'apiKeys', 'apiKeyFile', 'keyPool', 'headers', 'models', 'catalog', 'connections', 'http2', 'defaultMaxTokens', 'prefill'] as const;
const ROUTE_KEYS = ['model', 'targets', 'strategy', 'hedgeAfterMs', 'midStream', 'models'] as const;
const TARGET_KEYS = ['provider', 'model', 'weight', 'prefill', 'embeddingFamily', 'dimensions'] as const;
const STRATEGIES: readonly RouteStrategy[] = ['ordered', 'weighted', 'least-latency'];

/** Reads `providers:`; `readSecret` loads an `apiKeyFile` (trimmed), or throws; `resolvePath` makes `catalog` absolute. */
export function readProviders(issues: Issues, raw: unknown, readSecret: (file: string) => string, resolvePath: (file: string) => string = (f) => f): Record<string, ProviderConfig> {
  const out: Record<string, ProviderConfig> = {};
  const obj = readObject(issues, 'providers', raw, false);
  if (!obj) return out;
  if (Object.keys(obj).length === 0) issues.add('providers', 'define at least one provider');
  for (const [name, value] of Object.entries(obj)) {
    const path = at('providers', name);
    if (!NAME.test(name)) issues.expected(path, NAME_HINT, name);
    const p = readObject(issues, path, value, false);
    if (!p) continue;
    rejectUnknownKeys(issues, path, p, PROVIDER_KEYS);
    const kind = readEnum(issues, at(path, 'kind'), p.kind, PROVIDER_KINDS, false);
    const baseURL = readString(issues, at(path, 'baseURL'), p.baseURL, { optional: true });
    if (baseURL !== undefined) checkUrl(issues, at(path, 'baseURL'), baseURL);
    const keys = readProviderKeys(issues, path, p, readSecret);
    const apiKey = keys.apiKey;
    const headers = readHeaders(issues, at(path, 'headers'), p.headers);
    const models = readArray(issues, at(path, 'models'), p.models)?.map((m, i) => readString(issues, at(at(path, 'models'), i), m)).filter((m): m is string => m !== undefined);
    const catalog = readString(issues, at(path, 'catalog'), p.catalog, { optional: true });
    const connections = readNumber(issues, at(path, 'connections'), p.connections, { min: 1, max: 10_000, integer: true });
    const defaultMaxTokens = readNumber(issues, at(path, 'defaultMaxTokens'), p.defaultMaxTokens, { min: 1, integer: true });
    const prefill = readBoolean(issues, at(path, 'prefill'), p.prefill);
    const http2 = readBoolean(issues, at(path, 'http2'), p.http2);
    if (!kind) continue;
    if (kind !== 'openai' && apiKey === undefined && p.apiKey === undefined && p.apiKeyFile === undefined && p.apiKeys === undefined) {
      issues.add(at(path, 'apiKey'), `is required for kind ${kind} (e.g. apiKey: "\${${kind === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'GEMINI_API_KEY'}}")`);
    }
    out[name] = {
      kind,
      baseURL: stripSlash(baseURL ?? DEFAULT_BASE_URLS[kind]),
      apiKey,
      ...(keys.apiKeys && { apiKeys: keys.apiKeys }),
      ...(keys.keyPool && { keyPool: keys.keyPool }),
      headers,
      models,
      catalog: catalog === undefined ? undefined : resolvePath(catalog),
      connections,
      ...(http2 !== undefined && { http2 }),
      defaultMaxTokens: defaultMaxTokens ?? (kind === 'anthropic' ? 4096 : undefined),
      ...(prefill !== undefined && { prefill }),
    };
  }
  return out;
}

function readHeaders(issues: Issues, path: string, raw: unknown): Record<string, string> | undefined {
  const obj = readObject(issues, path, raw);
  if (!obj) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    const s = readString(issues, at(path, k), v, { nonEmpty: false });
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function checkUrl(issues: Issues, path: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    issues.expected(path, 'an absolute http(s) URL', value);
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') issues.expected(path, 'an http:// or https:// URL', value);
  if (url.username || url.password) issues.add(path, 'must not embed credentials; use apiKey');
}

function stripSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/** Reads `routes:`, checking that every target names a defined provider. */
export function readRoutes(issues: Issues, raw: unknown, declared: readonly string[]): RouteConfig[] {
  const out: RouteConfig[] = [];
  const list = readArray(issues, 'routes', raw, false);
  if (!list) return out;
  if (list.length === 0) issues.add('routes', 'define at least one route (e.g. { model: "*", targets: [primary] })');
  list.forEach((value, i) => {
    const path = at('routes', i);
    const r = readObject(issues, path, value, false);
    if (!r) return;
    rejectUnknownKeys(issues, path, r, ROUTE_KEYS);
    const model = readString(issues, at(path, 'model'), r.model);
    const strategy = readEnum(issues, at(path, 'strategy'), r.strategy, STRATEGIES) ?? 'ordered';
    const hedgeAfterMs = readNumber(issues, at(path, 'hedgeAfterMs'), r.hedgeAfterMs, { min: 1 });
    const midStream = readEnum(issues, at(path, 'midStream'), r.midStream, MID_STREAM_POLICIES);
    const models = readRouteModels(issues, at(path, 'models'), r.models, model);
    const targetList = readArray(issues, at(path, 'targets'), r.targets, false);
    if (targetList && targetList.length === 0) issues.add(at(path, 'targets'), 'list at least one target');
    const targets: TargetConfig[] = [];
    targetList?.forEach((t, j) => {
      const target = readTarget(issues, at(at(path, 'targets'), j), t, declared);
      if (target) targets.push(target);
    });
    if (model !== undefined && targets.length > 0) out.push({ model, targets, strategy, hedgeAfterMs, ...(midStream !== undefined && { midStream }), ...(models !== undefined && { models }) });
  });
  return out;
}

function readTarget(issues: Issues, path: string, raw: unknown, declared: readonly string[]): TargetConfig | undefined {
  let provider: string | undefined;
  let model: string | undefined;
  let weight: number | undefined;
  let prefill: boolean | undefined;
  let embeddingFamily: string | undefined;
  let dimensions: number | undefined;
  let providerPath = path;
  if (typeof raw === 'string') {
    provider = raw;
  } else {
    const t = readObject(issues, path, raw, false);
    if (!t) return undefined;
    rejectUnknownKeys(issues, path, t, TARGET_KEYS);
    providerPath = at(path, 'provider');
    provider = readString(issues, providerPath, t.provider);
    model = readString(issues, at(path, 'model'), t.model, { optional: true });
    weight = readNumber(issues, at(path, 'weight'), t.weight, { min: 0, allowZero: true });
    prefill = readBoolean(issues, at(path, 'prefill'), t.prefill);
    embeddingFamily = readString(issues, at(path, 'embeddingFamily'), t.embeddingFamily, { optional: true });
    dimensions = readNumber(issues, at(path, 'dimensions'), t.dimensions, { integer: true, min: 1 });
  }
  if (provider === undefined) return undefined;
  if (!declared.includes(provider)) {
    const hint = closest(provider, declared);
    issues.add(providerPath, `unknown provider ${JSON.stringify(provider)}${hint ? ` (did you mean "${hint}"?)` : ''}; defined: ${declared.join(', ') || 'none'}`);
    return undefined;
  }
  const target: TargetConfig = { provider, model, weight };
  if (prefill !== undefined) target.prefill = prefill;
  if (embeddingFamily !== undefined) target.embeddingFamily = embeddingFamily;
  if (dimensions !== undefined) target.dimensions = dimensions;
  return target;
}
