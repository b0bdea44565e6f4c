/**
 * What each key of a pool used over a sliding window: requests and tokens, in fixed memory.
 * @module
 */

/** Slots a window is divided into: the window slides in steps of `windowMs / SLOTS`. */
const SLOTS = 12;

/**
 * A count over the last `windowMs`, kept in {@link SLOTS} slots (constant memory, whatever the
 * traffic): an amount counts from when it is added until the slot it fell in leaves the window —
 * between `windowMs - windowMs / 12` and `windowMs` later.
 */
export class WindowCounter {
  readonly #slotMs: number;
  readonly #counts = new Array<number>(SLOTS).fill(0);
  /** Slot number (time / slotMs) of each slot's count. */
  readonly #epochs = new Array<number>(SLOTS).fill(-Infinity);

  /** @param windowMs - the window's length */
  constructor(windowMs: number) {
    this.#slotMs = Math.max(1, windowMs / SLOTS);
  }

  /** Adds `amount` at time `now`. */
  add(now: number, amount: number): void {
    const epoch = Math.floor(now / this.#slotMs);
    const i = ((epoch % SLOTS) + SLOTS) % SLOTS;
    if (this.#epochs[i] !== epoch) {
      this.#epochs[i] = epoch;
      this.#counts[i] = 0;
    }
    this.#counts[i]! += amount;
  }

  /** The total within the window ending at `now`. */
  total(now: number): number {
    const epoch = Math.floor(now / this.#slotMs);
    let sum = 0;
    for (let i = 0; i < SLOTS; i++) if (this.#epochs[i]! > epoch - SLOTS && this.#epochs[i]! <= epoch) sum += this.#counts[i]!;
    return sum;
  }
}

/** One key's use over the window, and how close it is to its share. */
export class KeyUsage {
  readonly requests: WindowCounter;
  readonly tokens: WindowCounter;

  /**
   * @param windowMs - the window
   * @param rpm - the key's requests-per-minute share, if it has one
   * @param tpm - the key's tokens-per-minute share, if it has one
   */
  constructor(
    readonly windowMs: number,
    readonly rpm: number | undefined,
    readonly tpm: number | undefined,
  ) {
    this.requests = new WindowCounter(windowMs);
    this.tokens = new WindowCounter(windowMs);
  }

  /**
   * How much of its share the key used over the window: the larger of requests / (rpm scaled to
   * the window) and tokens / (tpm scaled), or the bare request count when it has no share.
   */
  load(now: number): number {
    const minutes = this.windowMs / 60_000;
    const requests = this.requests.total(now);
    if (this.rpm === undefined && this.tpm === undefined) return requests;
    const byRequests = this.rpm === undefined ? 0 : requests / (this.rpm * minutes);
    const byTokens = this.tpm === undefined ? 0 : this.tokens.total(now) / (this.tpm * minutes);
    return Math.max(byRequests, byTokens);
  }

  /** True when the key used its whole `rpm` or `tpm` share over the window. */
  saturated(now: number): boolean {
    return (this.rpm !== undefined || this.tpm !== undefined) && this.load(now) >= 1;
  }
}
