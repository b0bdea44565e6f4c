import { describe, expect, it } from 'vitest';
import { normalizeCompletion } from './normalize.js';

const wellFormed = () => ({
  id: 'chatcmpl-1', object: 'chat.completion', created: 1_700_000_000, model: 'gpt-4.1-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', refusal: null }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  system_fingerprint: 'fp_1',
});

describe('normalizeCompletion', () => {
  it('returns a well-formed completion as is (no copy), vendor fields kept', () => {
    const json = wellFormed();
    const out = normalizeCompletion(json);
    expect(out).toBe(json);
    expect(out).toEqual(wellFormed());
  });

  it('fills in what a relay left out, on a copy', () => {
    const json = {
      id: 42, model: 'm',
      choices: [{ message: { content: 'Hi' } }, 'junk', { index: 5, delta: {} }],
      x_groq: { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
    };
    const out = normalizeCompletion(json);
    expect(out).not.toBe(json);
    expect(out).toEqual({
      id: '42', object: 'chat.completion', created: 0, model: 'm',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: null },
        { index: 5, delta: {}, message: { role: 'assistant', content: null }, finish_reason: null },
      ],
      x_groq: { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
  });

  it.each([
    ['object missing', (j: Record<string, any>) => delete j.object],
    ['created missing', (j: Record<string, any>) => delete j.created],
    ['finish_reason missing', (j: Record<string, any>) => delete j.choices[0].finish_reason],
    ['message content missing', (j: Record<string, any>) => delete j.choices[0].message.content],
    ['message role missing', (j: Record<string, any>) => delete j.choices[0].message.role],
    ['index missing', (j: Record<string, any>) => delete j.choices[0].index],
    ['usage only under x_groq', (j: Record<string, any>) => { j.x_groq = { usage: j.usage }; delete j.usage; }],
  ])('normalises a copy when %s', (_what, spoil) => {
    const json: Record<string, any> = wellFormed();
    spoil(json);
    const out = normalizeCompletion(json)!;
    expect(out).not.toBe(json);
    expect(out.object).toBe('chat.completion');
    expect(out.created).toEqual(typeof json.created === 'number' ? json.created : 0);
    expect(out.choices[0]).toMatchObject({ index: 0, message: { role: 'assistant' }, finish_reason: json.choices[0].finish_reason ?? null });
    expect(out.choices[0]!.message.content).toBe(json.choices[0].message.content ?? null);
    expect(out.usage).toEqual({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 });
  });

  it('is not a completion without a choices array', () => {
    expect(normalizeCompletion({ id: 'x', object: 'chat.completion', choices: null })).toBeUndefined();
  });
});
