/**
 * Ids of responses and of their output items. An item id carries its response's id and its
 * position (`msg_<hex>_0`), so an `item_reference` finds the item with one store read.
 * @module
 */
import { randomBytes } from 'node:crypto';

const ITEM = /^(?:msg|fc|rs)_([0-9a-f]{48})_(\d{1,4})$/;
const RESPONSE = /^resp_[0-9a-f]{48}$/;

/** The ids of one response. */
export interface ResponseIds {
  /** `resp_<48 hex>`. */
  readonly response: string;
  /** Id of the output item at `index` of `kind`. */
  item(kind: 'message' | 'function_call' | 'reasoning', index: number): string;
  /** A `call_id` for a function call whose upstream gave none. */
  call(index: number): string;
}

const PREFIX = { message: 'msg', function_call: 'fc', reasoning: 'rs' } as const;

/**
 * Fresh ids for a new response (192 random bits).
 * @example
 * ```ts
 * const ids = newResponseIds();
 * ids.response;           // 'resp_3f…'
 * ids.item('message', 0); // 'msg_3f…_0'
 * ```
 */
export function newResponseIds(): ResponseIds {
  const hex = randomBytes(24).toString('hex');
  return {
    response: `resp_${hex}`,
    item: (kind, index) => `${PREFIX[kind]}_${hex}_${index}`,
    call: (index) => `call_${hex.slice(0, 24)}_${index}`,
  };
}

/** True when `id` has the shape of a response id this gateway issues. */
export function isResponseId(id: string): boolean {
  return RESPONSE.test(id);
}

/**
 * Where an output item id points: its response and position, or `undefined` for an id this
 * gateway did not issue.
 */
export function itemLocation(id: string): { responseId: string; index: number } | undefined {
  const match = ITEM.exec(id);
  return match ? { responseId: `resp_${match[1]}`, index: Number(match[2]) } : undefined;
}
