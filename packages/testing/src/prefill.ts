/**
 * A model that refuses an assistant prefill: a chat request whose last turn is the assistant's
 * (`model` for Gemini) gets the vendor's 400, worded as Anthropic words it.
 *
 * @module
 */
import { type FlavorImpl, type RenderContext, type WireResponse, isObject, jsonError } from './flavors/flavor.js';
import type { Flavor } from './types.js';

/** The message of the 400 (Anthropic's, also relayed by OpenAI-compatible gateways). */
export const PREFILL_REFUSAL = 'This model does not support assistant message prefill. The conversation must end with a user message.';

/** Whether `option` (`rejectPrefill`) applies to `model`. */
export function refusesPrefill(option: boolean | readonly string[] | undefined, model: string | undefined): boolean {
  if (option === undefined || option === false) return false;
  return option === true || (model !== undefined && option.includes(model));
}

/** Whether the request's last turn is the assistant's: a prefill. */
export function endsWithPrefill(flavor: Flavor, body: unknown): boolean {
  if (!isObject(body)) return false;
  const turns = flavor === 'gemini' ? body.contents : body.messages;
  const last = Array.isArray(turns) ? (turns.at(-1) as unknown) : undefined;
  return isObject(last) && last.role === (flavor === 'gemini' ? 'model' : 'assistant');
}

/** The vendor's 400 refusing the prefill. */
export function prefillRefusal(flavor: FlavorImpl, ctx: RenderContext): WireResponse {
  return jsonError(400, flavor.errorBody(400, { message: PREFILL_REFUSAL, ...(flavor.name === 'openai' && { param: 'messages' }) }, ctx, undefined));
}
