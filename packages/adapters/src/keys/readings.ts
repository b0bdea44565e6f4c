/**
 * The rate-limit headers of each key of a pool, and the pool's allowance they add up to — what
 * the adapter reports as `meta.rateLimit`, so that an adaptive `rateLimit()` holds calls when the
 * whole pool is spent, not when one key is.
 * @module
 */
import type { RateLimitInfo } from '@lifeline/core';

/** How to read one dimension (requests or tokens) of a reading. */
interface Dimension {
  limit(r: RateLimitInfo): number | undefined;
  remaining(r: RateLimitInfo): number | undefined;
  reset(r: RateLimitInfo): number | undefined;
}
const REQUESTS: Dimension = { limit: (r) => r.limitRequests, remaining: (r) => r.remainingRequests, reset: (r) => r.resetRequestsAt };
const TOKENS: Dimension = { limit: (r) => r.limitTokens, remaining: (r) => r.remainingTokens, reset: (r) => r.resetTokensAt };

/** A dimension summed over the keys, or `undefined` when a key's reading is missing. */
interface Sum {
  remaining: number;
  limit: number | undefined;
  reset: number | undefined;
}

/** The last rate-limit headers each key's responses carried. */
export class KeyReadings {
  readonly #readings: Array<RateLimitInfo | undefined>;

  /** @param size - keys in the pool */
  constructor(size: number) {
    this.#readings = new Array<RateLimitInfo | undefined>(size);
  }

  /** True once any key's response carried rate-limit headers. */
  heard = false;

  /** Keeps what a response of key `index` said (nothing when it sent no headers). */
  record(index: number, info: RateLimitInfo | undefined): void {
    if (!info) return;
    const before = this.#readings[index];
    this.#readings[index] = before ? { ...before, ...info } : info;
    this.heard = true;
  }

  /** True when key `index`'s own headers say its requests or tokens are spent until a reset still ahead. */
  spent(index: number, now: number): boolean {
    const r = this.#readings[index];
    if (!r) return false;
    return (r.remainingRequests === 0 && (r.resetRequestsAt ?? 0) > now) || (r.remainingTokens === 0 && (r.resetTokensAt ?? 0) > now);
  }

  /**
   * The pool's allowance over the keys in rotation: per dimension (requests, tokens), the sum of
   * each key's remaining and limit, and the earliest reset still ahead — reported only when every
   * key in rotation has a reading (a key never heard from may have its whole allowance). A reading
   * whose reset has passed counts as the whole limit.
   *
   * @param indices - the keys in rotation (not quarantined)
   * @param now - epoch ms
   * @returns the pool's allowance, or `undefined` when nothing is known of it
   */
  aggregate(indices: readonly number[], now: number): RateLimitInfo | undefined {
    if (indices.length === 0) return undefined;
    const requests = this.#sum(REQUESTS, indices, now);
    const tokens = this.#sum(TOKENS, indices, now);
    if (!requests && !tokens) return undefined;
    const out: RateLimitInfo = {};
    if (requests) {
      out.remainingRequests = requests.remaining;
      if (requests.limit !== undefined) out.limitRequests = requests.limit;
      if (requests.reset !== undefined) out.resetRequestsAt = requests.reset;
    }
    if (tokens) {
      out.remainingTokens = tokens.remaining;
      if (tokens.limit !== undefined) out.limitTokens = tokens.limit;
      if (tokens.reset !== undefined) out.resetTokensAt = tokens.reset;
    }
    return out;
  }

  #sum(dim: Dimension, indices: readonly number[], now: number): Sum | undefined {
    let remaining = 0;
    let limit: number | undefined = 0;
    let reset: number | undefined;
    for (const i of indices) {
      const r = this.#readings[i];
      if (!r) return undefined;
      const lim = dim.limit(r);
      const at = dim.reset(r);
      const left = at !== undefined && at <= now ? lim : dim.remaining(r);
      if (left === undefined) return undefined;
      remaining += left;
      limit = limit === undefined || lim === undefined ? undefined : limit + lim;
      if (at !== undefined && at > now) reset = reset === undefined ? at : Math.min(reset, at);
    }
    return { remaining, limit, reset };
  }
}
