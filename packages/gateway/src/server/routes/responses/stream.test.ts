import { StreamInterruptedError, type ChatChunk, type Middleware } from '@lifeline/core';
import { chatChunk, scriptedAdapter, textChunks } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../../../test/harness.js';
import { turnsUntil } from '../../../../../../test-support/turns.js';

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

describe('POST /v1/responses stream on the wire', () => {
  it('event/data pairs, x-lifeline-* headers at the head, the final summary as a comment at the end', async () => {
    h = await startHarness({ adapter: scriptedAdapter({ pieces: ['Hi', '!'] }, { name: 'primary' }) });
    const res = await fetch(`${h.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'fake-model', input: 'Q', stream: true }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-lifeline-provider')).toBe('primary');
    expect(res.headers.get('x-lifeline-attempts')).toBe('1');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const blocks = (await res.text()).split('\n\n').filter((b) => b !== '');
    const comment = blocks.at(-1)!;
    expect(comment.startsWith(': lifeline ')).toBe(true);
    expect(JSON.parse(comment.slice(': lifeline '.length))).toMatchObject({ provider: 'primary', attempts: 1, route: ['primary:ok'] });
    const events = blocks.slice(0, -1).map((b) => b.split('\n'));
    expect(events.every(([head, data]) => head!.startsWith('event: ') && JSON.parse(data!.slice('data: '.length)).type === head!.slice('event: '.length))).toBe(true);
    expect(events.at(-1)![0]).toBe('event: response.completed');
  });

  it('aborts the upstream call when the client disconnects', async () => {
    const adapter = scriptedAdapter({ pieces: ['a', 'b', 'c'], stallAfter: 1 });
    h = await startHarness({ adapter });
    const controller = new AbortController();
    const res = await fetch(`${h.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'fake-model', input: 'Q', stream: true }), signal: controller.signal });
    await res.body!.getReader().read();
    controller.abort();
    await turnsUntil(() => adapter.calls[0]!.call.signal.aborted, 'the upstream call aborted');
    await turnsUntil(() => adapter.closed === 1, 'the upstream stream closed');
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
  });
});
