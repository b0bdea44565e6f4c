import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '@lifeline/core';
import { estimateRequestTokens } from './estimate.js';

describe('estimateRequestTokens', () => {
  it('counts string content, text parts, tool-call arguments and tool definitions, plus the output allowance', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: {} } }];
    const request = {
      model: 'm',
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'abcd' },
        { role: 'user', content: [{ type: 'text', text: 'efgh' }, { type: 'image_url', image_url: { url: 'https://x' } }, null] },
        { role: 'assistant', content: null, tool_calls: [{ id: '1', type: 'function', function: { name: 'f', arguments: '{"a":12}' } }, { id: '2', type: 'function' }] },
      ],
      tools,
    } as unknown as ChatRequest;
    const chars = 4 + 4 + 8 + JSON.stringify(tools).length;
    expect(estimateRequestTokens(request, 1024)).toBe(Math.ceil(chars / 4) + 100);
  });

  it('without tools or a maximum: the prompt and the default allowance', () => {
    expect(estimateRequestTokens({ model: 'm', messages: [{ role: 'user', content: 'Hello world!' }], tools: [] } as never, 1024)).toBe(3 + 1024);
  });
});
