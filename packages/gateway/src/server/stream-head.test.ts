import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { writeStreamHead } from './stream-head.js';

async function serve(headers: Record<string, string>): Promise<{ status: number; text: string; failure: Error | undefined }> {
  let failure: Error | undefined;
  const server = createServer((_req, res) => {
    failure = writeStreamHead(res, headers);
    if (!failure) res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, text: await res.text(), failure };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('writeStreamHead', () => {
  it('writes a valid head', async () => {
    expect(await serve({ 'content-type': 'text/event-stream' })).toEqual({ status: 200, text: 'data: [DONE]\n\n', failure: undefined });
  });

  it('answers 500 in the OpenAI shape when Node refuses a header value, instead of hanging', async () => {
    const { status, text, failure } = await serve({ 'content-type': 'text/event-stream', 'x-lifeline-model': '模型\r\nx-a: 1' });
    expect(status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: { message: 'Internal error in the Lifeline gateway: the response head could not be written; see its logs', type: 'server_error', param: null, code: 'internal_error' } });
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as NodeJS.ErrnoException).code).toBe('ERR_INVALID_CHAR');
  });
});
