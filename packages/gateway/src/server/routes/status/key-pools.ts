/**
 * Key pools on the status page: per target, how many keys of its provider's pool are healthy,
 * cooling down or quarantined; and timeline entries when a key is quarantined or back. Keys are
 * named by fingerprint, never by value.
 * @module
 */
import type { KeyEvent, KeyPoolSnapshot } from '@lifeline/adapters';
import type { GatewayPipeline } from '../../../pipeline/types.js';
import { providerOf } from '../../stats.js';
import type { NewTimelineEvent } from './timeline.js';

/** A target's key pool as its card shows it. */
export interface KeyPoolView {
  healthy: number;
  cooling: number;
  quarantined: number;
  /** Epoch ms when the first cooling key is back, `null` when none cools. */
  nextBackAt: number | null;
  /** The keys set aside: fingerprint, state, until (epoch ms). */
  aside: Array<{ key: string; state: 'cooling' | 'quarantined'; until: number | null }>;
}

/** The pools of `pipeline`, by provider name (none when it has no pools). */
export async function keyPoolViews(pipeline: GatewayPipeline): Promise<Map<string, KeyPoolView>> {
  const out = new Map<string, KeyPoolView>();
  for (const pool of (await pipeline.keyPools?.()) ?? []) out.set(pool.provider, viewOf(pool));
  return out;
}

function viewOf(pool: KeyPoolSnapshot): KeyPoolView {
  const aside = pool.keys.flatMap((k) => (k.state === 'healthy' ? [] : [{ key: k.key, state: k.state, until: k.until ?? null }]));
  const backs = aside.filter((k) => k.state === 'cooling' && k.until !== null).map((k) => k.until!);
  return {
    healthy: pool.keys.length - aside.length,
    cooling: aside.filter((k) => k.state === 'cooling').length,
    quarantined: aside.filter((k) => k.state === 'quarantined').length,
    nextBackAt: backs.length > 0 ? Math.min(...backs) : null,
    aside,
  };
}

/** The view of `target`'s provider pool, if it has one. */
export function keyPoolOf(views: ReadonlyMap<string, KeyPoolView>, target: string): KeyPoolView | undefined {
  return views.get(providerOf(target));
}

/**
 * The timeline entry of a key pool change: a quarantine (someone should replace the key) or a key
 * back after its re-check. Cool-downs are routine under load and make no entry.
 */
export function keyEvent(e: KeyEvent, at: number): NewTimelineEvent | undefined {
  if (e.state === 'cooling') return undefined;
  const text = e.state === 'quarantined' ? `key ${e.key} of ${e.provider} quarantined${e.status === undefined ? '' : ` (HTTP ${e.status})`}` : `key ${e.key} of ${e.provider} back in rotation`;
  return { at, kind: 'key', target: e.provider, key: e.key, to: e.state, text, ...(e.until !== undefined && e.state === 'quarantined' && { until: e.until }) };
}
