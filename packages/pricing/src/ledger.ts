/**
 * `Ledger`: costs aggregated by provider, model, tenant and day, in bounded memory.
 * @module
 */
import { ConfigurationError, type Usage } from '@lifeline/core';
import type { AttemptCost } from './attempt-cost.js';
import { roundUsd } from './cost.js';
import { tokenBreakdown } from './usage.js';
import type { LedgerDimension, LedgerRecord, LedgerSnapshot, LedgerTotal } from './ledger-types.js';

export type { LedgerDimension, LedgerRecord, LedgerSnapshot, LedgerTotal } from './ledger-types.js';

/** Options of {@link Ledger}. */
export interface LedgerOptions {
  /** Days of history kept (UTC days). @defaultValue 90 */
  maxDays?: number;
  /** Distinct (day, provider, model, tenant) groups kept; beyond it, new groups fold into `(other)`. @defaultValue 100000 */
  maxGroups?: number;
}

const DEFAULTS: Required<LedgerOptions> = { maxDays: 90, maxGroups: 100_000 };
const NO_TENANT = '(none)';
const OTHER = '(other)';
const DAY_MS = 86_400_000;

interface Group extends Omit<LedgerTotal, 'key'> {
  day: string;
  provider: string;
  model: string;
  tenant: string;
}

let memoDay = Number.NaN;
let memoKey = '';
/** `YYYY-MM-DD` (UTC) of an instant; the last day formatted is remembered (calls come in runs of one day). */
function dayOf(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== memoDay) {
    memoKey = new Date(ms).toISOString().slice(0, 10);
    memoDay = day;
  }
  return memoKey;
}
const empty = (): Omit<LedgerTotal, 'key'> => ({
  costUsd: 0, savedUsd: 0, requests: 0, cacheHits: 0, unpricedRequests: 0, estimatedRequests: 0,
  promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0,
});

function add(into: Omit<LedgerTotal, 'key'>, from: Omit<LedgerTotal, 'key'>): void {
  for (const k of Object.keys(empty()) as Array<keyof Omit<LedgerTotal, 'key'>>) into[k] += from[k];
}

/**
 * Aggregates call costs by provider (target name), model, tenant (`metadata.tenant`) and UTC day.
 * Memory is bounded: `maxDays` of history and at most `maxGroups` groups.
 *
 * @example
 * ```ts
 * const ledger = new Ledger();
 * const client = createClient({ adapter, use: [meter({ ledger })] });
 * await client.chat(request, { metadata: { tenant: 'acme' } });
 * ledger.totals({ by: 'tenant' }); // [{ key: 'acme', costUsd: 0.0012, requests: 1, … }]
 * ```
 */
export class Ledger {
  readonly #maxDays: number;
  readonly #maxGroups: number;
  readonly #groups = new Map<string, Group>();
  #latest = -Infinity;
  /** `dayOf(#latest)`, and the last day out of the kept history (both change only with the day of `#latest`). */
  #latestDay = '';
  #cutoffDay = '';

  constructor(options: LedgerOptions = {}) {
    const { maxDays, maxGroups } = { ...DEFAULTS, ...options };
    if (!Number.isInteger(maxDays) || maxDays < 1) throw new ConfigurationError(`Ledger: maxDays must be a positive integer, got ${String(maxDays)}`);
    if (!Number.isInteger(maxGroups) || maxGroups < 1) throw new ConfigurationError(`Ledger: maxGroups must be a positive integer, got ${String(maxGroups)}`);
    this.#maxDays = maxDays;
    this.#maxGroups = maxGroups;
  }

  /** Number of groups held. */
  get size(): number {
    return this.#groups.size;
  }

  /** Records one attempt or cache hit. */
  record(record: LedgerRecord): void {
    const day = dayOf(record.at);
    if (record.at > this.#latest) {
      const newDay = this.#latest === -Infinity || day > this.#latestDay;
      this.#latest = record.at;
      if (newDay) {
        this.#latestDay = day;
        this.#cutoffDay = dayOf(record.at - this.#maxDays * DAY_MS);
        this.#prune();
      }
    }
    if (day <= this.#cutoffDay) return;
    const group = this.#group(day, record.provider, record.model, record.tenant ?? NO_TENANT);
    if (record.cacheHit) group.cacheHits++;
    else group.requests++;
    if (record.savedUsd) group.savedUsd = roundUsd(group.savedUsd + record.savedUsd);
    const usage = record.usage;
    if (record.costUsd !== undefined) group.costUsd = roundUsd(group.costUsd + record.costUsd);
    else if (usage) group.unpricedRequests++;
    if (!usage || record.cacheHit) return;
    const t = tokenBreakdown(usage);
    group.promptTokens += t.promptTokens;
    group.completionTokens += t.completionTokens;
    group.cachedTokens += t.cacheReadTokens;
    group.reasoningTokens += t.reasoningTokens;
    if (usage.estimated) group.estimatedRequests++;
  }

