/**
 * Media types and base64: what both directions need to move file bytes between the AI SDK's
 * file parts and OpenAI-shaped content parts (`data:` URLs are parsed by `@lifeline/adapters`).
 * @module
 */

/** Base64 of bytes or of an already-base64 string. */
export function toBase64(data: Uint8Array | string): string {
  return typeof data === 'string' ? data : Buffer.from(data).toString('base64');
}

/** Leading base64 characters of common image formats. */
const SIGNATURES: ReadonlyArray<[string, string]> = [
  ['iVBORw0KGgo', 'image/png'],
  ['/9j/', 'image/jpeg'],
  ['R0lGOD', 'image/gif'],
  ['UklGR', 'image/webp'],
  ['JVBERi0', 'application/pdf'],
  ['SUQz', 'audio/mpeg'],
  ['//u', 'audio/mpeg'],
  ['//s', 'audio/mpeg'],
];

/**
 * A full media type: `mediaType` itself when it names a subtype (`image/png`), else the type
 * sniffed from the bytes (the AI SDK may pass only the top-level segment, `image`).
 * @example
 * ```ts
 * fullMediaType('image', 'iVBORw0KGgoAAAANSUhEUg==') // 'image/png'
 * ```
 */
export function fullMediaType(mediaType: string, base64: string): string {
  const type = mediaType.toLowerCase();
  if (/^[a-z]+\/[^*]+$/.test(type)) return type;
  const top = type.split('/')[0] ?? '';
  const sniffed = SIGNATURES.find(([prefix]) => base64.startsWith(prefix))?.[1];
  if (sniffed && (top === '' || sniffed.startsWith(`${top}/`) || top === '*')) return sniffed;
  return top === 'image' || top === 'audio' || top === 'video' || top === 'text' ? `${top}/*` : 'application/octet-stream';
}
