import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { createClient, ServerError } from '@lifeline/core';
import { fakeClock, scriptedAdapter, type AdapterStep } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { writeMessageStream } from './stream.js';

/** The parts of a ServerResponse the writer uses, recording what is sent. */
class FakeResponse extends EventEmitter {
  head: { status: number; headers: Record<string, string> } | undefined;
  text = '';
  trailers: Record<string, string> | undefined;
  destroyed = false;
  writableEnded = false;
  writableNeedDrain = false;
  writeHead(status: number, headers: Record<string, string>): void {
    this.head = { status, headers };
  }
  write(data: string): boolean {
    this.text += data;
    return true;
  }
  addTrailers(trailers: Record<string, string>): void {
    this.trailers = trailers;
  }
  end(data: string): void {
    this.text += data;
    this.writableEnded = true;
  }
}

const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

async function start(step: AdapterStep, options: { clock?: ReturnType<typeof fakeClock>; secrets?: string[] } = {}) {
  const client = createClient({ adapter: scriptedAdapter(step, { name: 'primary' }) });
  const stream = client.stream({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  const res = new FakeResponse();
  const done = writeMessageStream(res as unknown as ServerResponse, { stream, it, first }, {
    headers: { 'request-id': 'req-1' },
    secrets: options.secrets ?? [],
    requestId: 'req-1',
    model: 'm',
    inputTokens: 3,
    pingMs: 10_000,
    ...(options.clock && { clock: options.clock }),
  });
  return { res, done };
}

const names = (text: string) => [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);

describe('writeMessageStream', () => {
  it('sends a ping after 10 s of silence, and only then', async () => {
    const clock = fakeClock(0);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { res, done } = await start({ pieces: ['Hel', 'lo'], hold: { afterChunks: 1, until: () => gate } }, { clock });
    await turns();
    expect(names(res.text)).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    clock.advance(9_999);
    await turns();
    expect(names(res.text)).not.toContain('ping');
    clock.advance(1);
    await turns();
    expect(names(res.text).at(-1)).toBe('ping');
    expect(res.text).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    release();
    expect(await done).toMatchObject({ ok: true });
    expect(names(res.text)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'ping', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(clock.pending()).toBe(0);
  });

  it('writes the head, the final summary comment and the trailers', async () => {
    const { res, done } = await start({ text: 'Hello' });
    expect(await done).toMatchObject({ ok: true });
    expect(res.head).toEqual({ status: 200, headers: expect.objectContaining({ 'content-type': 'text/event-stream; charset=utf-8', 'request-id': 'req-1', trailer: 'x-lifeline-cost-usd, x-lifeline-attempts, x-lifeline-provider, x-lifeline-providers' }) });
    expect(res.text).toMatch(/\n: lifeline \{"provider":"primary",[^\n]*\}\n\nevent: message_stop\ndata: \{"type":"message_stop"\}\n\n$/);
    expect(res.trailers).toMatchObject({ 'x-lifeline-attempts': '1', 'x-lifeline-provider': 'primary' });
  });

  it('ends a stream broken after content with event: error and no message_stop, keeping secrets out', async () => {
    const error = new ServerError('primary: upstream reset, key sk-secret-1', { provider: 'primary', status: 503 });
    const { res, done } = await start({ pieces: ['Par', 'tial'], afterChunks: 1, error }, { secrets: ['sk-secret-1'] });
    const outcome = await done;
    expect(outcome).toMatchObject({ ok: false, error });
    expect(names(res.text)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'error']);
    expect(res.text.endsWith('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"primary: upstream reset, key [redacted]"},"request_id":"req-1"}\n\n')).toBe(true);
  });
});
