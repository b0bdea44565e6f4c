/**
 * OpenAI content parts → Gemini parts: text, images and files (`data:` URLs → `inlineData`,
 * http(s)/gs URLs → `fileData`), audio (`input_audio` → `inlineData`).
 * @module
 */
import { invalid, parseDataUrl } from '../anthropic/content.js';
import type { GeminiPart } from './types.js';

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : typeof value;
}

/** The MIME type of a file URL, from its extension. */
export function mimeTypeOfUrl(url: string): string | undefined {
  const path = url.split(/[?#]/)[0] ?? '';
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return ext ? MIME_BY_EXTENSION[ext] : undefined;
}

function urlPart(provider: string, url: unknown, at: string): GeminiPart {
  if (typeof url !== 'string') return invalid(provider, at, `must be a string, got ${describe(url)}`);
  const data = parseDataUrl(url);
  if (data) return { inlineData: { mimeType: data.mediaType, data: data.data } };
  if (/^(https?|gs):\/\//i.test(url)) {
    const mimeType = mimeTypeOfUrl(url);
    if (!mimeType) return invalid(provider, at, `has no known file extension to take a MIME type from; send a base64 data: URL instead, got ${describe(url)}`);
    return { fileData: { mimeType, fileUri: url } };
  }
  return invalid(provider, at, `must be a base64 data: URL or an http(s) URL, got ${describe(url)}`);
}

/**
 * Translates one message's content into Gemini parts. Empty text parts are dropped.
 *
 * @param provider - adapter name, for error messages
 * @param content - a message's `content`
 * @param at - path of the content in the request (`messages[2].content`)
 * @throws {@link BadRequestError} for parts Gemini cannot take
 */
export function toParts(provider: string, content: unknown, at: string): GeminiPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) return invalid(provider, at, `must be a string or an array of parts, got ${describe(content)}`);
  const parts: GeminiPart[] = [];
  content.forEach((raw: unknown, i) => {
    const part = (raw ?? {}) as Record<string, unknown>;
    const where = `${at}[${i}]`;
    switch (part.type) {
      case 'text':
        if (typeof part.text !== 'string') invalid(provider, `${where}.text`, `must be a string, got ${describe(part.text)}`);
        if (part.text !== '') parts.push({ text: part.text });
        break;
      case 'image_url':
        parts.push(urlPart(provider, (part.image_url as { url?: unknown } | undefined)?.url, `${where}.image_url.url`));
        break;
      case 'file':
        parts.push(urlPart(provider, (part.file as { file_data?: unknown } | undefined)?.file_data, `${where}.file.file_data`));
        break;
      case 'input_audio': {
        const audio = (part.input_audio ?? {}) as { data?: unknown; format?: unknown };
        if (typeof audio.data !== 'string' || typeof audio.format !== 'string') invalid(provider, `${where}.input_audio`, 'must have string data and format');
        parts.push({ inlineData: { mimeType: `audio/${audio.format}`, data: audio.data } });
        break;
      }
      default:
        invalid(provider, `${where}.type`, `${describe(part.type)} is not supported by the Gemini API`);
    }
  });
  return parts;
}

/**
 * Text of a system/developer message as `systemInstruction` parts.
 * @throws {@link BadRequestError} when a part is not text
 */
export function toSystemParts(provider: string, content: unknown, at: string): Array<{ text: string }> {
  if (Array.isArray(content)) {
    content.forEach((part: unknown, i) => {
      const type = (part as { type?: unknown } | null)?.type;
      if (type !== 'text') invalid(provider, `${at}[${i}].type`, `must be "text" in a system message, got ${describe(type)}`);
    });
  }
  return toParts(provider, content, at) as Array<{ text: string }>;
}
