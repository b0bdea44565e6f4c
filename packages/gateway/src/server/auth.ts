/**
 * Gateway API keys: `Authorization: Bearer <key>` (or `x-api-key: <key>`, as Anthropic's clients
 * send it), checked against stored SHA-256 hashes in constant time.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayKey } from '../config/types.js';
import { HttpError } from './errors.js';

/**
 * Checks a request's `Authorization: Bearer` header, else its `x-api-key` header (Anthropic's
 * clients); resolves to the matching key or throws a 401.
 */
export type Authenticator = (authorization: string | undefined, xApiKey?: string | string[] | undefined) => GatewayKey | undefined;

const CHALLENGE = { 'www-authenticate': 'Bearer realm="lifeline"' };

/**
 * Builds the key check. With no keys, auth is off and every request passes (`undefined`).
 * Every stored hash is compared (no early exit), so timing tells nothing about which key matched.
 *
 * @param keys - hashed keys from the config
 * @returns the authenticator
 * @throws {@link HttpError} 401 `missing_api_key` / `invalid_api_key`
 * @example
 * ```ts
 * const check = createAuthenticator(config.auth.keys);
 * const key = check(req.headers.authorization); // GatewayKey, or throws 401
 * ```
 */
export function createAuthenticator(keys: readonly GatewayKey[]): Authenticator {
  const stored = keys.map((key) => ({ key, digest: Buffer.from(key.sha256, 'hex') }));
  return (authorization, xApiKey) => {
    if (stored.length === 0) return undefined;
    const apiKey = typeof xApiKey === 'string' && xApiKey.trim() !== '' ? xApiKey.trim() : undefined;
    const given = authorization === undefined ? apiKey : /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (given === undefined) {
      const hint = authorization ? 'the Authorization header must be "Bearer <key>"' : 'send Authorization: Bearer <key> (or x-api-key: <key>)';
      throw new HttpError(401, `Missing API key: ${hint} with a key configured in the gateway's auth.keys`, 'invalid_request_error', null, 'missing_api_key', CHALLENGE);
    }
    const digest = createHash('sha256').update(given, 'utf8').digest();
    let found: GatewayKey | undefined;
    for (const s of stored) {
      if (timingSafeEqual(digest, s.digest) && found === undefined) found = s.key;
    }
    if (!found) throw new HttpError(401, 'Incorrect API key provided: the key is not one of the gateway\'s auth.keys', 'invalid_request_error', null, 'invalid_api_key', CHALLENGE);
    return found;
  };
}
