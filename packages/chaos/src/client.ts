/**
 * The chaos client: sends one chat request to the gateway with a hard client-side deadline and
 * judges what came back. Hitting the deadline is a hang.
 * @module
 */
import { request, type Dispatcher } from 'undici';
import { judgeJson, judgeStream, type Expectation, type Verdict } from './classify.ts';

/** One request of the run. */
export interface ChaosRequest {
  body: Record<string, unknown>;
  stream: boolean;
  headers?: Record<string, string>;
}

/**
 * Sends `req` to `url` (the gateway's `/v1/chat/completions`) and judges the answer.
 *
 * @param deadlineMs - client-side deadline; hitting it is a `hang`
 * @example
 * ```ts
 * const verdict = await send(agent, `${gw.url}/v1/chat/completions`, { body, stream: false }, { texts }, 8_000);
 * ```
 */
export async function send(dispatcher: Dispatcher, url: string, req: ChaosRequest, exp: Expectation, deadlineMs: number): Promise<Verdict> {
  const deadline = AbortSignal.timeout(deadlineMs);
  try {
    const res = await request(url, {
      method: 'POST',
      dispatcher,
      signal: deadline,
      headers: { 'content-type': 'application/json', ...req.headers },
      body: JSON.stringify(req.body),
    });
    const text = await res.body.text();
    return req.stream && res.statusCode === 200 ? judgeStream(res.statusCode, res.headers, text, exp) : judgeJson(res.statusCode, res.headers, text, exp);
  } catch (err) {
    if (deadline.aborted) return { outcome: 'hang', detail: `no complete answer within ${deadlineMs} ms` };
    return { outcome: 'connection-error', detail: (err as Error).message };
  }
}
