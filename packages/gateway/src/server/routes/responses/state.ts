/**
 * Conversation state: `previous_response_id`, `item_reference` and `GET /v1/responses/{id}`
 * read what earlier calls kept; a finished response is kept (unless `store: false`) with the
 * conversation it continues, per scope (the caller's tenant), for the store's TTL.
 * @module
 */
import type { ChatMessage } from '@lifeline/core';
import type { FastifyRequest } from 'fastify';
import type { ResponseStore } from '../../../pipeline/response-store.js';
import { requestState, type ServerContext } from '../../context.js';
import { HttpError } from '../../errors.js';
import { isResponseId, itemLocation } from './ids.js';
import { toMessages } from './input.js';
import type { InputItem, ResponseObject } from './types.js';

/** Format version of a kept response; another version reads as absent. */
const VERSION = 1;

/** What is kept per response. */
export interface KeptResponse {
  v: typeof VERSION;
  /** The response as the client got it (what `GET` returns). */
  response: ResponseObject;
  /** The conversation to continue from: the previous context, this input, this output (never the instructions). */
  context: ChatMessage[];
}

/**
 * The scope responses are kept in: the caller's tenant; a key without a tenant is a scope of its
 * own; with auth off, one scope for everyone.
 */
export function scopeOf(ctx: ServerContext, req: FastifyRequest): string {
  const key = requestState(ctx, req).key;
  if (key?.tenant !== undefined) return `tenant:${key.tenant}`;
  return key ? `key:${key.name}` : 'default';
}

/** The kept response `id` in `scope`, or `undefined` (`id` must be one this gateway issued: check with `isResponseId`). */
export async function readKept(store: ResponseStore | undefined, scope: string, id: string): Promise<KeptResponse | undefined> {
  const json = store ? await store.get(scope, id) : undefined;
  if (json === undefined) return undefined;
  try {
    const kept = JSON.parse(json) as KeptResponse;
    return kept?.v === VERSION && typeof kept.response === 'object' && Array.isArray(kept.context) ? kept : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The conversation `previous_response_id` continues.
 * @throws {@link HttpError} 400 `previous_response_not_found` (unknown, expired, another tenant's, or kept nowhere)
 */
export async function previousContext(store: ResponseStore | undefined, scope: string, id: string): Promise<ChatMessage[]> {
  const kept = isResponseId(id) ? await readKept(store, scope, id) : undefined;
  if (kept) return kept.context;
  const why = store ? '' : ' This gateway keeps no responses (responses: false in its config).';
  throw new HttpError(400, `Previous response with id '${id}' not found.${why}`, 'invalid_request_error', 'previous_response_id', 'previous_response_not_found');
}

/**
 * `input` with each `item_reference` replaced by the output item it names.
 * @throws {@link HttpError} 404 when a referenced item is not kept (OpenAI's answer for it)
 */
export async function resolveReferences(store: ResponseStore | undefined, scope: string, input: string | InputItem[] | undefined): Promise<string | InputItem[] | undefined> {
  if (!Array.isArray(input) || !input.some((item) => item?.type === 'item_reference')) return input;
  const cache = new Map<string, Promise<KeptResponse | undefined>>();
  return Promise.all(
    input.map(async (item, i) => {
      if (item?.type !== 'item_reference') return item;
      const id = String(item.id);
      const where = itemLocation(id);
      let found: InputItem | undefined;
      if (where) {
        if (!cache.has(where.responseId)) cache.set(where.responseId, readKept(store, scope, where.responseId));
        found = (await cache.get(where.responseId))?.response.output[where.index] as InputItem | undefined;
      }
      if (found?.id !== id) {
        const shown = id.length > 100 ? `${id.slice(0, 100)}…` : id;
        throw new HttpError(404, `Item with id '${shown}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`, 'invalid_request_error', `input[${i}]`, null);
      }
      return found;
    }),
  );
}

/**
 * Keeps a finished response with the conversation it ends (its output as assistant turns).
 *
 * @param store - where (nothing is kept without one)
 * @param scope - the caller's scope
 * @param response - the final response object
 * @param context - the conversation before this output: previous context and this input
 */
export async function keep(store: ResponseStore | undefined, scope: string, response: ResponseObject, context: ChatMessage[]): Promise<void> {
  if (!store) return;
  const kept: KeptResponse = { v: VERSION, response, context: [...context, ...toMessages(response.output as unknown as InputItem[], 'output')] };
  await store.set(scope, response.id, JSON.stringify(kept));
}