  /**
   * Records a metered call: one record per attempt, or one cache hit. `meter({ ledger })` calls it.
   *
   * @param call - what `meter` reports
   * @param now - epoch ms (for cache hits)
   */
  recordCall(call: { attempts: readonly AttemptCost[]; tenant?: string | undefined; savedUsd?: number | undefined; provider?: string | undefined; model?: string | undefined; cache?: string | undefined; usage?: Usage | undefined }, now: number): void {
    if (call.attempts.length === 0) {
      if (call.cache === 'hit' || call.cache === 'coalesced') {
        this.record({ at: now, provider: call.provider ?? 'cache', model: call.model ?? 'unknown', tenant: call.tenant, costUsd: 0, savedUsd: call.savedUsd, usage: call.usage, cacheHit: true });
      }
      return;
    }
    for (const a of call.attempts) this.record({ at: a.startedAt, provider: a.target, model: a.model, tenant: call.tenant, costUsd: a.costUsd, usage: a.usage });
  }

  /**
   * Totals grouped by one dimension, most expensive first.
   *
   * @param options - `by`: the dimension; `since`/`until`: inclusive `YYYY-MM-DD` day bounds;
   *   `tenant`: only that tenant's calls (`(none)` for calls without one)
   * @returns one total per group
   */
  totals(options: { by: LedgerDimension; since?: string; until?: string; tenant?: string }): LedgerTotal[] {
    const { by, since, until, tenant } = options;
    if (!['provider', 'model', 'tenant', 'day'].includes(by)) throw new ConfigurationError(`Ledger.totals: by must be provider, model, tenant or day, got ${String(by)}`);
    const out = new Map<string, LedgerTotal>();
    for (const g of this.#groups.values()) {
      if ((since && g.day < since) || (until && g.day > until) || (tenant !== undefined && g.tenant !== tenant)) continue;
      const key = g[by];
      let total = out.get(key);
      if (!total) out.set(key, (total = { key, ...empty() }));
      add(total, g);
    }
    for (const t of out.values()) (t.costUsd = roundUsd(t.costUsd)), (t.savedUsd = roundUsd(t.savedUsd));
    const rows = [...out.values()];
    return by === 'day' ? rows.sort((a, b) => a.key.localeCompare(b.key)) : rows.sort((a, b) => b.costUsd - a.costUsd || a.key.localeCompare(b.key));
  }

  /**
   * The grand total and every grouping at once (for a cost endpoint).
   *
   * @param options - `tenant`: only that tenant's calls (what a tenant may see of the spend)
   */
  snapshot(options: { tenant?: string } = {}): LedgerSnapshot {
    const { tenant } = options;
    const total: LedgerTotal = { key: 'total', ...empty() };
    for (const g of this.#groups.values()) if (tenant === undefined || g.tenant === tenant) add(total, g);
    total.costUsd = roundUsd(total.costUsd);
    total.savedUsd = roundUsd(total.savedUsd);
    return {
      total,
      byProvider: this.totals({ by: 'provider', tenant }),
      byModel: this.totals({ by: 'model', tenant }),
      byTenant: this.totals({ by: 'tenant', tenant }),
      byDay: this.totals({ by: 'day', tenant }),
    };
  }

  /** Forgets everything. */
  clear(): void {
    this.#groups.clear();
  }

  #prune(): void {
    const cutoff = this.#cutoffDay;
    for (const [k, g] of this.#groups) if (g.day <= cutoff) this.#groups.delete(k);
  }

  #group(day: string, provider: string, model: string, tenant: string): Group {
    let key = `${day}\u0000${provider}\u0000${model}\u0000${tenant}`;
    let group = this.#groups.get(key);
    if (group) return group;
    if (this.#groups.size >= this.#maxGroups) {
      [provider, model, tenant] = [OTHER, OTHER, OTHER];
      key = `${day}\u0000${OTHER}\u0000${OTHER}\u0000${OTHER}`;
      group = this.#groups.get(key);
      if (group) return group;
    }
    group = { day, provider, model, tenant, ...empty() };
    this.#groups.set(key, group);
    return group;
  }
}
