/**
 * What a key pool reports about its keys (for health endpoints and metrics): each key's state and
 * use, by fingerprint.
 * @module
 */
import type { KeyPoolStrategy } from './options.js';
import type { KeyReason, KeyRecord } from './store.js';
import type { KeyUsage } from './usage.js';

/** One key of a pool, as {@link KeyPool.snapshot} reports it. */
export interface KeyStatus {
  /** Fingerprint (`…wxyz#1a2b3c4d`), never the key. */
  key: string;
  /** `healthy`: in rotation; `cooling`: rate-limited until `until`; `quarantined`: refused (401/403, quota) and re-checked at `until`. */
  state: 'healthy' | 'cooling' | 'quarantined';
  /** Why it is out of rotation. */
  reason?: KeyReason;
  /** The HTTP status that set it aside. */
  status?: number;
  /** Epoch ms when it was set aside. */
  since?: number;
  /** Epoch ms when it is back (`cooling`) or re-checked (`quarantined`). */
  until?: number;
  /** Ms from now until then (0: due). */
  retryAfterMs?: number;
  /** Requests sent with it over the window (by this process). */
  requests: number;
  /** Tokens it used over the window (by this process). */
  tokens: number;
  /** Its requests-per-minute share, when it has one. */
  rpm?: number;
  /** Its tokens-per-minute share, when it has one. */
  tpm?: number;
}

/** A key pool's state. */
export interface KeyPoolSnapshot {
  /** The pool's id in its store. */
  id: string;
  /** The adapter's name. */
  provider: string;
  strategy: KeyPoolStrategy;
  keys: KeyStatus[];
}

/** @internal Builds the {@link KeyStatus} of each key from the store's records. */
export function describeKeys(keys: ReadonlyArray<{ fingerprint: string; usage: KeyUsage }>, records: ReadonlyMap<string, KeyRecord>, now: number): KeyStatus[] {
  return keys.map(({ fingerprint, usage }) => {
    const r = records.get(fingerprint);
    const shares = { ...(usage.rpm !== undefined && { rpm: usage.rpm }), ...(usage.tpm !== undefined && { tpm: usage.tpm }) };
    const use = { requests: usage.requests.total(now), tokens: usage.tokens.total(now), ...shares };
    if (!r) return { key: fingerprint, state: 'healthy', ...use };
    return {
      key: fingerprint,
      state: r.state,
      reason: r.reason,
      ...(r.status !== undefined && { status: r.status }),
      since: r.since,
      until: r.until,
      retryAfterMs: Math.max(0, r.until - now),
      ...use,
    };
  });
}
