/** `midStream` through the gateway: the default continuation as the official `openai` SDK sees it, and the other policies. */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { ANSWER, FALLBACK, PRIMARY, type Scenario, type ScenarioOptions, startScenario, words } from '../../test/scenario.js';
import { summaryOf } from '../../test/sse-client.js';

let current: Scenario | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});
const scenario = async (options: ScenarioOptions) => (current = await startScenario(options));

describe('midStream through the gateway', () => {
  it('continue (default): the openai SDK reads one stream, one id, the whole answer', async () => {
    const s = await scenario({ primary: { stream: { cutAfter: 30 } } });
    const openai = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: PRIMARY, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    let text = '';
    const ids = new Set<string>();
    for await (const chunk of stream) {
      ids.add(chunk.id);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(ANSWER);
    expect(ids.size).toBe(1);
  });

  it("error (top level): the partial text, then an in-band error the SDK raises; the fallback is not asked", async () => {
    const s = await scenario({ primary: { stream: { cutAfter: 30 } }, config: { midStream: 'error' } });
    const openai = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: PRIMARY, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe(words(30));
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toMatch(/^Stream from wall broke after content was delivered \(stream_interrupted: openai wall: stream cut/);
    expect(s.requests(FALLBACK)).toHaveLength(0);
  });

  it('a route’s own midStream wins over the top-level one', async () => {
    const s = await scenario({
      primary: { stream: { cutAfter: 30 } },
      config: { midStream: 'error', routes: [{ model: '*', targets: ['wall', { provider: 'wall', model: FALLBACK }], midStream: 'continue' }] },
    });
    const call = await s.drive(s.stream());
    expect([call.text, call.done]).toEqual([ANSWER, true]);
    expect(summaryOf(call)?.providers).toEqual(['wall', `wall:${FALLBACK}`]);
  });
});
