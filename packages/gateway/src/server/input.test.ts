import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedAdapter } from '@lifeline/testing';
import { hello, post, startHarness, type Harness } from '../../test/harness.js';

let h: Harness;
const adapter = scriptedAdapter();
beforeAll(async () => {
  h = await startHarness({ adapter, server: { bodyLimitBytes: 4096 } });
});
afterAll(() => h.close());

const chat = (body: string, headers?: Record<string, string>) => post(h.url, '/v1/chat/completions', body, headers);

describe('bad input gets a status and a message a user can act on', () => {
  it('malformed JSON → 400 invalid_json', async () => {
    const res = await chat('{"model": "fake-model", "messages": [');
    expect(res.status).toBe(400);
    expect(res.json.error.type).toBe('invalid_request_error');
    expect(res.json.error.code).toBe('invalid_json');
    expect(res.json.error.message).toMatch(/^The request body is not valid JSON: /);
  });

  it('empty body → 400', async () => {
    const res = await chat('');
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({ message: 'The request body is empty: send a JSON object', type: 'invalid_request_error', param: null, code: 'invalid_json' });
  });

  it('oversized body → 413 naming the limit', async () => {
    const res = await chat(JSON.stringify({ ...hello, messages: [{ role: 'user', content: 'x'.repeat(5000) }] }));
    expect(res.status).toBe(413);
    expect(res.json.error).toEqual({ message: "The request body is larger than this gateway's limit of 4096 bytes (server.bodyLimitBytes)", type: 'invalid_request_error', param: null, code: 'request_too_large' });
  });

  it('wrong content type → 415', async () => {
    const res = await post(h.url, '/v1/chat/completions', 'model=x', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.json.error.message).toBe('Unsupported Content-Type: send the body as application/json');
  });

  it.each([
    [{ ...hello, temperature: 'hot' }, 'temperature', 'Invalid request: temperature must be a number or null, got "hot"'],
    [{ ...hello, temperature: 3 }, 'temperature', 'Invalid request: temperature must be <= 2, got 3'],
    [{ model: 'fake-model' }, 'messages', 'Invalid request: messages is required'],
    [{ ...hello, messages: [] }, 'messages', 'Invalid request: messages must NOT have fewer than 1 items'],
    [{ ...hello, messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', 'Invalid request: messages[0].role must be one of system, developer, user, assistant, tool, got "robot"'],
    [{ ...hello, messages: [{ role: 'user', content: 5 }] }, 'messages[0].content', 'Invalid request: messages[0].content must be a string or an array or null, got 5'],
    [{ ...hello, model: 42 }, 'model', 'Invalid request: model must be a string, got 42'],
    [{ ...hello, max_tokens: 1.5 }, 'max_tokens', 'Invalid request: max_tokens must be an integer or null, got 1.5'],
    [{ ...hello, stream: 'yes' }, 'stream', 'Invalid request: stream must be a boolean or null, got "yes"'],
    [{ ...hello, n: 2 }, 'n', 'Invalid request: n must be 1: the gateway returns one choice per request (send parallel requests for several), got 2'],
    [{ ...hello, n: 2, stream: true }, 'n', 'Invalid request: n must be 1: the gateway returns one choice per request (send parallel requests for several), got 2'],
  ])('schema violation %j → 400 naming %s', async (body, param, message) => {
    const res = await chat(JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({ message, type: 'invalid_request_error', param, code: 'invalid_request' });
  });

  it('a request core rejects (user message with null content) → 400 naming the field', async () => {
    const res = await chat(JSON.stringify({ ...hello, messages: [{ role: 'user', content: null }] }));
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({ message: 'Invalid request: messages[0].content must be a string or an array of content parts, got null', type: 'invalid_request_error', param: 'messages[0].content', code: null });
  });

  it('unknown model → 404 model_not_found, as the SDK sees it', async () => {
    const err = await h.openai.chat.completions.create({ ...hello, model: 'gpt-nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).error).toEqual({
      message: "The model 'gpt-nope' is not served by this gateway: no route matches it. GET /v1/models lists the models it serves.",
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    });
  });

  it('unknown endpoint → 404 listing the endpoints', async () => {
    const res = await fetch(`${h.url}/v1/completions`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^Unknown endpoint: POST \/v1\/completions\. This gateway serves POST \/v1\/chat\/completions/);
  });

  it('ignores __proto__ keys in the body', async () => {
    const res = await chat('{"model":"fake-model","messages":[{"role":"user","content":"Hi"}],"__proto__":{"polluted":true}}');
    expect(res.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['literal', '"__proto__"', undefined],
    ['escaped', '"\\u005f_pr\\u006Fto__"', undefined],
    ['nested, spaced', '"metadata":{"__proto__" :{"polluted":true}},"x"', {}],
  ])('drops %s __proto__ keys before the request goes upstream', async (_name, key, metadata) => {
    const res = await chat(`{"model":"fake-model","messages":[{"role":"user","content":"Hi"}],${key}:{"polluted":true}}`);
    expect(res.status).toBe(200);
    const forwarded = adapter.calls.at(-1)!.request as unknown as Record<string, unknown>;
    expect(Object.hasOwn(forwarded, '__proto__')).toBe(false);
    expect(forwarded.metadata).toEqual(metadata); // the metadata object itself is forwarded, without its __proto__ key
    if (metadata) expect(Object.hasOwn(forwarded.metadata as object, '__proto__')).toBe(false);
    expect(forwarded.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('is still healthy and answering after all of the above', async () => {
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
    const answer = await h.openai.chat.completions.create(hello);
    expect(answer.choices[0]!.message.content).toBe('Hello world');
  });
});
