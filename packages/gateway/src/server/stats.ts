/**
 * Per-provider health figures for `GET /api/health` (and, in `recent`, the status page's per-target
 * five-minute window), from each call's attempt log.
 * @module
 */
import { redactSecrets, type AttemptRecord } from '@lifeline/core';
import { RecentWindow } from './recent-window.js';

/** One provider's figures. */
export interface ProviderHealth {
  /** Upstream requests made. */
  requests: number;
  /** Upstream requests that failed. */
  failures: number;
  /** Failures since the last success. */
  consecutiveFailures: number;
  /** ISO time of the last successful attempt. */
  lastSuccessAt: string | null;
  /** ISO time of the last failed attempt. */
  lastFailureAt: string | null;
  /** `code: message` of the last failure. */
  lastError: string | null;
  /** Latency of successful attempts, in ms. */
  latencyMs: { last: number | null; avg: number | null; p50: number | null; p95: number | null };
}

const WINDOW = 256;

interface Entry {
  requests: number;
  failures: number;
  consecutive: number;
  lastSuccess?: number;
  lastFailure?: number;
  lastError?: string;
  latencies: number[];
  next: number;
}

/** The provider a target name belongs to: `backup:claude-sonnet-4.5` → `backup`. */
export function providerOf(target: string): string {
  const i = target.indexOf(':');
  return i === -1 ? target : target.slice(0, i);
}

/** Accumulates {@link ProviderHealth} from attempt logs; latencies over the last 256 successes. */
export class ProviderStats {
  readonly #entries = new Map<string, Entry>();
  readonly #secrets: () => readonly string[];
  /** Per target, the last five minutes (what the status page shows). */
  readonly recent: RecentWindow;

  /**
   * @param secrets - exact strings (upstream keys) scrubbed from `lastError`
   * @param since - epoch ms the gateway started
   */
  constructor(secrets: () => readonly string[] = () => [], since = Date.now()) {
    this.#secrets = secrets;
    this.recent = new RecentWindow(secrets, since);
  }

  /** Records a call's attempts (attempts still pending are ignored). */
  record(attempts: readonly AttemptRecord[]): void {
    this.recent.record(attempts);
    for (const a of attempts) {
      if (a.outcome === 'pending' || a.errorCode === 'abort') continue;
      const e = this.#entry(providerOf(a.target));
      e.requests++;
      const at = a.startedAt + (a.latencyMs ?? 0);
      if (a.outcome === 'ok') {
        e.consecutive = 0;
        e.lastSuccess = Math.max(e.lastSuccess ?? 0, at);
        if (a.latencyMs !== undefined) {
          if (e.latencies.length < WINDOW) e.latencies.push(a.latencyMs);
          else e.latencies[e.next] = a.latencyMs;
          e.next = (e.next + 1) % WINDOW;
        }
      } else {
        e.failures++;
        e.consecutive++;
        e.lastFailure = Math.max(e.lastFailure ?? 0, at);
        e.lastError = redactSecrets(`${a.errorCode ?? 'error'}${a.status !== undefined ? ` (${a.status})` : ''}: ${a.errorMessage ?? ''}`, this.#secrets()).slice(0, 300);
      }
    }
  }

  /** Makes sure `name` is listed even before its first request. */
  declare(name: string): void {
    this.#entry(name);
  }

  /** The figures of every provider seen or declared. */
  snapshot(): Record<string, ProviderHealth> {
    const out: Record<string, ProviderHealth> = {};
    for (const [name, e] of this.#entries) {
      const sorted = [...e.latencies].sort((a, b) => a - b);
      const pick = (q: number) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
      const last = e.latencies.length === 0 ? null : e.latencies[(e.next - 1 + e.latencies.length) % e.latencies.length]!;
      out[name] = {
        requests: e.requests,
        failures: e.failures,
        consecutiveFailures: e.consecutive,
        lastSuccessAt: e.lastSuccess === undefined ? null : new Date(e.lastSuccess).toISOString(),
        lastFailureAt: e.lastFailure === undefined ? null : new Date(e.lastFailure).toISOString(),
        lastError: e.lastError ?? null,
        latencyMs: {
          last,
          avg: sorted.length === 0 ? null : Math.round(sorted.reduce((s, v) => s + v, 0) / sorted.length),
          p50: pick(0.5),
          p95: pick(0.95),
        },
      };
    }
    return out;
  }

  #entry(name: string): Entry {
    let e = this.#entries.get(name);
    if (!e) {
      e = { requests: 0, failures: 0, consecutive: 0, latencies: [], next: 0 };
      this.#entries.set(name, e);
    }
    return e;
  }
}
