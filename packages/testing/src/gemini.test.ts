import { afterEach, describe, expect, it } from 'vitest';
import { startMockProvider } from './server.js';
import { chat, chatBody, jsonOf } from './test-utils.js';
import type { MockProvider } from './types.js';

let mock: MockProvider;
afterEach(() => mock?.close());

describe('gemini flavour: wire format', () => {
  it('answers generateContent with the model from the path and usageMetadata', async () => {
    mock = await startMockProvider({ flavor: 'gemini', text: 'Hi there friend' });
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    const res = await chat(mock, { model: 'gemini-2.5-flash' });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({
      candidates: [
        { content: { parts: [{ text: 'Hi there friend' }], role: 'model' }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: {
        promptTokenCount: 4,
        candidatesTokenCount: 3,
        totalTokenCount: 7,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 4 }],
      },
      modelVersion: 'gemini-2.5-flash',
      responseId: expect.any(String),
    });
    expect(mock.requests[0]!.model).toBe('gemini-2.5-flash');
  });

  it('counts thoughts outside candidates: total = prompt + candidates + thoughts', async () => {
    mock = await startMockProvider({
      flavor: 'gemini',
      script: [{ reply: { usage: { promptTokens: 20, completionTokens: 603, reasoningTokens: 405, cachedTokens: 8 } } }],
    });
    const body = await jsonOf(chat(mock));
    expect(body.usageMetadata).toMatchObject({
      promptTokenCount: 20,
      candidatesTokenCount: 198,
      thoughtsTokenCount: 405,
      cachedContentTokenCount: 8,
      totalTokenCount: 623,
    });
  });

  it('replies with functionCall parts whose args are objects, finishing with STOP', async () => {
    mock = await startMockProvider({
      flavor: 'gemini',
      script: [{ reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] } }],
    });
    const body = await jsonOf(chat(mock));
    expect(body.candidates[0].finishReason).toBe('STOP');
    expect(body.candidates[0].content.parts).toEqual([{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }]);
  });

  it('streams alt=sse as data-only events separated by CRLF CRLF, usage on every event, finishReason last', async () => {
    mock = await startMockProvider({
      flavor: 'gemini',
      text: 'one two',
      script: [{ reply: { toolCalls: [{ name: 'f', arguments: { a: 1 } }], text: 'one two' } }],
    });
    const res = await chat(mock, { stream: true });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const raw = await res.text();
    expect(raw.endsWith('\r\n\r\n')).toBe(true);
    const events = raw.split('\r\n\r\n').filter(Boolean);
    expect(events.every((e) => e.startsWith('data: ') && !e.includes('\n'))).toBe(true);
    const bodies = events.map((e) => JSON.parse(e.slice(6)));
    expect(bodies.map((b) => b.candidates[0].content.parts)).toEqual([
      [{ text: 'one' }],
      [{ text: ' two' }],
      [{ functionCall: { name: 'f', args: { a: 1 } } }],
    ]);
    expect(bodies.map((b) => b.candidates[0].finishReason)).toEqual([undefined, undefined, 'STOP']);
    expect(bodies[0].usageMetadata).toEqual({ promptTokenCount: 4, totalTokenCount: 4 });
    expect(bodies[2].usageMetadata).toMatchObject({ promptTokenCount: 4, candidatesTokenCount: 5 });
    expect(new Set(bodies.map((b) => b.responseId)).size).toBe(1);
  });

  it('streams a JSON array without alt=sse', async () => {
    mock = await startMockProvider({ flavor: 'gemini', text: 'one two' });
    const res = await chat(mock, { stream: true, sse: false });
    const arr = JSON.parse(await res.text());
    expect(arr.map((b: any) => b.candidates[0].content.parts[0].text)).toEqual(['one', ' two']);
  });

  it('answers a blocked prompt (content_policy) with promptFeedback and no candidates', async () => {
    mock = await startMockProvider({ flavor: 'gemini', script: [{ preset: 'content_policy' }] });
    const body = await jsonOf(chat(mock));
    expect(body.candidates).toBeUndefined();
    expect(body.promptFeedback).toEqual({ blockReason: 'SAFETY' });
  });

  it('accepts the key as x-goog-api-key or ?key= and records it redacted', async () => {
    mock = await startMockProvider({ flavor: 'gemini' });
    const res = await fetch(`${mock.url}/v1beta/models/g:generateContent?key=test-key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chatBody('gemini')),
    });
    expect(res.status).toBe(200);
    expect(mock.requests[0]!.query).toEqual({ key: '[redacted]' });
    await chat(mock);
    expect(mock.requests[1]!.headers['x-goog-api-key']).toBe('[redacted]');
  });

  it('answers a wrong key with 400 INVALID_ARGUMENT / API_KEY_INVALID and a missing key with 403', async () => {
    mock = await startMockProvider({ flavor: 'gemini' });
    const wrong = await chat(mock, { headers: { 'x-goog-api-key': 'nope' } });
    expect(wrong.status).toBe(400);
    const w = await jsonOf(wrong);
    expect(w.error).toMatchObject({ code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' });
    expect(w.error.details[0]).toMatchObject({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' });
    const missing = await chat(mock, { headers: {} });
    expect(missing.status).toBe(403);
    expect((await jsonOf(missing)).error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
  });

  it('answers unknown paths and missing contents with Google envelopes', async () => {
    mock = await startMockProvider({ flavor: 'gemini' });
    const nf = await fetch(`${mock.url}/v1beta/models/g:countTokens`, { method: 'POST', headers: { 'x-goog-api-key': 'test-key' } });
    expect(nf.status).toBe(404);
    expect((await jsonOf(nf)).error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    const bad = await chat(mock, { body: {} });
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
  });
});
