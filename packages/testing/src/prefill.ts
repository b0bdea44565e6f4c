/**
 * Assistant prefills (a chat request whose last turn is the assistant's; `model` for Gemini):
 * the Anthropic flavour continues them as Anthropic does, and `rejectPrefill` plays a model that
 * refuses them with the vendor's 400, worded as Anthropic words it.
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

/**
 * Anthropic: the text of a final assistant turn (a prefill, which the reply continues), else
 * `undefined`. Other flavours answer such a request anew.
 */
export function prefillOf(flavor: Flavor, body: unknown): string | undefined {
  if (flavor !== 'anthropic' || !endsWithPrefill(flavor, body)) return undefined;
  const content = ((body as { messages: unknown[] }).messages.at(-1) as { content?: unknown }).content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b) => (isObject(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
}

/**
 * The continuation of `prefill` in `text`: what follows, in `text`, as many words as `prefill`
 * has — a model continuing its own answer where the prefill stops. `''` when `text` has no more words.
 *
 * @example
 * ```ts
 * continueAfter('Answer 7 from beta: the quick fox.', 'Answer 7 from alpha:'); // ' the quick fox.'
 * ```
 */
export function continueAfter(text: string, prefill: string): string {
  const words = prefill.match(/\S+/g)?.length ?? 0;
  if (words === 0) return text;
  const re = /\S+/g;
  let end = 0;
  for (let i = 0; i < words; i++) {
    const m = re.exec(text);
    if (!m) return '';
    end = m.index + m[0].length;
  }
  return text.slice(end);
}
