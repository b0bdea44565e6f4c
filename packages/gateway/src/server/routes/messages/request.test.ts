import { describe, expect, it } from 'vitest';
import { HttpError } from '../../errors.js';
import { toChatRequest } from './request.js';
import type { MessagesBody } from './types.js';

const PNG = 'iVBORw0KGgo=';
const PDF = 'JVBERi0xLjQ=';

const body = (extra: Partial<MessagesBody>): MessagesBody => ({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }], ...extra });

function refusal(extra: Partial<MessagesBody>): HttpError {
  try {
    toChatRequest(body(extra));
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected a 400');
}

describe('toChatRequest', () => {
  it('maps the sampling fields, stop sequences, thinking and metadata.user_id', () => {
    const thinking = { type: 'enabled', budget_tokens: 2048 };
    expect(toChatRequest(body({ system: 'Be brief.', temperature: 0.2, top_p: 0.9, top_k: 40, stop_sequences: ['END', ''], thinking, metadata: { user_id: 'u-1' } }))).toEqual({
      model: 'm',
      max_tokens: 100,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop: ['END'],
      thinking,
      user: 'u-1',
    });
    expect(toChatRequest(body({ thinking: { type: 'disabled' }, metadata: { user_id: null } }))).toEqual({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('keeps system blocks with their cache_control, and system turns in place', () => {
    const cc = { type: 'ephemeral' as const };
    const out = toChatRequest(body({
      system: [{ type: 'text', text: 'Long rules.', cache_control: cc }, { type: 'text', text: 'More.' }],
      messages: [{ role: 'user', content: 'Hi' }, { role: 'system', content: 'Now answer in French.' }],
    }));
    expect(out.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Long rules.', cache_control: cc }, { type: 'text', text: 'More.' }] },
      { role: 'user', content: 'Hi' },
      { role: 'system', content: 'Now answer in French.' },
    ]);
  });

  it('translates images and documents into image_url, file and text parts', () => {
    const out = toChatRequest(body({
      messages: [{
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' }, cache_control: { type: 'ephemeral' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'report.pdf' },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'The grass is green.' }, title: 'Facts' },
          { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'Chunk one.' }] } },
          { type: 'text', text: 'Summarise.' },
        ],
      }],
    }));
    expect(out.messages).toEqual([{
      role: 'user',
      content: [
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
        { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' }, cache_control: { type: 'ephemeral' } },
        { type: 'file', file: { file_data: `data:application/pdf;base64,${PDF}`, filename: 'report.pdf' } },
        { type: 'text', text: 'Facts\n\nThe grass is green.' },
        { type: 'text', text: 'Chunk one.' },
        { type: 'text', text: 'Summarise.' },
      ],
    }]);
  });

  it('turns tool_use into tool_calls and tool_result into tool messages placed before the rest of the turn', () => {
    const out = toChatRequest(body({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Two calls.', signature: 'sig-1' },
            { type: 'thinking', thinking: 'Unsigned (another vendor).', signature: '' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'text', text: 'Checking.', citations: null },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' }, caller: { type: 'direct' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Here you go.' },
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
            { type: 'tool_result', tool_use_id: 'toolu_2', is_error: true, content: [{ type: 'text', text: 'Rome: ' }, { type: 'text', text: 'timeout' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] },
          ],
        },
      ],
    }));
    expect(out.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
        thinking_blocks: [{ type: 'thinking', thinking: 'Two calls.', signature: 'sig-1' }, { type: 'redacted_thinking', data: 'opaque' }],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
      { role: 'tool', tool_call_id: 'toolu_2', is_error: true, content: [{ type: 'text', text: 'Rome: ' }, { type: 'text', text: 'timeout' }] },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }, { type: 'text', text: 'Here you go.' }] },
    ]);
  });

  it('maps tools and every tool_choice', () => {
    const tools = [{ name: 'f', description: 'does f', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' as const } }];
    expect(toChatRequest(body({ tools })).tools).toEqual([{ type: 'function', function: { name: 'f', description: 'does f', parameters: { type: 'object' } }, cache_control: { type: 'ephemeral' } }]);
    const choice = (tool_choice: MessagesBody['tool_choice']) => {
      const r = toChatRequest(body({ tools, tool_choice }));
      return [r.tool_choice, r.parallel_tool_calls];
    };
    expect(choice({ type: 'auto' })).toEqual(['auto', undefined]);
    expect(choice({ type: 'any', disable_parallel_tool_use: true })).toEqual(['required', false]);
    expect(choice({ type: 'tool', name: 'f' })).toEqual([{ type: 'function', function: { name: 'f' } }, undefined]);
    expect(choice({ type: 'none' })).toEqual(['none', undefined]);
  });

  it('maps output_config.format to a json_schema response_format', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(toChatRequest(body({ output_config: { format: { type: 'json_schema', schema } } })).response_format).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema, strict: true } });
  });

  it('refuses what no upstream-neutral request can carry, naming the field', () => {
    const cases: Array<[Partial<MessagesBody>, string, string]> = [
      [{ tools: [{ type: 'web_search_20250305', name: 'web_search', input_schema: {} }] }, 'tools[0].type', 'Invalid request: tools[0].type "web_search_20250305" is a server tool, which this gateway cannot run on every upstream; only custom tools ({ name, description, input_schema }) are supported'],
      [{ tools: [{ name: 'f' } as never] }, 'tools[0].input_schema', 'Invalid request: tools[0].input_schema must be a JSON Schema object, got undefined'],
      [{ tool_choice: { type: 'any' } }, 'tool_choice', 'Invalid request: tool_choice "any" needs tools: the request has none'],
      [{ tools: [{ name: 'f', input_schema: {} }], tool_choice: { type: 'tool', name: 'g' } }, 'tool_choice.name', 'Invalid request: tool_choice.name must name one of the request\'s tools, got "g"'],
      [{ mcp_servers: [] }, 'mcp_servers', 'Invalid request: mcp_servers is not supported by this gateway: MCP servers are called by Anthropic only'],
      [{ container: 'c-1' }, 'container', 'Invalid request: container is not supported by this gateway: containers run server tools on Anthropic only'],
      [{ output_config: { effort: 'high' } }, 'output_config.effort', 'Invalid request: output_config.effort is not supported by this gateway: effort levels have no equivalent on every upstream; leave it out'],
      [{ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'file_1' } }] }] }, 'messages[0].content[0].source.type', 'Invalid request: messages[0].content[0].source.type "file" is not supported by this gateway: Files API ids belong to one vendor; send the content base64-encoded'],
      [{ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://x/a.pdf' } }] }] }, 'messages[0].content[0].source.type', 'Invalid request: messages[0].content[0].source.type "url" is not supported for documents by this gateway: send the PDF base64-encoded'],
      [{ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' }, citations: { enabled: true } }] }] }, 'messages[0].content[0].citations', 'Invalid request: messages[0].content[0].citations is not supported by this gateway: citations cannot be served from every upstream; leave citations off'],
      [{ messages: [{ role: 'user', content: [{ type: 'search_result', source: 's', title: 't', content: [] }] }] }, 'messages[0].content[0].type', 'Invalid request: messages[0].content[0].type "search_result" is not supported in a user turn by this gateway (supported: text, image, document, tool_use, tool_result, thinking)'],
      [{ messages: [{ role: 'user', content: [] }] }, 'messages[0].content', 'Invalid request: messages[0].content must not be empty: send at least one content block'],
      [{ messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: [1] }] }] }, 'messages[0].content[0].input', 'Invalid request: messages[0].content[0].input must be an object, got an array'],
      [{ system: [{ type: 'image', source: {} }] }, 'system[0].type', 'Invalid request: system[0].type must be "text" in a system prompt, got "image"'],
    ];
    for (const [extra, field, message] of cases) {
      const err = refusal(extra);
      expect([err.status, err.type, err.param, err.message]).toEqual([400, 'invalid_request_error', field, message]);
    }
  });
});
