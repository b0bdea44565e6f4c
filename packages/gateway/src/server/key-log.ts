/**
 * What the logs say about key pools: a key quarantined (warn: a revoked key or an exhausted
 * quota needs an operator), a key back in rotation (info), a key cooling down after a 429 (debug:
 * routine under load). Keys are named by fingerprint, never by value.
 * @module
 */
import type { KeyEvent } from '@lifeline/adapters';
import type { FastifyBaseLogger } from 'fastify';
import type { GatewayPipeline } from '../pipeline/types.js';

/**
 * The log line of a key pool change.
 * @example
 * ```ts
 * describeKeyChange({ state: 'quarantined', provider: 'primary', pool: 'primary', key: '…wxyz#1a2b3c4d', reason: 'auth', status: 401, durationMs: 600000 });
 * // 'provider primary: API key …wxyz#1a2b3c4d quarantined after a 401 (refused by the provider): its traffic goes to the other keys; re-checked in 600000 ms'
 * ```
 */
export function describeKeyChange(e: KeyEvent): string {
  const where = `provider ${e.provider}: API key ${e.key}`;
  if (e.state === 'healthy') return `${where} answered its re-check: back in rotation`;
  const status = e.status === undefined ? '' : ` after a ${e.status}`;
  if (e.state === 'cooling') return `${where} rate-limited${status}: cooling down for ${e.durationMs} ms while the other keys answer`;
  const why = e.reason === 'quota' ? 'quota exhausted' : 'refused by the provider';
  return `${where} quarantined${status} (${why}): its traffic goes to the other keys; re-checked in ${e.durationMs} ms`;
}

/**
 * Logs every key pool change of `pipeline`.
 *
 * @returns the unsubscriber (call it on close)
 */
export function logKeyChanges(pipeline: GatewayPipeline, log: FastifyBaseLogger): () => void {
  return (
    pipeline.onKeyChange?.((e) => {
      const fields = { provider: e.provider, key: e.key, state: e.state, ...(e.reason && { reason: e.reason }), ...(e.status !== undefined && { status: e.status }), ...(e.durationMs !== undefined && { durationMs: e.durationMs }) };
      const level = e.state === 'quarantined' ? 'warn' : e.state === 'healthy' ? 'info' : 'debug';
      log[level](fields, describeKeyChange(e));
    }) ?? (() => {})
  );
}
