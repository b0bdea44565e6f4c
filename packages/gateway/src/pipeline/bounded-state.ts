/**
 * The gateway's per-model state with bounded keys: breaker keys and spend rows name at most
 * `MODELS_PER_TARGET` (50) models per target (plus the configured ones), whatever model names
 * clients and upstreams make up.
 * @module
 */
import type { Context } from '@lifeline/core';
import { Ledger, type LedgerOptions, type LedgerRecord } from '@lifeline/pricing';
import type { ModelSlots } from './model-slots.js';

/**
 * The breaker key of `circuitBreaker()`'s default (`<target>/<model>`, or the target's own name
 * when it is already named after its model), with the model folded through `slots`: past the
 * slots of a target, made-up models share one `<target>/(other)` breaker.
 *
 * @param slots - shared model slots
 * @returns the `key` option of `circuitBreaker`
 * @example
 * ```ts
 * circuitBreaker({ key: boundedBreakerKey(new ModelSlots()) });
 * ```
 */
export function boundedBreakerKey(slots: ModelSlots): (ctx: Context) => string {
  // Keys built once per target and label (both bounded), so the hot path reuses one string.
  const built = new Map<string, Map<string, string>>();
  return function breakerKey(ctx) {
    const model = ctx.request.model;
    const target = ctx.target?.name ?? 'default';
    if (target.endsWith(`:${model}`)) return target;
    const label = slots.label(target, model);
    let byLabel = built.get(target);
    if (byLabel === undefined) built.set(target, (byLabel = new Map()));
    let key = byLabel.get(label);
    if (key === undefined) byLabel.set(label, (key = `${target}/${label}`));
    return key;
  };
}

/**
 * A {@link Ledger} whose rows fold models through `slots` (per provider), so made-up model names
 * add no rows beyond the slots. Totals are kept: a folded call is counted under `(other)`.
 *
 * @example
 * ```ts
 * const ledger = new FoldingLedger(new ModelSlots());
 * meter({ ledger });
 * ```
 */
export class FoldingLedger extends Ledger {
  readonly #slots: ModelSlots;

  constructor(slots: ModelSlots, options?: LedgerOptions) {
    super(options);
    this.#slots = slots;
  }

  override record(record: LedgerRecord): void {
    const model = this.#slots.label(record.provider, record.model);
    super.record(model === record.model ? record : { ...record, model });
  }
}
