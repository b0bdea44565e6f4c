/**
 * Calling an `ai` 6 (specification v3) model with the v4 call options this adapter builds.
 * @module
 */
import type { LanguageModelV3CallOptions, LanguageModelV4CallOptions } from '@ai-sdk/provider';
import { BadRequestError } from '@lifeline/core';
import { v4ToV3Data } from '../shared/v3.js';

/**
 * v3 call options from v4 ones: file data untagged, `reasoning` dropped (v3 has none).
 * @throws {@link BadRequestError} for a file given by id (v3 cannot carry a provider reference)
 */
export function callOptionsV4ToV3(options: LanguageModelV4CallOptions, provider: string): LanguageModelV3CallOptions {
  const { reasoning: _reasoning, ...rest } = options;
  const prompt = options.prompt.map((message, i) => {
    if (message.role !== 'user') return message;
    const content = message.content.map((part, j) => {
      if (part.type !== 'file') return part;
      const data = v4ToV3Data(part.data);
      if (data === undefined) {
        throw new BadRequestError(`${provider}: messages[${i}].content[${j}] is a file id, which this AI SDK model (specification v3) cannot take`, { provider, field: `messages[${i}].content[${j}]` });
      }
      return { ...part, data };
    });
    return { ...message, content };
  });
  return { ...(rest as unknown as LanguageModelV3CallOptions), prompt: prompt as unknown as LanguageModelV3CallOptions['prompt'] };
}
