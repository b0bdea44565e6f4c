/**
 * AI SDK user content (text and file parts) → OpenAI-shaped content parts: images as
 * `image_url`, audio as `input_audio`, PDFs and other documents as `file` (`file_data` as a
 * `data:` URL, or `file_id` for a provider reference), inline text documents as text.
 * @module
 */
import { UnsupportedFunctionalityError, type LanguageModelV4FilePart, type LanguageModelV4TextPart } from '@ai-sdk/provider';
import type { ContentPart } from '@lifeline/core';
import { fullMediaType, toBase64 } from '../shared/data-url.js';

const AUDIO_FORMATS: Record<string, string> = { 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/wave': 'wav', 'audio/mpeg': 'mp3', 'audio/mp3': 'mp3' };

/** One file part as an OpenAI content part. */
export function filePart(part: LanguageModelV4FilePart): ContentPart {
  const data = part.data;
  const top = part.mediaType.split('/')[0]?.toLowerCase();
  if (data.type === 'text') return { type: 'text', text: data.text };
  if (data.type === 'reference') {
    const id = data.reference.lifeline ?? data.reference.openai ?? Object.values(data.reference)[0];
    if (id === undefined) throw new UnsupportedFunctionalityError({ functionality: 'file references without an id' });
    return { type: 'file', file: { file_id: id } };
  }
  if (data.type === 'url') {
    if (top === 'image') return { type: 'image_url', image_url: { url: data.originalUrl ?? data.url.href } };
    throw new UnsupportedFunctionalityError({ functionality: `file URLs of type ${part.mediaType} (only images can be sent by URL; pass the bytes instead)` });
  }
  const base64 = toBase64(data.data);
  const mediaType = fullMediaType(part.mediaType, base64);
  if (mediaType.startsWith('image/')) {
    const detail = (part.providerOptions?.lifeline?.imageDetail ?? part.providerOptions?.openai?.imageDetail) as 'auto' | 'low' | 'high' | undefined;
    return { type: 'image_url', image_url: { url: `data:${mediaType};base64,${base64}`, ...(detail ? { detail } : {}) } };
  }
  const format = AUDIO_FORMATS[mediaType];
  if (format) return { type: 'input_audio', input_audio: { data: base64, format } };
  if (mediaType.startsWith('audio/')) throw new UnsupportedFunctionalityError({ functionality: `audio of type ${mediaType} (wav and mp3 are supported)` });
  return { type: 'file', file: { filename: part.filename ?? 'file', file_data: `data:${mediaType};base64,${base64}` } };
}

/**
 * A user message's content: a plain string when it is a single text part (what every relay
 * accepts), else an array of parts.
 */
export function userContent(parts: ReadonlyArray<LanguageModelV4TextPart | LanguageModelV4FilePart>): string | ContentPart[] {
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.type === 'text' && cacheControl(only) === undefined) return only.text;
  return parts.map((part): ContentPart => (part.type === 'text' ? textPart(part) : filePart(part)));
}

/** Anthropic prompt caching on a text part (`providerOptions.anthropic.cacheControl`), as Lifeline's `cache_control`. */
function cacheControl(part: LanguageModelV4TextPart): unknown {
  const options = part.providerOptions;
  return options?.lifeline?.cacheControl ?? options?.anthropic?.cacheControl ?? options?.anthropic?.cache_control;
}

/** A text part, with its `cache_control` when it has one. */
export function textPart(part: LanguageModelV4TextPart): ContentPart {
  const cc = cacheControl(part);
  return cc === undefined || cc === null ? { type: 'text', text: part.text } : { type: 'text', text: part.text, cache_control: cc };
}
