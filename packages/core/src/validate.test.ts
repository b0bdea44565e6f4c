import { describe, expect, it } from 'vitest';
import { BadRequestError } from './errors.js';
import { validateRequest } from './validate.js';

const user = { role: 'user', content: 'Hi' } as const;
const ok = { model: 'm', messages: [user] };

function rejects(request: unknown, field: string, message: string): void {
  let error: unknown;
  try {
    validateRequest(request);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BadRequestError);
  expect((error as BadRequestError).message).toBe(`Invalid request: ${message}`);
  expect((error as BadRequestError).field).toBe(field);
  expect((error as BadRequestError).status).toBe(400);
}

describe('validateRequest()', () => {
  it('accepts every message role and the optional fields at their bounds', () => {
    const requests: unknown[] = [
      { model: 'm', messages: ['system', 'developer', 'user', 'assistant'].map((role) => ({ role, content: 'x' })) },
      { model: 'm', messages: [{ role: 'tool', content: 'r', tool_call_id: 'c1' }] },
      { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }] },
      { model: 'm', messages: [{ role: 'assistant', refusal: 'No.' }] },
      { model: 'm', messages: [{ role: 'assistant', content: [{ type: 'text', text: 'x' }] }] },
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: 'u' } }] }] },
      { ...ok, temperature: 0, top_p: 0, max_tokens: 1, max_completion_tokens: 1, n: 1, stop: 'x' },
      { ...ok, temperature: 2, top_p: 1, stop: ['a', 'b'], tools: [{ type: 'function', function: { name: 'f' } }] },
      { ...ok, temperature: null, top_p: null, max_tokens: null, max_completion_tokens: null, n: null, stop: null, tools: [] },
    ];
    for (const request of requests) expect(() => validateRequest(request), JSON.stringify(request)).not.toThrow();
  });

  it('rejects a request that is not an object, describing what it got', () => {
    rejects(null, 'request', 'request must be an object, got null');
    rejects([ok], 'request', 'request must be an object, got an array');
    rejects('hello', 'request', 'request must be an object, got "hello"');
    rejects(42, 'request', 'request must be an object, got number 42');
    rejects(undefined, 'request', 'request must be an object, got undefined');
    rejects('x'.repeat(41), 'request', `request must be an object, got "${'x'.repeat(40)}…"`);
    rejects('y'.repeat(40), 'request', `request must be an object, got "${'y'.repeat(40)}"`);
  });

  it('rejects a blank model and malformed messages, naming the field', () => {
    rejects({ model: '  ', messages: [user] }, 'model', 'model must be a non-empty string, got "  "');
    rejects({ model: 7, messages: [user] }, 'model', 'model must be a non-empty string, got number 7');
    rejects({ model: 'm', messages: {} }, 'messages', 'messages must be an array of messages, got an object');
    rejects({ model: 'm', messages: [user, null] }, 'messages[1]', 'messages[1] must be an object with role and content, got null');
    rejects({ model: 'm', messages: [[user]] }, 'messages[0]', 'messages[0] must be an object with role and content, got an array');
    rejects({ model: 'm', messages: ['hi'] }, 'messages[0]', 'messages[0] must be an object with role and content, got "hi"');
    rejects({ model: 'm', messages: [{ content: 'x' }] }, 'messages[0].role', 'messages[0].role must be one of system, developer, user, assistant, tool, got undefined');
    for (const role of ['function', 'User', 'tools', '', 'user ']) {
      rejects({ model: 'm', messages: [user, { role, content: 'x' }] }, 'messages[1].role', `messages[1].role must be one of system, developer, user, assistant, tool, got ${JSON.stringify(role)}`);
    }
    rejects({ model: 'm', messages: [{ role: 'user' }] }, 'messages[0].content', 'messages[0].content must be a string or an array of content parts, got undefined');
    rejects({ model: 'm', messages: [{ role: 'system', content: null }] }, 'messages[0].content', 'messages[0].content must be a string or an array of content parts, got null');
    rejects({ model: 'm', messages: [{ role: 'user', content: true }] }, 'messages[0].content', 'messages[0].content must be a string or an array of content parts, got boolean true');
  });

  it('checks assistant messages: content is a string, parts or null, and set unless there are tool_calls or a refusal', () => {
    rejects({ model: 'm', messages: [{ role: 'assistant', content: 5 }] }, 'messages[0].content', 'messages[0].content must be a string, an array of parts or null, got number 5');
    rejects({ model: 'm', messages: [{ role: 'assistant', content: {} }] }, 'messages[0].content', 'messages[0].content must be a string, an array of parts or null, got an object');
    rejects({ model: 'm', messages: [{ role: 'assistant' }] }, 'messages[0].content', 'messages[0].content must be set when the assistant message has no tool_calls, got undefined');
    rejects({ model: 'm', messages: [{ role: 'assistant', content: null }] }, 'messages[0].content', 'messages[0].content must be set when the assistant message has no tool_calls, got null');
    rejects({ model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [] }] }, 'messages[0].content', 'messages[0].content must be set when the assistant message has no tool_calls, got null');
    rejects({ model: 'm', messages: [{ role: 'assistant', content: null, refusal: 1 }] }, 'messages[0].content', 'messages[0].content must be set when the assistant message has no tool_calls, got null');
    expect(() => validateRequest({ model: 'm', messages: [{ role: 'assistant', content: '' }] })).not.toThrow();
  });

  it('checks every content part, in user and assistant messages alike', () => {
    rejects({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, null] }] }, 'messages[0].content[1]', 'messages[0].content[1] must be a content part with a string type, got null');
    rejects({ model: 'm', messages: [{ role: 'user', content: ['text'] }] }, 'messages[0].content[0]', 'messages[0].content[0] must be a content part with a string type, got "text"');
    rejects({ model: 'm', messages: [{ role: 'user', content: [{ text: 'a' }] }] }, 'messages[0].content[0]', 'messages[0].content[0] must be a content part with a string type, got an object');
    rejects({ model: 'm', messages: [user, { role: 'assistant', content: [{ type: 3 }] }] }, 'messages[1].content[0]', 'messages[1].content[0] must be a content part with a string type, got an object');
  });

  it('requires a non-empty tool_call_id on tool messages only', () => {
    rejects({ model: 'm', messages: [{ role: 'tool', content: 'r', tool_call_id: '' }] }, 'messages[0].tool_call_id', 'messages[0].tool_call_id must be a non-empty string, got ""');
    rejects({ model: 'm', messages: [{ role: 'tool', content: 'r', tool_call_id: 1 }] }, 'messages[0].tool_call_id', 'messages[0].tool_call_id must be a non-empty string, got number 1');
    expect(() => validateRequest({ model: 'm', messages: [{ role: 'user', content: 'r', tool_call_id: '' }] })).not.toThrow();
  });

  it('bounds the sampling numbers and counts', () => {
    rejects({ ...ok, temperature: -0.1 }, 'temperature', 'temperature must be a number between 0 and 2, got number -0.1');
    rejects({ ...ok, temperature: 2.01 }, 'temperature', 'temperature must be a number between 0 and 2, got number 2.01');
    rejects({ ...ok, temperature: '1' }, 'temperature', 'temperature must be a number between 0 and 2, got "1"');
    rejects({ ...ok, temperature: Number.NaN }, 'temperature', 'temperature must be a number between 0 and 2, got number NaN');
    rejects({ ...ok, top_p: 1.5 }, 'top_p', 'top_p must be a number between 0 and 1, got number 1.5');
    rejects({ ...ok, top_p: -1 }, 'top_p', 'top_p must be a number between 0 and 1, got number -1');
    rejects({ ...ok, max_tokens: 1.5 }, 'max_tokens', 'max_tokens must be a positive integer, got number 1.5');
    rejects({ ...ok, max_tokens: '10' }, 'max_tokens', 'max_tokens must be a positive integer, got "10"');
    rejects({ ...ok, max_completion_tokens: 0 }, 'max_completion_tokens', 'max_completion_tokens must be a positive integer, got number 0');
    rejects({ ...ok, n: -1 }, 'n', 'n must be a positive integer, got number -1');
  });

  it('checks stop and tools', () => {
    rejects({ ...ok, stop: 5 }, 'stop', 'stop must be a string or an array of strings, got number 5');
    rejects({ ...ok, stop: ['a', 2] }, 'stop', 'stop must be a string or an array of strings, got an array');
    rejects({ ...ok, tools: {} }, 'tools', 'tools must be an array of tools, got an object');
    rejects({ ...ok, tools: [null] }, 'tools[0].function.name', 'tools[0].function.name must be a non-empty string, got undefined');
    rejects({ ...ok, tools: [{ type: 'function', function: { name: 'a' } }, { type: 'function', function: { name: '' } }] }, 'tools[1].function.name', 'tools[1].function.name must be a non-empty string, got ""');
    rejects({ ...ok, tools: [{ type: 'function' }] }, 'tools[0].function.name', 'tools[0].function.name must be a non-empty string, got undefined');
  });
});
