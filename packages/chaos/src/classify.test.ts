import { describe, expect, it } from 'vitest';
import { isOpenAIError, judgeJson, judgeStream } from './classify.ts';

const exp = { texts: ['Answer 1 from alpha: hi there.', 'Answer 1 from beta: hi there.'], degradedText: 'Sorry, degraded.' };
const sse = (...events: string[]) => events.map((e) => `data: ${e}\n\n`).join('');
const chunk = (content: string, finish: string | null = null) => JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
const completion = (content: string, extra: Record<string, unknown> = {}) => JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], ...extra });
const openAIError = JSON.stringify({ error: { message: 'boom', type: 'server_error', param: null, code: null } });

describe('judgeStream', () => {
  it('accepts a stream that ends with [DONE] and carries the whole text', () => {
    expect(judgeStream(200, {}, sse(chunk('Answer 1 from beta: '), chunk('hi there.', 'stop'), '[DONE]'), exp)).toEqual({ outcome: 'complete' });
  });
  it('flags a stream that ends with [DONE] but lost words as a truncated success', () => {
    expect(judgeStream(200, {}, sse(chunk('Answer 1 from beta: '), '[DONE]'), exp).outcome).toBe('truncated-success');
  });
  it('flags [DONE] after an in-band error as a truncated success', () => {
    expect(judgeStream(200, {}, sse(chunk('Answer'), openAIError, '[DONE]'), exp).outcome).toBe('truncated-success');
  });
  it('accepts an in-band OpenAI error without [DONE] as an explicit error', () => {
    expect(judgeStream(200, {}, sse(chunk('Answer'), openAIError), exp)).toEqual({ outcome: 'error' });
  });
  it('rejects an in-band error that is not OpenAI-shaped', () => {
    expect(judgeStream(200, {}, sse(chunk('Answer'), '{"error":"nope"}'), exp).outcome).toBe('malformed-error');
  });
  it('flags a stream with neither [DONE] nor an error as unterminated', () => {
    expect(judgeStream(200, {}, sse(chunk('Answer 1 from alpha: hi there.', 'stop')), exp).outcome).toBe('unterminated-stream');
  });
  it("flags another request's answer as a wrong answer", () => {
    expect(judgeStream(200, {}, sse(chunk('Answer 2 from alpha: hi there.', 'stop'), '[DONE]'), exp).outcome).toBe('wrong-answer');
  });
  it('needs the degraded header to accept the degraded text', () => {
    const body = sse(chunk('Sorry, degraded.', 'stop'), '[DONE]');
    expect(judgeStream(200, { 'x-lifeline-degraded': 'true' }, body, exp)).toEqual({ outcome: 'degraded' });
    expect(judgeStream(200, {}, body, exp).outcome).toBe('unflagged-degraded');
  });
  it('skips comments and reads CRLF-separated events', () => {
    const body = `: lifeline {"x":1}\r\n\r\ndata: ${chunk('Answer 1 from alpha: hi there.', 'stop')}\r\n\r\ndata: [DONE]\r\n\r\n`;
    expect(judgeStream(200, {}, body, exp)).toEqual({ outcome: 'complete' });
  });
});

describe('judgeJson', () => {
  it('accepts the exact text of any target', () => {
    expect(judgeJson(200, {}, completion('Answer 1 from alpha: hi there.'), exp)).toEqual({ outcome: 'complete' });
  });
  it('flags a prefix as a truncated success', () => {
    expect(judgeJson(200, {}, completion('Answer 1 from alpha:'), exp).outcome).toBe('truncated-success');
  });
  it('accepts a degraded answer flagged in the header and the body', () => {
    expect(judgeJson(200, { 'x-lifeline-degraded': 'true' }, completion('Sorry, degraded.', { lifeline: { degraded: true } }), exp)).toEqual({ outcome: 'degraded' });
  });
  it('rejects a degraded flag the body does not confirm', () => {
    expect(judgeJson(200, { 'x-lifeline-degraded': 'true' }, completion('Sorry, degraded.'), exp)).toEqual({ outcome: 'unflagged-degraded', detail: 'header and body disagree on degraded' });
  });
  it('accepts a content-filter refusal', () => {
    const body = JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'content_filter' }] });
    expect(judgeJson(200, {}, body, exp)).toEqual({ outcome: 'refused' });
  });
  it('accepts an OpenAI-shaped error status and rejects any other error body', () => {
    expect(judgeJson(502, {}, openAIError, exp)).toEqual({ outcome: 'error' });
    expect(judgeJson(500, {}, '{"message":"x"}', exp)).toEqual({ outcome: 'malformed-error', detail: '500 {"message":"x"}' });
    expect(judgeJson(500, {}, 'oops', exp)).toEqual({ outcome: 'malformed-error', detail: 'unparsable body (500): oops' });
  });
});

describe('isOpenAIError', () => {
  it('needs message, type, param and code', () => {
    expect(isOpenAIError({ error: { message: 'm', type: 't', param: null, code: null } })).toBe(true);
    expect(isOpenAIError({ error: { message: 'm', type: 't' } })).toBe(false);
    expect(isOpenAIError({ error: { message: '', type: 't', param: null, code: null } })).toBe(false);
    expect(isOpenAIError({ error: 'Bad Request', message: 'Client Error', statusCode: 400 })).toBe(false);
    expect(isOpenAIError(null)).toBe(false);
  });
});
