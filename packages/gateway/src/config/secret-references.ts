/**
 * The rule that secrets come from the environment, applied to every way a config file can write
 * one: `${VAR:-default}` defaults (a literal key as the default is a key in the file), and
 * provider headers that carry credentials (`Authorization`, `x-api-key`, `api-key`, …).
 * @module
 */
import { Issues, at } from './check.js';
import { redisPasswords } from './validate-store.js';
import type { ProviderConfig } from './types.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
/** Header names that carry a credential: `Authorization`, `Cookie`, and `*-key`, `*-token`, `*-secret`, … segments. */
const CREDENTIAL_HEADER = /(?:^|[-_])(?:authorization|cookie|api[-_]?key|key|token|secret|password|credentials?)(?:$|[-_])/i;
/** What may stand next to the references of a credential header: nothing, or an auth scheme and a space. */
const SCHEME_ONLY = /^(?:[A-Za-z][A-Za-z0-9_-]* )?$/;

/**
 * True for a header name that carries a credential, whose value must then come from the environment.
 * @example
 * ```ts
 * isCredentialHeader('x-api-key'); // true
 * isCredentialHeader('OpenAI-Project'); // false
 * ```
 */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

/** The name of the first `${NAME:-default}` in `text` whose default is not empty. */
function literalDefault(text: string): string | undefined {
  for (const m of text.matchAll(REFERENCE)) if (m[2] !== undefined && m[2] !== '') return m[1];
  return undefined;
}

const defaultIssue = (what: string, name: string) => `${what} must come from the environment, but the default in \${${name}:-…} writes one in the file: use \${${name}} with no default`;

/**
 * Checks a parsed (not yet interpolated) config: upstream `apiKey`s, credential headers and the
 * password of `store.redis.url` may not be written in the file, not even as the default of a
 * `${VAR:-default}`. Messages name the field and the variable, never the value.
 *
 * @param raw - the parsed file
 * @param issues - where problems are recorded
 */
export function checkSecretReferences(raw: unknown, issues: Issues): void {
  const root = raw as { providers?: unknown; store?: { redis?: { url?: unknown } } } | null;
  const providers = root?.providers;
  if (providers && typeof providers === 'object' && !Array.isArray(providers)) {
    for (const [name, p] of Object.entries(providers as Record<string, unknown>)) {
      const path = at('providers', name);
      const { apiKey, headers } = (p ?? {}) as { apiKey?: unknown; headers?: unknown };
      const keyDefault = typeof apiKey === 'string' ? literalDefault(apiKey) : undefined;
      if (keyDefault !== undefined) issues.add(at(path, 'apiKey'), defaultIssue('upstream keys', keyDefault));
      if (headers && typeof headers === 'object' && !Array.isArray(headers)) checkHeaders(issues, at(path, 'headers'), headers as Record<string, unknown>);
    }
  }
  const url = root?.store?.redis?.url;
  const password = typeof url === 'string' ? redisPasswords(url)[0] : undefined;
  const passwordDefault = password === undefined ? undefined : literalDefault(password);
  if (passwordDefault !== undefined) issues.add('store.redis.url', defaultIssue('the Redis password', passwordDefault));
}

function checkHeaders(issues: Issues, path: string, headers: Record<string, unknown>): void {
  for (const [header, value] of Object.entries(headers)) {
    if (!isCredentialHeader(header) || typeof value !== 'string') continue;
    const named = literalDefault(value);
    if (named !== undefined) {
      issues.add(at(path, header), defaultIssue('credential headers', named));
      continue;
    }
    const rest = value.replace(REFERENCE, '');
    if (rest.length < value.length && SCHEME_ONLY.test(rest)) continue;
    const scheme = /^([A-Za-z][A-Za-z0-9_-]*) /.exec(value)?.[1] ?? (/authorization/i.test(header) ? 'Bearer' : undefined);
    const hint = scheme ? `"${scheme} \${MY_TOKEN_VAR}"` : '"${MY_KEY_VAR}"';
    issues.add(at(path, header), `a credential header must come from the environment, not the file: write it as ${hint} (or use apiKey)`);
  }
}

/**
 * The credentials a provider's headers carry (the value after its auth scheme, if any), to be
 * scrubbed like upstream keys from everything the gateway answers or logs.
 *
 * @param providers - the validated providers
 * @returns the secret values (at least 4 characters each)
 */
export function credentialHeaderSecrets(providers: Readonly<Record<string, ProviderConfig>>): string[] {
  const out: string[] = [];
  for (const p of Object.values(providers)) {
    for (const [header, value] of Object.entries(p.headers ?? {})) {
      if (!isCredentialHeader(header)) continue;
      const secret = value.replace(/^[A-Za-z][A-Za-z0-9_-]* +(?=\S)/, '').trim();
      if (secret.length >= 4) out.push(secret);
    }
  }
  return out;
}
