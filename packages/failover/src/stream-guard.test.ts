/**
 * The stream guard's `take()`: chunks the source already holds pass to the caller without a
 * promise each, with the same bookkeeping as `next()`, and a break met after taken chunks still
 * goes to the `midStream` policy.
 */
import { openai } from '@lifeline/adapters';
import { type Adapter, type ChatChunk, ConnectionError, ResponseAssembler, type TakeableIterator, createClient } from '@lifeline/core';
import { startMockProvider } from '@lifeline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { drain, fake, request } from '../test/fake-adapter.js';
import { failover } from './failover.js';
import { deliversContent } from './mid-stream.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const chunk = (content: string, model = 'm-1'): ChatChunk => ({ id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { content }, finish_reason: null }] });

/** A source that holds its chunks after the first `next()` (all arrived together), then fails with `error` or ends. */
function held(chunks: ChatChunk[], error?: Error) {
  const log: string[] = [];
  let i = 0;
  const it: TakeableIterator<ChatChunk> & AsyncIterableIterator<ChatChunk> = {
    take() {
      if (i === 0 || i >= chunks.length) return undefined;
      log.push('take');
      return { value: chunks[i++]!, done: false };
    },
    async next() {
      log.push('next');
      if (i < chunks.length) return { value: chunks[i++]!, done: false };
      if (error) throw error;
      return { value: undefined, done: true };
    },
    async return() {
      log.push('return');
      i = chunks.length;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => it,
  };
  return { it, log };
}

/** An adapter whose stream is `source`. */
function adapterOf(name: string, source: AsyncIterable<ChatChunk>): Adapter & { signals: AbortSignal[] } {
  const signals: AbortSignal[] = [];
  return {
    name,
    kind: 'test',
    signals,
    chat: () => Promise.reject(new Error('not used')),
    stream: async (_request, call) => {
      signals.push(call.signal);
      return source;
    },
  };
}

type Iter = AsyncIterator<ChatChunk> & TakeableIterator<ChatChunk>;

describe('failover() stream guard: take()', () => {
  it('hands the chunks an OpenAI stream read together to the caller without a next() each', async () => {
    const events = ['a', 'b', 'c'].map((t) => JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm-real', choices: [{ index: 0, delta: { content: t }, finish_reason: t === 'c' ? 'stop' : null }] }));
    // The mock writes the whole stream at once: one write, one read.
    const mock = await startMockProvider({ apiKey: 'k', script: { raw: { body: [...events, '[DONE]'].map((e) => `data: ${e}\n\n`).join('') } } });
    closers.push(() => mock.close());
    const adapter = openai({ baseURL: mock.url, apiKey: 'k' });
    closers.push(() => adapter.close());
    const s = createClient({ use: [failover([adapter])] }).stream(request());
    const it = s[Symbol.asyncIterator]() as Iter;
    expect(it.take!()).toBeUndefined(); // nothing before the first next(): the pipeline has not run
    expect((await it.next()).value!.choices[0]!.delta.content).toBe('a');
    expect(it.take!()!.value.choices[0]!.delta.content).toBe('b');
    expect(it.take!()!.value.choices[0]!.delta.content).toBe('c');
    expect(it.take!()).toBeUndefined(); // the end comes from next()
    expect(await it.next()).toEqual({ value: undefined, done: true });
    const { response, meta } = await s.result;
    expect(response.choices[0]!.message.content).toBe('abc');
    expect(meta).toMatchObject({ provider: 'openai', model: 'm-real', failovers: 0 });
  });

  it('taken chunks are recorded as next() records them: a break after them restarts with the whole answer again', async () => {
    const primary = held([chunk('Hel'), chunk('lo'), chunk(' wor')], new ConnectionError('socket hang up', { provider: 'primary' }));
    const s = createClient({ use: [failover([adapterOf('primary', primary.it), fake({ name: 'backup', script: { text: 'From the backup' } })], { midStream: 'restart' })] }).stream(request());
    const it = s[Symbol.asyncIterator]() as Iter;
    const seen = [(await it.next()).value!.choices[0]!.delta.content];
    for (let r = it.take!(); r; r = it.take!()) seen.push(r.value.choices[0]!.delta.content);
    expect(seen).toEqual(['Hel', 'lo', ' wor']);
    expect(primary.log).toEqual(['next', 'take', 'take']);
    const marker = await it.next();
    expect(marker.value).toMatchObject({ choices: [], lifeline: { event: 'restart', from: 'primary', target: 'backup', reason: 'connection' } });
    // The backup's stream holds its primed opening: the first take() opens it and hands that out.
    expect(it.take!()!.value.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    const rest = await drain({ [Symbol.asyncIterator]: () => it });
    expect(rest.error).toBeUndefined();
    expect(rest.text).toBe('From the backup');
    const { response, meta } = await s.result;
    expect(response.choices[0]!.message.content).toBe('From the backup');
    expect(meta).toMatchObject({ provider: 'backup', failovers: 1, midStream: { policy: 'restart', from: 'primary', to: 'backup' } });
  });

  it("a break after taken chunks with midStream 'error' is an honest error saying content was delivered", async () => {
    const primary = held([chunk('Hel'), chunk('lo')], new ConnectionError('socket hang up', { provider: 'primary' }));
    const s = createClient({ use: [failover([adapterOf('primary', primary.it)], { midStream: 'error' })] }).stream(request());
    const it = s[Symbol.asyncIterator]() as Iter;
    await it.next();
    expect(it.take!()!.value.choices[0]!.delta.content).toBe('lo');
    const error = await it.next().then(() => undefined, (e: unknown) => e);
    expect((error as Error).constructor.name).toBe('StreamInterruptedError');
    expect((error as Error).message).toBe('Stream from primary broke after content was delivered (connection: socket hang up)');
    expect(await it.next()).toEqual({ value: undefined, done: true });
    await expect(s.result).rejects.toThrow('Stream from primary broke after content was delivered (connection: socket hang up)');
  });

  it('stopped after taken chunks: the source is closed and the attempt aborted', async () => {
    const primary = held([chunk('a'), chunk('b'), chunk('c')]);
    const adapter = adapterOf('primary', primary.it);
    const s = createClient({ use: [failover([adapter])] }).stream(request());
    const it = s[Symbol.asyncIterator]() as Iter;
    await it.next();
    expect(it.take!()!.value.choices[0]!.delta.content).toBe('b');
    expect(await it.return!()).toEqual({ value: undefined, done: true });
    expect(primary.log).toEqual(['next', 'take', 'return']);
    expect(adapter.signals[0]!.aborted).toBe(true);
    expect(it.take!()).toBeUndefined();
    await expect(s.result).rejects.toThrow('The stream was stopped before it ended (the consumer broke out or returned)');
  });

  it('a source without take(): only the chunk failover read ahead is taken, every other one comes from next()', async () => {
    const s = createClient({ use: [failover([fake({ name: 'primary', script: { text: 'Hello brave world' } })])] }).stream(request());
    const it = s[Symbol.asyncIterator]() as Iter;
    expect(it.take!()).toBeUndefined();
    const first = await it.next(); // the role chunk, read ahead to see the first token
    const words: string[] = [];
    for (let r = it.take!(); r; r = it.take!()) words.push(r.value.choices[0]?.delta.content ?? '');
    expect(first.value!.choices[0]!.delta.role).toBe('assistant');
    expect(words).toEqual(['Hello']);
    for (let r = await it.next(); !r.done; r = await it.next()) {
      words.push(r.value.choices[0]?.delta.content ?? '');
      expect(it.take!()).toBeUndefined();
    }
    expect(words.join('')).toBe('Hello brave world');
    expect((await s.result).meta.provider).toBe('primary');
  });
});

describe('deliversContent()', () => {
  const delta = (d: Record<string, unknown>): ChatChunk => ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: d, finish_reason: null }] }) as ChatChunk;
  const cases: Array<[string, ChatChunk, boolean]> = [
    ['text', delta({ content: 'hi' }), true],
    ['empty text', delta({ content: '' }), false],
    ['role only', delta({ role: 'assistant' }), false],
    ['a refusal, even empty', delta({ refusal: '' }), true],
    ['a tool call', delta({ tool_calls: [{ index: 0, id: 't', type: 'function', function: { name: 'f', arguments: '' } }] }), true],
    ['no tool call', delta({ tool_calls: [] }), false],
    ['reasoning only', delta({ reasoning_content: 'hmm' }), false],
    ['usage only', { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }, false],
    ['no choices array', { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm' } as unknown as ChatChunk, false],
  ];
  it.each(cases)('%s: as ResponseAssembler.hasContent says', (_name, c, expected) => {
    const asm = new ResponseAssembler();
    asm.push(c);
    expect(asm.hasContent).toBe(expected);
    expect(deliversContent(c)).toBe(expected);
  });
});
