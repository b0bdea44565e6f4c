/**
 * The rate-limit headers of each key of a pool, and the pool's allowance they add up to — what
 * the adapter reports as `meta.rateLimit`, so that an adaptive `rateLimit()` holds calls when the
 * whole pool is spent, not when one key is.
 * @module
 */
import type { RateLimitInfo } from '@lifeline/core';

type Dimension = 'Requests' | 'Tokens';

/** The last rate-limit headers each key's responses carried. */
export class KeyReadings {
  readonly #readings: Array<RateLimitInfo | undefined>;

  /** @param size - keys in the pool */
  constructor(size: number) {
    this.#readings = new Array<RateLimitInfo | undefined>(size);
  }

  /** Keeps what a response of key `index` said (nothing when it sent no headers). */
  record(index: number, info: RateLimitInfo | undefined): void {
    if (info) this.#readings[index] = { ...this.#readings[index], ...info };
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
    const out: RateLimitInfo = {};
    for (const dim of ['Requests', 'Tokens'] as const) Object.assign(out, this.#sum(dim, indices, now));
    return Object.keys(out).length > 0 ? out : undefined;
  }

  #sum(dim: Dimension, indices: readonly number[], now: number): RateLimitInfo {
    let remaining = 0;
    let limit: number | undefined = 0;
    let reset: number | undefined;
    for (const i of indices) {
      const r = this.#readings[i];
      const lim = r?.[`limit${dim}`];
      const at = r?.[`reset${dim}At`];
      const left = at !== undefined && at <= now ? lim : r?.[`remaining${dim}`];
      if (left === undefined) return {};
      remaining += left;
      limit = limit === undefined || lim === undefined ? undefined : limit + lim;
      if (at !== undefined && at > now) reset = reset === undefined ? at : Math.min(reset, at);
    }
    if (indices.length === 0) return {};
    return {
      [`remaining${dim}`]: remaining,
      ...(limit !== undefined && { [`limit${dim}`]: limit }),
      ...(reset !== undefined && { [`reset${dim}At`]: reset }),
    };
  }
}
