/**
 * OpenAI content parts → Anthropic content blocks: text (with `cache_control` carried over),
 * images (`data:` URLs → base64 source, http(s) URLs → url source), PDF files, and native
 * Anthropic blocks given by the caller, passed through untouched.
 * @module
 */
import { BadRequestError } from '@lifeline/core';
import type { AnthropicBlockParam, AnthropicCacheControl } from './types.js';

/** Throws the {@link BadRequestError} the adapter raises for a request it cannot translate. */
export function invalid(provider: string, field: string, message: string): never {
  throw new BadRequestError(`${provider}: ${field} ${message}`, { provider, field });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** A parsed `data:<media type>;base64,<data>` URL. */
export interface DataUrl {
  mediaType: string;
  data: string;
}

/**
 * Parses a base64 `data:` URL, or returns `undefined` when `url` is not one.
 * @example
 * ```ts
 * parseDataUrl('data:image/png;base64,iVBORw0KGgo=') // { mediaType: 'image/png', data: 'iVBORw0KGgo=' }
 * ```
 */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s.exec(url);
  if (!match) return undefined;
  return { mediaType: (match[1] ?? '').toLowerCase(), data: match[3] ?? '' };
}

/** OpenAI part types Anthropic has no counterpart for: rejected rather than silently dropped. */
const UNSUPPORTED = new Set(['input_audio', 'audio', 'refusal', 'video_url']);

function cacheControlOf(part: Record<string, unknown>): AnthropicCacheControl | undefined {
  const cc = part.cache_control;
  return cc && typeof cc === 'object' ? (cc as AnthropicCacheControl) : undefined;
}

function withCache<T extends AnthropicBlockParam>(block: T, part: Record<string, unknown>): T {
  const cc = cacheControlOf(part);
  return cc ? { ...block, cache_control: cc } : block;
}

function imageBlock(provider: string, part: Record<string, unknown>, at: string): AnthropicBlockParam {
  const url = (part.image_url as { url?: unknown } | undefined)?.url;
  if (typeof url !== 'string') invalid(provider, `${at}.image_url.url`, `must be a string, got ${describe(url)}`);
  const data = parseDataUrl(url);
  if (data) return withCache({ type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } }, part);
  if (/^https?:\/\//i.test(url)) return withCache({ type: 'image', source: { type: 'url', url } }, part);
  return invalid(provider, `${at}.image_url.url`, `must be a base64 data: URL or an http(s) URL, got ${describe(url)}`);
}

function fileBlock(provider: string, part: Record<string, unknown>, at: string): AnthropicBlockParam {
  const file = (part.file ?? {}) as { file_data?: unknown; filename?: unknown };
  const data = typeof file.file_data === 'string' ? parseDataUrl(file.file_data) : undefined;
  if (!data || data.mediaType !== 'application/pdf') {
    invalid(provider, `${at}.file.file_data`, 'must be a base64 data: URL of a PDF (application/pdf); file ids are not supported');
  }
  const block: AnthropicBlockParam = { type: 'document', source: { type: 'base64', media_type: data.mediaType, data: data.data } };
  if (typeof file.filename === 'string') block.title = file.filename;
  return withCache(block, part);
}

/**
 * Translates one message's content into Anthropic blocks. Empty text parts are dropped (the API
 * rejects empty text blocks); unknown part types are assumed to be native Anthropic blocks.
 *
 * @param provider - adapter name, for error messages
 * @param content - a message's `content`
 * @param at - path of the content in the request (`messages[2].content`)
 * @throws {@link BadRequestError} for parts Anthropic cannot take (audio, malformed images)
 */
export function toBlocks(provider: string, content: unknown, at: string): AnthropicBlockParam[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return invalid(provider, at, `must be a string or an array of parts, got ${describe(content)}`);
  const blocks: AnthropicBlockParam[] = [];
  content.forEach((raw: unknown, i) => {
    const part = raw as Record<string, unknown>;
    const where = `${at}[${i}]`;
    const type = part?.type;
    if (typeof type !== 'string') invalid(provider, where, `must be a content part with a string type, got ${describe(raw)}`);
    if (type === 'text') {
      if (typeof part.text !== 'string') invalid(provider, `${where}.text`, `must be a string, got ${describe(part.text)}`);
      if (part.text !== '') blocks.push(withCache({ type: 'text', text: part.text }, part));
    } else if (type === 'image_url') {
      blocks.push(imageBlock(provider, part, where));
    } else if (type === 'file') {
      blocks.push(fileBlock(provider, part, where));
    } else if (UNSUPPORTED.has(type)) {
      invalid(provider, `${where}.type`, `${JSON.stringify(type)} is not supported by the Anthropic Messages API`);
    } else {
      blocks.push(part as AnthropicBlockParam);
    }
  });
  return blocks;
}

/**
 * Text of a system/developer message as system blocks (`cache_control` kept).
 * @throws {@link BadRequestError} when a part is not text
 */
export function toSystemBlocks(provider: string, content: unknown, at: string): Array<{ type: 'text'; text: string; cache_control?: AnthropicCacheControl }> {
  if (Array.isArray(content)) {
    content.forEach((part: unknown, i) => {
      const type = (part as { type?: unknown } | null)?.type;
      if (type !== 'text') invalid(provider, `${at}[${i}].type`, `must be "text" in a system message, got ${describe(type)}`);
    });
  }
  return toBlocks(provider, content, at) as Array<{ type: 'text'; text: string; cache_control?: AnthropicCacheControl }>;
}
