/**
 * Per-target figures over the last five minutes (success rate, requests per minute, latency and
 * time-to-first-token percentiles, the last error), in ten-second buckets: what the status page
 * shows per target. Fed by {@link ProviderStats.record}, from each call's attempt log.
 * @module
 */
import { redactSecrets, type AttemptRecord } from '@lifeline/core';

/** Width of one bucket, in ms. */
export const BUCKET_MS = 10_000;
/** Buckets in the window: 30 × 10 s = 5 min. */
export const BUCKETS = 30;
/** Latency (and TTFT) samples kept per bucket; past it, later samples overwrite earlier ones in turn. */
const SAMPLES = 64;
/** Targets tracked; attempts of further targets are not windowed (the target list comes from the routes). */
const MAX_TARGETS = 256;

/** The last failed attempt of a target, without the upstream's own words (they may quote the request). */
export interface RecentError {
  /** Epoch ms of the failure. */
  at: number;
  /** Lifeline error code (`server`, `rate_limit`, `timeout`, `connection`, …). */
  code: string;
  /** Upstream HTTP status, when one was received. */
  status: number | null;
  /** The gateway's own description (`openai relay: 503 server_error`), secrets redacted. */
  message: string;
}

/** One target's figures over the window. */
export interface RecentFigures {
  /** Attempts that ended in the window. */
  requests: number;
  /** Share of them that succeeded (0–1), `null` without attempts. */
  successRate: number | null;
  /** Attempts per minute over the window (or since the gateway started, when that is shorter). */
  rpm: number;
  /** Latency of successful attempts, in ms. */
  latencyMs: { p50: number; p95: number } | null;
  /** Time to first token of successful streamed attempts, in ms. */
  ttftMs: { p50: number; p95: number } | null;
  /** Successes and failures per 10 s bucket, oldest first (30 each: five minutes). */
  series: { ok: number[]; errors: number[] };
  lastError: RecentError | null;
}

interface Bucket {
  slot: number;
  ok: number;
  errors: number;
  latency: number[];
  ttft: number[];
}

interface Target {
  buckets: Array<Bucket | undefined>;
  lastError: RecentError | undefined;
}

/** The part of an error message that the gateway wrote: before ` — `, where the upstream's text starts. */
export function ownWords(message: string | undefined, secrets: readonly string[]): string {
  if (!message) return '';
  const cut = message.indexOf(' — ');
  const own = cut === -1 ? message : message.slice(0, cut);
  return redactSecrets(own, secrets).slice(0, 160);
}

function percentiles(values: number[]): { p50: number; p95: number } | null {
  if (values.length === 0) return null;
  const sorted = values.sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: pick(0.5), p95: pick(0.95) };
}

function sample(into: number[], value: number, n: number): void {
  if (into.length < SAMPLES) into.push(value);
  else into[n % SAMPLES] = value;
}

/**
 * Sliding five-minute figures per target, in bounded memory (30 buckets of at most 64 samples,
 * at most 256 targets).
 * @example
 * ```ts
 * const recent = new RecentWindow(() => [apiKey], Date.now());
 * recent.record(meta.attemptLog);
 * recent.figures('primary', Date.now()); // { requests: 12, successRate: 0.75, rpm: 2.4, … }
 * ```
 */
export class RecentWindow {
  readonly #targets = new Map<string, Target>();
  readonly #secrets: () => readonly string[];
  readonly #since: number;

  /**
   * @param secrets - exact strings (upstream keys) redacted from error messages
   * @param since - epoch ms the gateway started (the window is shorter before five minutes)
   */
  constructor(secrets: () => readonly string[], since: number) {
    this.#secrets = secrets;
    this.#since = since;
  }

  /** Records finished attempts (pending and aborted ones are left out). */
  record(attempts: readonly AttemptRecord[]): void {
    for (const a of attempts) {
      if (a.outcome === 'pending' || a.errorCode === 'abort') continue;
      const target = this.#target(a.target);
      if (!target) continue;
      const at = a.startedAt + (a.latencyMs ?? 0);
      const bucket = this.#bucket(target, Math.floor(at / BUCKET_MS));
      if (!bucket) continue;
      if (a.outcome === 'ok') {
        bucket.ok++;
        if (a.latencyMs !== undefined) sample(bucket.latency, a.latencyMs, bucket.ok);
        if (a.timeToFirstTokenMs !== undefined) sample(bucket.ttft, a.timeToFirstTokenMs, bucket.ok);
      } else {
        bucket.errors++;
        if (!target.lastError || at >= target.lastError.at) {
          target.lastError = { at, code: a.errorCode ?? 'error', status: a.status ?? null, message: ownWords(a.errorMessage, this.#secrets()) };
        }
      }
    }
  }

  /** Names of the targets seen. */
  targets(): string[] {
    return [...this.#targets.keys()];
  }

  /** The figures of `name` at `now` (all zero for a target never seen). */
  figures(name: string, now: number): RecentFigures {
    const target = this.#targets.get(name);
    const current = Math.floor(now / BUCKET_MS);
    const ok: number[] = [];
    const errors: number[] = [];
    const latency: number[] = [];
    const ttft: number[] = [];
    for (let slot = current - BUCKETS + 1; slot <= current; slot++) {
      const b = target?.buckets[slot % BUCKETS];
      const live = b !== undefined && b.slot === slot;
      ok.push(live ? b.ok : 0);
      errors.push(live ? b.errors : 0);
      if (live) latency.push(...b.latency), ttft.push(...b.ttft);
    }
    const good = ok.reduce((s, v) => s + v, 0);
    const bad = errors.reduce((s, v) => s + v, 0);
    const minutes = Math.max(1, Math.min(BUCKETS * BUCKET_MS, now - this.#since) / 60_000);
    return {
      requests: good + bad,
      successRate: good + bad === 0 ? null : good / (good + bad),
      rpm: Math.round(((good + bad) / minutes) * 10) / 10,
      latencyMs: percentiles(latency),
      ttftMs: percentiles(ttft),
      series: { ok, errors },
      lastError: target?.lastError ?? null,
    };
  }

  #target(name: string): Target | undefined {
    let t = this.#targets.get(name);
    if (!t && this.#targets.size < MAX_TARGETS) this.#targets.set(name, (t = { buckets: new Array<Bucket | undefined>(BUCKETS), lastError: undefined }));
    return t;
  }

  /** The bucket of `slot`, or `undefined` when its place already holds a later one (an attempt older than the window). */
  #bucket(target: Target, slot: number): Bucket | undefined {
    const i = ((slot % BUCKETS) + BUCKETS) % BUCKETS;
    let b = target.buckets[i];
    if (b !== undefined && b.slot > slot) return undefined;
    if (b === undefined || b.slot !== slot) target.buckets[i] = b = { slot, ok: 0, errors: 0, latency: [], ttft: [] };
    return b;
  }
}
