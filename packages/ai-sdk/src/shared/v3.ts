/**
 * The AI SDK's language model specification v3 (`ai` 6) next to v4 (`ai` 7): the two differ,
 * for what this package uses, only in how a file part holds its data (v3: bytes, base64 or a
 * `URL`; v4: a tagged union) and in v4's `reasoning` call option.
 * @module
 */
import type { LanguageModelV3CallOptions, LanguageModelV3Prompt, LanguageModelV4CallOptions, LanguageModelV4Prompt, SharedV4FileData } from '@ai-sdk/provider';

type V3Data = Uint8Array | string | URL;

function v3ToV4Data(data: V3Data): SharedV4FileData {
  return data instanceof URL ? { type: 'url', url: data } : { type: 'data', data };
}

/**
 * A v4 prompt from a v3 one: file parts get tagged data; everything else is the same shape.
 * @example
 * ```ts
 * promptV3ToV4([{ role: 'user', content: [{ type: 'file', data: new URL('https://x/cat.png'), mediaType: 'image/png' }] }])
 * // [{ role: 'user', content: [{ type: 'file', data: { type: 'url', url: URL }, mediaType: 'image/png' }] }]
 * ```
 */
export function promptV3ToV4(prompt: LanguageModelV3Prompt): LanguageModelV4Prompt {
  return prompt.map((message) => {
    if (message.role === 'system') return message;
    const content = (message.content as Array<{ type: string; data?: unknown }>).map((part) =>
      part.type === 'file' ? { ...part, data: v3ToV4Data(part.data as V3Data) } : part,
    );
    return { ...message, content } as LanguageModelV4Prompt[number];
  });
}

/** v4 call options from v3 ones (no `reasoning`: v3 has none). */
export function callOptionsV3ToV4(options: LanguageModelV3CallOptions): LanguageModelV4CallOptions {
  return { ...(options as unknown as LanguageModelV4CallOptions), prompt: promptV3ToV4(options.prompt) };
}

/**
 * v3 file data from v4 data, or `undefined` for a provider reference (v3 cannot express one).
 * Inline text becomes its UTF-8 bytes.
 */
export function v4ToV3Data(data: SharedV4FileData): V3Data | undefined {
  switch (data.type) {
    case 'data':
      return data.data;
    case 'url':
      return data.url;
    case 'text':
      return new TextEncoder().encode(data.text);
    case 'reference':
      return undefined;
  }
}
