/**
 * The OpenAI embeddings endpoint: `POST /v1/embeddings` with `input` (a string, strings, token ids
 * or arrays of token ids), `dimensions` and `encoding_format`, answering
 * `{"object":"list","data":[{"object":"embedding","index","embedding"}],"model","usage"}`.
 *
 * @module
 */
import type { EmbeddingCall, MockEmbeddingItem } from '../embeddings.js';
import { float32Base64 } from '../embeddings.js';
import { type EmbeddingsFlavor, isObject, jsonError, type WireResponse } from './flavor.js';

function badRequest(message: string, param: string | null = null, code: string | null = null): WireResponse {
  return jsonError(400, { error: { message, type: 'invalid_request_error', param, code } });
}

const INVALID_INPUT = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";
const isToken = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The items of `input`, or `undefined` when the real API would reject it. */
function itemsOf(input: unknown): MockEmbeddingItem[] | undefined {
  if (typeof input === 'string') return input === '' ? undefined : [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every(isToken)) return [input as number[]];
  if (input.every((s) => typeof s === 'string' && s !== '')) return input as string[];
  if (input.every((t) => Array.isArray(t) && t.length > 0 && t.every(isToken))) return input as number[][];
  return undefined;
}

/** The OpenAI embeddings endpoint. */
export const openaiEmbeddings: EmbeddingsFlavor = {
  parse(body, _match, _ctx, validate): EmbeddingCall | WireResponse {
    const b = isObject(body) ? body : {};
    const items = itemsOf(b.input);
    const dimensions = typeof b.dimensions === 'number' ? b.dimensions : undefined;
    const encoding = b.encoding_format === 'base64' ? 'base64' : 'float';
    if (validate) {
      if (!isObject(body)) return badRequest('We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)');
      if (typeof body.model !== 'string' || body.model === '') return badRequest('you must provide a model parameter');
      if (body.input === undefined) return badRequest("'input' is a required property");
      if (!items) return badRequest(INVALID_INPUT);
      if (b.encoding_format !== undefined && b.encoding_format !== 'float' && b.encoding_format !== 'base64') {
        return badRequest(`Invalid value for 'encoding_format': ${JSON.stringify(b.encoding_format)}. Supported values are: 'float' and 'base64'.`, 'encoding_format', 'invalid_value');
      }
      if (b.dimensions !== undefined) {
        if (!isToken(b.dimensions) || b.dimensions < 1) {
          return badRequest(`Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got ${String(b.dimensions)} instead.`, 'dimensions', 'integer_below_min_value');
        }
        if (body.model === 'text-embedding-ada-002') return badRequest('This model does not support specifying dimensions.');
      }
    }
    return { items: items ?? [], dimensions, encoding };
  },

  json(reply) {
    const parts = reply.vectors.map(
      (v, index) => `{"object":"embedding","index":${index},"embedding":${reply.encoding === 'base64' ? JSON.stringify(float32Base64(v)) : JSON.stringify(v)}}`,
    );
    return `{"object":"list","data":[${parts.join(',')}],"model":${JSON.stringify(reply.model)},"usage":{"prompt_tokens":${reply.promptTokens},"total_tokens":${reply.promptTokens}}}`;
  },
};
