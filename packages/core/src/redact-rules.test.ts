import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.js';

describe('redactSecrets: each rule', () => {
  it.each([
    ['an OpenAI-style key', 'Incorrect API key provided: sk-abc123456 (check it)', 'Incorrect API key provided: [redacted] (check it)'],
    ['an Anthropic key', 'invalid x-api-key sk-ant-api03-AbC_d-E', 'invalid x-api-key [redacted]'],
    ['an OpenRouter key', 'key sk-or-v1-0123456789abcdef rejected', 'key [redacted] rejected'],
    ['a masked key as OpenAI echoes it', 'provided: sk-proj-****abcd', 'provided: [redacted]'],
    ['a Google API key', 'API key AIzaSyA-1234567890abcdefghij not valid', 'API key [redacted] not valid'],
    ['a Bearer token, keeping the scheme', 'Authorization: Bearer eyJhbGciOi.J9abc', 'Authorization: Bearer [redacted]'],
    ['a bearer token in lower case', 'header was bearer abcdef123', 'header was bearer [redacted]'],
    ['key= in a URL, keeping the parameter name', 'GET /v1beta/models?key=AbCdEf123&alt=sse failed', 'GET /v1beta/models?key=[redacted]&alt=sse failed'],
    ['api_key= in a URL', 'https://relay.example/v1?foo=1&api_key=xyz789 refused', 'https://relay.example/v1?foo=1&api_key=[redacted] refused'],
    ['apikey= in a URL', 'url: /x?APIKEY=hunter22', 'url: /x?APIKEY=[redacted]'],
  ])('removes %s', (_name, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('removes every occurrence, not only the first', () => {
    expect(redactSecrets('sk-aaaaaaaa and sk-bbbbbbbb')).toBe('[redacted] and [redacted]');
    expect(redactSecrets('?key=a1b2c3 then &key=d4e5f6')).toBe('?key=[redacted] then &key=[redacted]');
  });

  it('removes exact secrets of any length from 4 characters, wherever they appear', () => {
    expect(redactSecrets('token abcd-short was refused', ['abcd-short'])).toBe('token [redacted] was refused');
    expect(redactSecrets('pw=hunt in the url', ['hunt'])).toBe('pw=[redacted] in the url');
    expect(redactSecrets('a secret of 40+ characters: ' + 'x'.repeat(48), ['x'.repeat(48)])).toBe('a secret of 40+ characters: [redacted]');
    expect(redactSecrets('twice: s3cr3t s3cr3t', ['s3cr3t'])).toBe('twice: [redacted] [redacted]');
  });

  it('leaves secrets shorter than 4 characters and empty ones alone (they would shred ordinary text)', () => {
    expect(redactSecrets('a cat sat', ['a', '', 'cat'])).toBe('a cat sat');
  });

  it('leaves ordinary text alone', () => {
    const text = 'The model gpt-4.1 is overloaded; task-123 skipped; Bearer; ?keyboard=1; see https://docs.example/keys';
    expect(redactSecrets(text)).toBe(text);
  });
});
