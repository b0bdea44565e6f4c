/**
 * The status page's timeline: failovers, breaker transitions, degraded and stale answers, failed
 * calls — read from each finished call's `meta` (as `/metrics` counts them) and from the
 * pipeline's breaker transitions. Events name targets, models and error codes, never request
 * text or keys.
 * @module
 */
import type { AttemptRecord, Meta } from '@lifeline/core';
import type { BreakerChange, GatewayRoute } from '../../../pipeline/types.js';

/** What a timeline entry is about. */
export type TimelineKind = 'failover' | 'breaker' | 'degraded' | 'stale' | 'failed' | 'key';

/** One entry of the timeline. */
export interface TimelineEvent {
  /** Increasing id (per gateway). */
  id: number;
  /** Epoch ms. */
  at: number;
  kind: TimelineKind;
  /** One line, for people: `relay → backup (relay 2× server)`. */
  text: string;
  /** The target concerned: the breaker's target, the target that answered a failover. */
  target?: string;
  /** Failover: first target planned, and the one that answered. Breaker: old and new state. */
  from?: string;
  to?: string;
  /** The breaker's key (`relay/deepseek-v3.2`), or an API key's fingerprint (`key` entries). */
  key?: string;
  /** Breaker opened: epoch ms of its next probe. */
  until?: number;
  /** The model asked for. */
  model?: string;
  /** The same entry this many times in a row (`at`: the latest); absent for once. */
  count?: number;
}

/** An event before it gets its id. */
export type NewTimelineEvent = Omit<TimelineEvent, 'id'>;

/** The target a breaker key belongs to: `relay/deepseek-v3.2` → `relay`; `claude:claude-sonnet-4.5` as is. */
export function targetOfBreaker(key: string): string {
  const slash = key.indexOf('/');
  return slash === -1 ? key : key.slice(0, slash);
}

/** Why the targets before the answer did not answer: `relay 2× server`, `relay breaker open`. */
function why(planned: readonly string[], log: readonly AttemptRecord[], answered: string | undefined): string {
  const failed = [...new Set(log.filter((a) => a.outcome === 'error').map((a) => a.target))];
  const before = planned.length > 0 ? planned.slice(0, answered === undefined ? planned.length : Math.max(0, planned.indexOf(answered))) : failed.filter((t) => t !== answered);
  return before
    .map((t) => {
      const errors = log.filter((a) => a.target === t && a.outcome === 'error');
      if (errors.length === 0) return log.some((a) => a.target === t) ? undefined : `${t} breaker open`;
      return `${t} ${errors.length}× ${errors.at(-1)!.errorCode ?? 'error'}`;
    })
    .filter((s): s is string => s !== undefined)
    .join(', ');
}

/**
 * The timeline entries of one finished call.
 *
 * @param meta - the call's meta
 * @param status - the HTTP status the caller got
 * @param route - the route that served it (its targets in order, its strategy)
 * @param model - the model asked for
 * @param at - epoch ms
 * @returns zero or one entry
 */
export function callEvents(meta: Meta, status: number, route: Pick<GatewayRoute, 'targets' | 'strategy'> | undefined, model: string | undefined, at: number): readonly NewTimelineEvent[] {
  const log = meta.attemptLog;
  const ordered = (route?.strategy ?? 'ordered') === 'ordered';
  const planned = ordered ? (route?.targets ?? NO_TARGETS) : NO_TARGETS;
  const provider = meta.provider;
  // Most calls make no entry: they return before any entry (or closure) is built.
  if (meta.degraded) return [entry(at, model, { kind: 'degraded', text: `degraded answer for ${model ?? 'a call'}${reasons(planned, log, undefined)}` })];
  if (meta.cache === 'stale') return [entry(at, model, { kind: 'stale', text: `stale answer from the cache for ${model ?? 'a call'}${reasons(planned, log, undefined)}` })];
  if (meta.cache === 'hit') return NONE;
  if (status >= 500) return [entry(at, model, { kind: 'failed', text: `call for ${model ?? 'a model'} failed with HTTP ${status}${reasons(planned, log, undefined)}` })];
  if (provider === undefined) return NONE;
  const first = planned[0] ?? log[0]?.target;
  const movedOn = (meta.failovers ?? 0) > 0 || (ordered && first !== undefined && first !== provider);
  if (!movedOn || first === undefined) return NONE;
  return [entry(at, model, { kind: 'failover', target: provider, from: first, to: provider, text: `${first} → ${provider}${reasons(planned, log, provider)}` })];
}

/** No targets planned (shared: never changed). */
const NO_TARGETS: readonly string[] = Object.freeze([]);

/** No entry (shared: never changed). */
const NONE: readonly NewTimelineEvent[] = Object.freeze([]);

/** An entry at `at` for `model` (when known). */
function entry(at: number, model: string | undefined, fields: Omit<NewTimelineEvent, 'at' | 'model'>): NewTimelineEvent {
  return (model === undefined ? { at, ...fields } : { at, model, ...fields }) as NewTimelineEvent;
}

/** ` (why)` for an entry's text, or nothing. */
function reasons(planned: readonly string[], log: Meta['attemptLog'], answered: string | undefined): string {
  const text = why(planned, log, answered);
  return text === '' ? '' : ` (${text})`;
}

/**
 * The timeline entry of a breaker transition.
 *
 * @param change - the transition
 * @param at - epoch ms, when the change carries none
 */
export function breakerEvent(change: BreakerChange, at: number): NewTimelineEvent {
  const when = change.at ?? at;
  const until = change.to === 'open' && change.breakMs !== undefined ? when + change.breakMs : undefined;
  return {
    at: when,
    kind: 'breaker',
    target: targetOfBreaker(change.key),
    key: change.key,
    from: change.from,
    to: change.to,
    ...(until !== undefined && { until }),
    text: `breaker ${change.key}: ${change.from} → ${change.to}`,
  };
}
