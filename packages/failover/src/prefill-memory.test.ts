import { BadRequestError, ConfigurationError, ContextLengthError, ServerError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { PrefillMemory, isPrefillRejection } from './prefill-memory.js';

describe('PrefillMemory', () => {
  it('remembers refusals per target and model', () => {
    const m = new PrefillMemory();
    m.learn('backup', 'claude-sonnet-4-6');
    expect(m.rejects('backup', 'claude-sonnet-4-6')).toBe(true);
    expect(m.rejects('backup', 'claude-sonnet-4-5')).toBe(false);
    expect(m.rejects('other', 'claude-sonnet-4-6')).toBe(false);
    m.learn('backup', 'claude-sonnet-4-6');
    expect(m.size).toBe(1);
    m.clear();
    expect(m.rejects('backup', 'claude-sonnet-4-6')).toBe(false);
  });

  it('is bounded: the pair learnt longest ago is forgotten first', () => {
    const m = new PrefillMemory({ maxEntries: 2 });
    m.learn('a', 'm');
    m.learn('b', 'm');
    m.learn('a', 'm'); // learnt again: now the newest
    m.learn('c', 'm');
    expect(m.size).toBe(2);
    expect([m.rejects('a', 'm'), m.rejects('b', 'm'), m.rejects('c', 'm')]).toEqual([true, false, true]);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxEntries %s', (maxEntries) => {
    expect(() => new PrefillMemory({ maxEntries })).toThrow(new ConfigurationError(`PrefillMemory: maxEntries must be a positive integer, got ${maxEntries}`));
  });
});

describe('isPrefillRejection()', () => {
  it.each([
    'This model does not support assistant message prefill. The conversation must end with a user message.',
    'anthropic backup: 400 invalid_request_error: Prefilling assistant messages is not supported for this model.',
    'The final message must not be an assistant message',
    'Last message must be from the user, not the model',
  ])('true for a 400 saying %j', (message) => {
    expect(isPrefillRejection(new BadRequestError(message, { status: 400 }))).toBe(true);
  });

  it('false for other failures, even with similar words', () => {
    expect(isPrefillRejection(new BadRequestError('temperature must be at most 1', { status: 400 }))).toBe(false);
    expect(isPrefillRejection(new BadRequestError('prefill not found', { status: 404 }))).toBe(false);
    expect(isPrefillRejection(new ContextLengthError('prompt is too long (prefill included)', { status: 400 }))).toBe(false);
    expect(isPrefillRejection(new ServerError('prefill failed', { status: 500 }))).toBe(false);
    expect(isPrefillRejection(new Error('prefill'))).toBe(false);
  });
});
