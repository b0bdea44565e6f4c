import { describe, expect, it, vi } from 'vitest';
import { scriptedAdapter, textChunks } from '@lifeline/testing';
import { hello, startHarness } from '../../test/harness.js';

async function openStream(url: string): Promise<{ reader: ReadableStreamDefaultReader<Uint8Array>; rest: () => Promise<string> }> {
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...hello, stream: true }) });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value);
  return {
    reader,
    async rest() {
      for (;;) {
        const r = await reader.read();
        if (r.done) return text;
        text += decoder.decode(r.value);
      }
    },
  };
}

describe('graceful shutdown', () => {
  it('lets an in-flight stream finish, then stops accepting and closes the pipeline once', async () => {
    const adapter = scriptedAdapter({ chunks: textChunks(['a', 'b', 'c', 'd']), firstTokenDelayMs: 20, chunkDelayMs: 20 });
    const closePipeline = vi.fn(async () => {});
    const h = await startHarness({ adapter, pipeline: { close: closePipeline } });
    const stream = await openStream(h.url);
    const closing = h.gateway.close();
    const text = await stream.rest();
    expect(text).toContain('data: [DONE]');
    expect(text).toContain('"content":"d"');
    await closing;
    await h.gateway.close();
    expect(closePipeline).toHaveBeenCalledTimes(1);
    await expect(fetch(`${h.url}/health`)).rejects.toThrow('fetch failed');
  });

  it('aborts what is still running at the deadline, ending streams with an error event', async () => {
    const adapter = scriptedAdapter({ chunks: textChunks(['a', 'b', 'c']), stallAfter: 1 });
    const h = await startHarness({ adapter, server: { shutdownTimeoutMs: 50 } });
    const stream = await openStream(h.url);
    await h.gateway.close();
    const text = await stream.rest().catch((e: unknown) => String(e));
    expect(text).not.toContain('[DONE]');
    expect(text).toContain('"message":"The gateway is shutting down","type":"request_aborted"');
    expect(adapter.calls[0]!.call.signal.aborted).toBe(true);
  });
});
