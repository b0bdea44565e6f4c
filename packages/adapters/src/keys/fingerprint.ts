/**
 * Key fingerprints: how a key of a pool is named in logs, metrics, events, health output and
 * stores — never the key itself.
 * @module
 */
import { createHash } from 'node:crypto';

/** Keys shorter than this are fingerprinted by their hash alone (their last 4 characters would say too much). */
const SHOW_LAST4_FROM = 20;

/**
 * The fingerprint of an API key: `…` and its last 4 characters (as vendors' dashboards show them),
 * then `#` and the first 8 hex digits of its SHA-256 — `…wxyz#1a2b3c4d`. A key shorter than 20
 * characters is named by the hash alone (`#1a2b3c4d`). Stable across processes, so two gateways
 * name (and share the state of) the same key alike.
 *
 * @param key - the API key
 * @returns its fingerprint
 * @example
 * ```ts
 * keyFingerprint('sk-proj-0123456789abcdefwxyz') // '…wxyz#' + 8 hex digits
 * ```
 */
export function keyFingerprint(key: string): string {
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return key.length >= SHOW_LAST4_FROM ? `…${key.slice(-4)}#${hash}` : `#${hash}`;
}
