/**
 * `KeyPool`: several API keys for one provider. Each attempt goes out with a ready key; a 429
 * cools that key down and the same attempt is re-sent at once with another; a 401/403 (or an
 * exhausted quota) quarantines it. The caller — and retry, breaker, failover, cost — sees one
 * provider, and an error only when no key is left.
 * @module
 */
import { callCancellation, systemClock, type AdapterCall, type Clock, type LifelineError, type ResponseInfo, type Usage } from '@lifeline/core';
import { KeyEvents, type KeyEvent } from './events.js';
import { poolExhausted } from './exhausted.js';
import { keyFingerprint } from './fingerprint.js';
import { MirroredKeyPoolStore } from './mirrored-store.js';
import type { ApiKeySpec, KeyPoolStrategy, ResolvedKeyPoolOptions } from './options.js';
import { KeyReadings } from './readings.js';
import { selectKey, type Candidate } from './select.js';
import { setAsideFor, setAsideMs } from './set-aside.js';
import { MemoryKeyPoolStore, type KeyPoolStore, type KeyReason, type KeyRecord } from './store.js';
import { KeyUsage } from './usage.js';
import { describeKeys, type KeyPoolSnapshot } from './snapshot.js';

interface PoolKey {
  index: number;
  key: string;
  fingerprint: string;
  usage: KeyUsage;
  /** 429s in a row (for the cool-down's backoff when no Retry-After came). */
  strikes: number;
}

/** Token counts of an answer (a chat completion's or an embedding's usage). */
export type UsageCounts = Pick<Usage, 'prompt_tokens'> & Partial<Pick<Usage, 'completion_tokens' | 'total_tokens'>>;

/** What a call that got a key reports back once its answer is read: the usage, for the key's token count. */
export type SettleUsage = (usage: UsageCounts | null | undefined) => void;

/** The adapter this pool serves, for errors and events. */
export interface KeyPoolTarget {
  /** The adapter's name (errors' `provider`). */
  provider: string;
  /** Message prefix (`openai primary`). */
  label: string;
}

/** Several API keys of one provider, rotated per attempt; see the module doc. */
export class KeyPool {
  /** The pool's id in its store. */
  readonly id: string;
  readonly strategy: KeyPoolStrategy;
  readonly #keys: PoolKey[];
  readonly #fingerprints: readonly string[];
  /** Every key has an `rpm` or `tpm` share: `least-used` compares shares' fractions, else request counts. */
  readonly #shared: boolean;
  readonly #options: ResolvedKeyPoolOptions;
  readonly #target: KeyPoolTarget;
  readonly #store: KeyPoolStore;
  readonly #clock: Clock;
  readonly #readings: KeyReadings;
  readonly #events = new KeyEvents();
  #cursor = 0;

  /**
   * @param keys - two keys or more
   * @param options - resolved `keyPool` options
   * @param target - the adapter's name and message prefix
   */
  constructor(keys: readonly ApiKeySpec[], options: ResolvedKeyPoolOptions, target: KeyPoolTarget) {
    this.id = options.id;
    this.strategy = options.strategy;
    this.#options = options;
    this.#target = target;
    this.#store = options.store ? new MirroredKeyPoolStore(options.store) : new MemoryKeyPoolStore();
    this.#clock = options.clock ?? systemClock;
    this.#readings = new KeyReadings(keys.length);
    this.#keys = keys.map((k, index) => ({ index, key: k.key, fingerprint: keyFingerprint(k.key), usage: new KeyUsage(options.windowMs, k.rpm, k.tpm), strikes: 0 }));
    this.#fingerprints = this.#keys.map((k) => k.fingerprint);
    this.#shared = keys.every((k) => k.rpm !== undefined || k.tpm !== undefined);
  }

  /** Keys in the pool. */
  get size(): number {
    return this.#keys.length;
  }

