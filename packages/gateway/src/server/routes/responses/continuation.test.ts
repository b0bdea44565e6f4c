import { StreamInterruptedError, type ChatChunk, type Middleware } from '@lifeline/core';
import { chatChunk, scriptedAdapter, textChunks } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../../../test/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * Stands in for a pipeline that continues a broken stream from another target: when the
 * primary's stream breaks after content, the rest comes from the backup's chunks (their own id,
 * model and leading role chunk). The front door only sees chunks.
 */
function continueWith(rest: ChatChunk[]): Middleware {
  return async function continueMidStream(ctx, next) {
    await next();
    const primary = ctx.stream!;
    ctx.stream = (async function* () {
      try {
        yield* primary;
      } catch {
        yield* rest;
      }
    })();
  };
}

describe('a stream continued mid-way by the pipeline', () => {
  it('reaches the client as one response: one message, the whole text, completed', async () => {
    const primary = scriptedAdapter({ chunks: [chatChunk({ role: 'assistant', content: '' }), chatChunk({ content: 'The answer ' })] }, { name: 'primary' });
    const broken = {
      ...primary,
      async stream(request: Parameters<typeof primary.stream>[0], call: Parameters<typeof primary.stream>[1]) {
        const inner = await primary.stream(request, call);
        return (async function* () {
          yield* inner;
          throw new StreamInterruptedError('primary: cut', { provider: 'primary', contentDelivered: true });
        })();
      },
    };
    const rest = textChunks(['is ', '42.'], { id: 'msg_backup', model: 'claude-sonnet-4-5' });
    h = await startHarness({ adapter: broken, use: [continueWith(rest)] });
    const stream = h.openai.responses.stream({ model: 'fake-model', input: 'Q' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(deltas).toEqual(['The answer ', 'is ', '42.']);
    expect(final.status).toBe('completed');
    expect(final.output).toHaveLength(1);
    expect(final.output_text).toBe('The answer is 42.');
  });
});
