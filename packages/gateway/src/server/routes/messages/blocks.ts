/**
 * Anthropic request content blocks → OpenAI-shaped content parts: `text`, `image` (base64 or URL
 * → `image_url`), `document` (base64 PDF → `file`; plain text and content sources → text and
 * image parts). `cache_control` stays on the part (the Anthropic adapter sends it back; see the
 * README for OpenAI-compatible upstreams).
 * @module
 */
import type { ContentPart, TextContentPart } from '@lifeline/core';
import { HttpError } from '../../errors.js';
import type { BlockParam } from './types.js';

/** Throws the 400 `invalid_request_error` naming `field`. */
export function invalid(field: string, message: string): never {
  throw new HttpError(400, `Invalid request: ${field} ${message}`, 'invalid_request_error', field, 'invalid_request');
}

/** A short description of a received value, for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The block's `cache_control`, copied onto `part` when set. */
export function withCache<T extends ContentPart>(part: T, block: BlockParam): T {
  const cc = block.cache_control;
  return isObject(cc) ? { ...part, cache_control: cc } : part;
}

/** A `text` block as a text part. */
export function textPart(block: BlockParam, at: string): TextContentPart {
  if (typeof block.text !== 'string') invalid(`${at}.text`, `must be a string, got ${describe(block.text)}`);
  return withCache({ type: 'text', text: block.text }, block);
}

function source(block: BlockParam, at: string): Record<string, unknown> {
  if (!isObject(block.source)) invalid(`${at}.source`, `must be an object, got ${describe(block.source)}`);
  return block.source;
}

function base64(src: Record<string, unknown>, at: string): string {
  if (typeof src.media_type !== 'string' || typeof src.data !== 'string') invalid(`${at}.source`, 'must have string media_type and data');
  return `data:${src.media_type};base64,${src.data}`;
}

function fileIdsUnsupported(at: string): never {
  return invalid(`${at}.source.type`, '"file" is not supported by this gateway: Files API ids belong to one vendor; send the content base64-encoded');
}

/** An `image` block as an `image_url` part. */
export function imagePart(block: BlockParam, at: string): ContentPart {
  const src = source(block, at);
  if (src.type === 'base64') return withCache({ type: 'image_url', image_url: { url: base64(src, at) } }, block);
  if (src.type === 'url') {
    if (typeof src.url !== 'string') invalid(`${at}.source.url`, `must be a string, got ${describe(src.url)}`);
    return withCache({ type: 'image_url', image_url: { url: src.url } }, block);
  }
  if (src.type === 'file') fileIdsUnsupported(at);
  return invalid(`${at}.source.type`, `must be "base64" or "url", got ${describe(src.type)}`);
}

/** A `document` block as parts: a base64 PDF → `file`; a text or content source → text and image parts. */
export function documentParts(block: BlockParam, at: string): ContentPart[] {
  if (isObject(block.citations) && block.citations.enabled === true) {
    invalid(`${at}.citations`, 'is not supported by this gateway: citations cannot be served from every upstream; leave citations off');
  }
  const src = source(block, at);
  const title = typeof block.title === 'string' && block.title !== '' ? block.title : undefined;
  switch (src.type) {
    case 'base64': {
      if (src.media_type !== 'application/pdf') invalid(`${at}.source.media_type`, `must be "application/pdf" for a base64 document, got ${describe(src.media_type)}`);
      const file: Record<string, unknown> = { file_data: base64(src, at) };
      if (title) file.filename = title;
      return [withCache({ type: 'file', file }, block)];
    }
    case 'text': {
      if (typeof src.data !== 'string') invalid(`${at}.source.data`, `must be a string, got ${describe(src.data)}`);
      const heading = [title, typeof block.context === 'string' && block.context !== '' ? block.context : undefined].filter(Boolean).join('\n');
      return [withCache({ type: 'text', text: heading ? `${heading}\n\n${src.data}` : src.data }, block)];
    }
    case 'content': {
      if (typeof src.content === 'string') return [withCache({ type: 'text', text: src.content }, block)];
      if (!Array.isArray(src.content)) invalid(`${at}.source.content`, `must be a string or an array of blocks, got ${describe(src.content)}`);
      return src.content.map((raw: unknown, i) => {
        const inner = raw as BlockParam;
        const where = `${at}.source.content[${i}]`;
        if (inner?.type === 'text') return textPart(inner, where);
        if (inner?.type === 'image') return imagePart(inner, where);
        return invalid(`${where}.type`, `must be "text" or "image", got ${describe(inner?.type)}`);
      });
    }
    case 'url':
      return invalid(`${at}.source.type`, '"url" is not supported for documents by this gateway: send the PDF base64-encoded');
    case 'file':
      return fileIdsUnsupported(at);
    default:
      return invalid(`${at}.source.type`, `must be one of base64, text, content, got ${describe(src.type)}`);
  }
}

/** Parts as a message's content: one plain text part becomes a string, as clients usually send it. */
export function compactParts<T extends ContentPart>(parts: T[]): string | T[] {
  const only = parts[0];
  if (parts.length === 1 && only?.type === 'text' && Object.keys(only).length === 2) return (only as TextContentPart).text;
  return parts;
}