  /** The keys' fingerprints, in pool order. */
  get fingerprints(): string[] {
    return [...this.#fingerprints];
  }

  /**
   * The pool's limits: the sum of the keys' `rpm` (and `tpm`) shares, when every key has one.
   * Give them to a client-side `rateLimit({ rpm, tpm })` in front of this adapter.
   */
  limits(): { rpm?: number; tpm?: number } {
    const sum = (f: 'rpm' | 'tpm') => (this.#keys.every((k) => k.usage[f] !== undefined) ? this.#keys.reduce((s, k) => s + k.usage[f]!, 0) : undefined);
    const rpm = sum('rpm');
    const tpm = sum('tpm');
    return { ...(rpm !== undefined && { rpm }), ...(tpm !== undefined && { tpm }) };
  }

  /**
   * Calls `listener` each time this pool sets a key aside or takes one back (the events also go to
   * the `lifeline:key` channel, for every pool of the process).
   * @returns the unsubscriber
   */
  onChange(listener: (event: KeyEvent) => void): () => void {
    return this.#events.on(listener);
  }

  /** Each key's state (healthy, cooling, quarantined) and use over the window, by fingerprint. */
  async snapshot(): Promise<KeyPoolSnapshot> {
    const now = this.#clock.now();
    const records = await this.#store.read(this.id, this.#fingerprints, now);
    return { id: this.id, provider: this.#target.provider, strategy: this.strategy, keys: describeKeys(this.#keys, records, now) };
  }

  /**
   * Sends one attempt: `attempt(key, call)` with a ready key; on a 429, a 401/403 or an exhausted
   * quota the key is set aside and `attempt` runs again at once with another key (never one this
   * call already used). `call.onResponse` gets the key's fingerprint and the pool's allowance.
   *
   * @returns what `attempt` resolved with, and the function to report the answer's usage with
   * @throws what `attempt` threw for any other error; when no key is left, the error of
   *   {@link poolExhausted} (`RateLimitError` with the shortest wait, or `AuthenticationError`)
   */
  async send<T>(call: AdapterCall, attempt: (key: string, call: AdapterCall) => Promise<T>): Promise<{ value: T; settle: SettleUsage }> {
    const tried = new Set<number>();
    let last: unknown;
    for (;;) {
      const now = this.#clock.now();
      const records = await this.#store.read(this.id, this.#fingerprints, now);
      const pick = await this.#pick(records, tried, now);
      if (!pick) throw poolExhausted({ ...this.#target, size: this.size, records, now, last });
      const { key, probe } = pick;
      tried.add(key.index);
      key.usage.requests.add(now, 1);
      try {
        const value = await attempt(key.key, this.#forward(call, key, records));
        key.strikes = 0;
        if (probe) await this.#recovered(key);
        return { value, settle: (usage) => usage && key.usage.tokens.add(this.#clock.now(), usage.total_tokens || usage.prompt_tokens + (usage.completion_tokens ?? 0)) };
      } catch (error) {
        const reason = setAsideFor(error);
        if (reason === undefined || (callCancellation(call) ?? call.signal).aborted) throw error;
        last = error;
        await this.#setAside(key, reason, error as LifelineError, probe);
      }
    }
  }

  async #pick(records: ReadonlyMap<string, KeyRecord>, tried: ReadonlySet<number>, now: number): Promise<{ key: PoolKey; probe: boolean } | undefined> {
    const ready: Candidate[] = [];
    for (const key of this.#keys) {
      if (tried.has(key.index)) continue;
      const record = records.get(key.fingerprint);
      if (record?.state === 'quarantined' && record.until <= now) {
        // Its re-check is due: one request (across every process sharing the store) finds out.
        if (await this.#store.claim(this.id, key.fingerprint, now, now + this.#options.quarantineMs)) return { key, probe: true };
      }
      if (record) continue;
      const load = this.strategy === 'least-used' ? this.#load(key, now) : 0;
      ready.push({ index: key.index, load, saturated: key.usage.saturated(now) || this.#readings.spent(key.index, now) });
    }
    const chosen = selectKey(ready, this.strategy, this.#cursor, this.size);
    if (!chosen) return undefined;
    this.#cursor = (chosen.index + 1) % this.size;
    return { key: this.#keys[chosen.index]!, probe: false };
  }

  /** A key's load as `least-used` compares it: its share's fraction when every key has a share, else its requests. */
  #load(key: PoolKey, now: number): number {
    return this.#shared ? key.usage.load(now) : key.usage.requests.total(now);
  }

  /** The call `attempt` gets: its `onResponse` carries the key's fingerprint and the pool's allowance. */
  #forward(call: AdapterCall, key: PoolKey, records: ReadonlyMap<string, KeyRecord>): AdapterCall {
    // Field by field, not a spread: a spread reads the pipeline call's `signal`, which makes it; this getter reads it only when the adapter does.
    return {
      get signal() {
        return call.signal;
      },
      cancellation: callCancellation(call),
      deadline: call.deadline,
      metadata: call.metadata,
      headers: call.headers,
      onResponse: (info: ResponseInfo) => {
        this.#readings.record(key.index, info.rateLimit);
        const out: ResponseInfo = { ...info, key: key.fingerprint };
        delete out.rateLimit;
        if (this.#readings.heard) {
          const inRotation: number[] = [];
          for (const k of this.#keys) if (records.get(k.fingerprint)?.state !== 'quarantined') inRotation.push(k.index);
          const rateLimit = this.#readings.aggregate(inRotation, this.#clock.now());
          if (rateLimit) out.rateLimit = rateLimit;
        }
        call.onResponse?.(out);
      },
    };
  }

  async #setAside(key: PoolKey, reason: KeyReason, error: LifelineError, probe: boolean): Promise<void> {
    const now = this.#clock.now();
    const until = now + setAsideMs(reason, error, key.strikes, this.#options);
    if (reason === 'rate_limit') {
      key.strikes++;
      // A quarantined key that answers its re-check with a 429 is valid again, only busy.
      if (probe) await this.#store.clear(this.id, key.fingerprint);
    }
    const state = reason === 'rate_limit' ? 'cooling' : 'quarantined';
    await this.#store.set(this.id, key.fingerprint, { state, until, since: now, reason, status: error.status }, now);
    this.#events.emit(() => ({ state, provider: this.#target.provider, pool: this.id, key: key.fingerprint, reason, status: error.status, until, durationMs: until - now, error }));
  }

  async #recovered(key: PoolKey): Promise<void> {
    await this.#store.clear(this.id, key.fingerprint);
    this.#events.emit(() => ({ state: 'healthy', provider: this.#target.provider, pool: this.id, key: key.fingerprint }));
  }
}
