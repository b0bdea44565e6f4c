/**
 * A streamed chunk's JSON text as the provider sent it, kept beside the parsed chunk so that a
 * consumer passing the chunk on unchanged (the gateway's event stream, the cache's recording)
 * writes those bytes instead of serialising the chunk again.
 * @module
 */
import type { ChatChunk, ChatResponse } from './types.js';

/**
 * Metadata key (`CallOptions.metadata`) by which a caller asks the adapters for each streamed
 * chunk's JSON text ({@link chunkJsonOf}). Set it only when no middleware of the client changes a
 * chunk in place (replacing a chunk with a new object is fine: the text belongs to the object it
 * was attached to). Every middleware Lifeline ships only replaces chunks.
 * @example
 * ```ts
 * for await (const chunk of client.stream(request, { metadata: { [CHUNK_JSON]: true } })) {
 *   res.write(`data: ${chunkJsonOf(chunk) ?? JSON.stringify(chunk)}\n\n`);
 * }
 * ```
 */
export const CHUNK_JSON: unique symbol = Symbol.for('lifeline.chunkJson');

/** Returns the object it is given: lets {@link Stamped} add its private field to a plain object. */
class Identity {
  constructor(target: object) {
    return target;
  }
}

/**
 * Keeps the text in a private field of the chunk object itself: invisible to spreads, JSON,
 * `Object.keys`, symbols and deep equality, never copied, and much cheaper than a `WeakMap`.
 */
class Stamped extends Identity {
  #json: string;
  constructor(target: object, json: string) {
    super(target);
    this.#json = json;
  }
  static set(target: object, json: string): void {
    if (#json in target) (target as unknown as Stamped).#json = json;
    else new Stamped(target, json);
  }
  static get(target: object): string | undefined {
    return #json in target ? (target as unknown as Stamped).#json : undefined;
  }
}

/**
 * Records `json` as the text of `chunk` — for adapters, when the chunk is exactly what parsing
 * `json` gave (nothing normalised) and `json` holds no line break.
 */
export function setChunkJson(chunk: ChatChunk, json: string): void {
  Stamped.set(chunk, json);
}

/**
 * The JSON text `chunk` was parsed from, when its adapter recorded it ({@link setChunkJson});
 * `undefined` for any other object, including a copy of the chunk. Means the same as
 * `JSON.stringify(chunk)` as long as nothing changed the chunk in place.
 */
export function chunkJsonOf(chunk: ChatChunk): string | undefined {
  return Stamped.get(chunk);
}

/** True when `metadata` asks for chunk texts ({@link CHUNK_JSON}). */
export function wantsChunkJson(metadata: Readonly<Record<string | symbol, unknown>> | undefined): boolean {
  return metadata?.[CHUNK_JSON] === true;
}

/**
 * Metadata key (`CallOptions.metadata`) by which a caller asks the adapters for the JSON text of a
 * non-streamed answer ({@link responseJsonOf}): the cache then stores that text instead of
 * serialising the answer again. Set it only when no middleware of the client changes an answer in
 * place (replacing it with a new object is fine: the text belongs to the object it was attached
 * to). Every middleware Lifeline ships only replaces answers.
 * @example
 * ```ts
 * const { response } = await client.chat(request, { metadata: { [RESPONSE_JSON]: true } });
 * ```
 */
export const RESPONSE_JSON: unique symbol = Symbol.for('lifeline.responseJson');

/**
 * Records `json` as the text of `response` — for adapters, when the response is exactly what
 * parsing `json` gave (nothing normalised) and `json` is one JSON object with no line break.
 */
export function setResponseJson(response: ChatResponse, json: string): void {
  Stamped.set(response, json);
}

/**
 * The JSON text `response` was parsed from, when its adapter recorded it ({@link setResponseJson});
 * `undefined` for any other object, including a copy. Means the same as `JSON.stringify(response)`
 * (the same value once parsed; the bytes may differ, e.g. `\u00e9` for `é`) as long as nothing
 * changed the response in place.
 */
export function responseJsonOf(response: ChatResponse): string | undefined {
  return Stamped.get(response);
}

/** True when `metadata` asks for the answer's text ({@link RESPONSE_JSON}). */
export function wantsResponseJson(metadata: Readonly<Record<string | symbol, unknown>> | undefined): boolean {
  return metadata?.[RESPONSE_JSON] === true;
}
