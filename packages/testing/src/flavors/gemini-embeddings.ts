/**
 * The Gemini embeddings endpoints: `POST /v1beta/models/{model}:embedContent`
 * (`{content:{parts:[{text}]}, taskType?, outputDimensionality?}` → `{embedding:{values}}`) and
 * `:batchEmbedContents` (`{requests:[{model:"models/{model}", content, outputDimensionality?}]}`
 * → `{embeddings:[{values}]}`, at most 100 requests per batch). No usage is reported.
 *
 * @module
 */
import type { EmbeddingCall } from '../embeddings.js';
import { type EmbeddingsFlavor, isObject, jsonError, type RouteMatch, type WireResponse } from './flavor.js';

const EMBED_PATH = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):(embedContent|batchEmbedContents)$/;

/** Most requests Gemini accepts in one `batchEmbedContents` call. */
export const GEMINI_MAX_BATCH = 100;

function invalid(message: string): WireResponse {
  return jsonError(400, { error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
}

/** Matches the embeddings methods of the Gemini API. */
export function geminiEmbedRoute(method: string, path: string): RouteMatch | undefined {
  if (method !== 'POST') return undefined;
  const m = EMBED_PATH.exec(path);
  return m ? { op: 'embed', model: decodeURIComponent(m[2]!), batch: m[3] === 'batchEmbedContents' } : undefined;
}

/** The text of a `Content` (its text parts joined), or `undefined` when it has none. */
function textOf(content: unknown): string | undefined {
  if (!isObject(content) || !Array.isArray(content.parts)) return undefined;
  const texts = content.parts.map((p: unknown) => (isObject(p) && typeof p.text === 'string' ? p.text : '')).join('');
  return texts === '' ? undefined : texts;
}

/** The Gemini embeddings endpoints. */
export const geminiEmbeddings: EmbeddingsFlavor = {
  parse(body, match, _ctx, validate): EmbeddingCall | WireResponse {
    const b = isObject(body) ? body : {};
    if (validate && !isObject(body)) return invalid('Invalid JSON payload received. Unexpected token.');
    if (!match.batch) {
      const text = textOf(b.content);
      if (validate && text === undefined) return invalid('* EmbedContentRequest.content: contents is not specified\n');
      const dims = typeof b.outputDimensionality === 'number' ? b.outputDimensionality : undefined;
      return { items: text === undefined ? [] : [text], dimensions: dims, encoding: 'float' };
    }
    const requests = Array.isArray(b.requests) ? (b.requests as unknown[]) : [];
    if (validate) {
      if (requests.length === 0) return invalid('* BatchEmbedContentsRequest.requests: requests is not specified\n');
      if (requests.length > GEMINI_MAX_BATCH) return invalid(`* BatchEmbedContentsRequest.requests: at most ${GEMINI_MAX_BATCH} requests can be in one batch\n`);
      for (let i = 0; i < requests.length; i++) {
        const r = requests[i];
        if (!isObject(r) || textOf(r.content) === undefined) return invalid(`* BatchEmbedContentsRequest.requests[${i}].content: contents is not specified\n`);
        if (r.model !== `models/${match.model}`) {
          return invalid(`* BatchEmbedContentsRequest.requests[${i}].model: model "${String(r.model)}" does not match the model in the URL "models/${match.model}"\n`);
        }
      }
    }
    const first = isObject(requests[0]) ? requests[0] : {};
    const dims = typeof first.outputDimensionality === 'number' ? first.outputDimensionality : undefined;
    const items = requests.map((r) => (isObject(r) ? (textOf(r.content) ?? '') : ''));
    return { items, dimensions: dims, encoding: 'float' };
  },

  json(reply, match) {
    if (!match.batch) return `{"embedding":{"values":${JSON.stringify(reply.vectors[0] ?? [])}}}`;
    return `{"embeddings":[${reply.vectors.map((v) => `{"values":${JSON.stringify(v)}}`).join(',')}]}`;
  },
};
