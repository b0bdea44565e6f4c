import { afterEach, describe, expect, it } from 'vitest';
import { PREFILL_REFUSAL, continueAfter } from './prefill.js';
import { startMockProvider } from './server.js';
import { chat, chatBody, jsonOf, parseSse } from './test-utils.js';
import type { Flavor, MockProvider } from './types.js';

let mock: MockProvider;
afterEach(() => mock?.close());

/** The flavour's minimal request, ending with a prefill turn. */
function prefilled(flavor: Flavor): Record<string, unknown> {
  const body = chatBody(flavor);
  if (flavor === 'gemini') return { ...body, contents: [...(body.contents as unknown[]), { role: 'model', parts: [{ text: 'The answer is' }] }] };
  return { ...body, messages: [...(body.messages as unknown[]), { role: 'assistant', content: 'The answer is' }] };
}

describe('rejectPrefill', () => {
  it.each<[Flavor, unknown]>([
    ['openai', { error: { message: PREFILL_REFUSAL, type: 'invalid_request_error', param: 'messages', code: null } }],
    ['anthropic', { type: 'error', error: { type: 'invalid_request_error', message: PREFILL_REFUSAL }, request_id: expect.stringMatching(/^req_mock/) }],
    ['gemini', { error: { code: 400, message: PREFILL_REFUSAL, status: 'INVALID_ARGUMENT' } }],
  ])('%s: a request ending with an assistant turn gets the vendor 400; one ending with a user turn is answered', async (flavor, body) => {
    mock = await startMockProvider({ flavor, rejectPrefill: true, script: [{ reply: { text: 'First step' } }] });
    const refused = await chat(mock, { body: prefilled(flavor) });
    expect(refused.status).toBe(400);
    expect(await jsonOf(refused)).toEqual(body);
    const answered = await chat(mock, { stream: true });
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain('First'); // the refusal did not consume the script's first step
    expect(mock.requests).toHaveLength(2);
  });

  it('a list of models refuses only for those models', async () => {
    mock = await startMockProvider({ rejectPrefill: ['strict-model'] });
    expect((await chat(mock, { body: prefilled('openai'), model: 'strict-model' })).status).toBe(400);
    expect((await chat(mock, { body: prefilled('openai'), model: 'lenient-model' })).status).toBe(200);
  });

  it('off by default', async () => {
    mock = await startMockProvider();
    expect((await chat(mock, { body: prefilled('openai') })).status).toBe(200);
  });
});

describe('prefills answered', () => {
  it('anthropic continues a prefill where it stops (JSON and stream): the reply is the rest of the answer', async () => {
    mock = await startMockProvider({ flavor: 'anthropic', text: 'The answer is forty two, as usual.' });
    const json = (await jsonOf(await chat(mock, { body: prefilled('anthropic') }))) as { content: Array<{ text: string }>; usage: { output_tokens: number } };
    expect(json.content[0]!.text).toBe(' forty two, as usual.');
    expect(json.usage.output_tokens).toBe(4);
    const sse = parseSse(await (await chat(mock, { stream: true, body: { ...prefilled('anthropic'), stream: true } })).text());
    const text = sse.map((e) => JSON.parse(e.data) as { delta?: { text?: string } }).map((d) => d.delta?.text ?? '').join('');
    expect(text).toBe(' forty two, as usual.');
  });

  it('openai answers a request ending with an assistant turn anew, as OpenAI does', async () => {
    mock = await startMockProvider({ text: 'The answer is forty two.' });
    const json = (await jsonOf(await chat(mock, { body: prefilled('openai') }))) as { choices: Array<{ message: { content: string } }> };
    expect(json.choices[0]!.message.content).toBe('The answer is forty two.');
  });

  it('continueAfter(): what follows as many words as the prefill has', () => {
    expect(continueAfter('Answer 7 from beta: the quick fox.', 'Answer 7 from alpha:')).toBe(' the quick fox.');
    expect(continueAfter('One two', 'One two three')).toBe('');
    expect(continueAfter('One two', '')).toBe('One two');
  });
});
