/**
 * A plain HTTP client for the gateway's SSE answers (node:http, so HTTP trailers are readable),
 * that exposes what has arrived so far while the stream runs.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** One streamed call, updated as bytes arrive; `finished` resolves when the response ends. */
export interface SseCall {
  status: number | undefined;
  headers: IncomingHttpHeaders;
  /** Concatenated `choices[0].delta.content` of the data events so far. */
  text: string;
  /** Parsed data events, `[DONE]` excluded. */
  events: Array<Record<string, any>>;
  /** SSE comment lines (without the leading `:` and space). */
  comments: string[];
  /** True once `data: [DONE]` arrived. */
  done: boolean;
  /** The in-band error event's `error`, if one arrived. */
  error: { message: string; type: string; code: string | null } | undefined;
  /** The parsed body of a non-SSE answer (an HTTP error). */
  json: any;
  trailers: Record<string, string>;
  finished: Promise<SseCall>;
}

/**
 * POSTs `body` to `<url>/v1/chat/completions` and reads the answer as it streams.
 *
 * @param url - the gateway's base URL
 * @param body - the request body (sent as is; set `stream: true` yourself)
 * @param headers - extra request headers
 */
export function streamChat(url: string, body: unknown, headers: Record<string, string> = {}): SseCall {
  const call: SseCall = { status: undefined, headers: {}, text: '', events: [], comments: [], done: false, error: undefined, json: undefined, trailers: {}, finished: undefined as never };
  call.finished = new Promise<SseCall>((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } }, (res) => {
      call.status = res.statusCode;
      call.headers = res.headers;
      const sse = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (piece: string) => {
        buf += piece;
        if (!sse) return;
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          readEvent(call, buf.slice(0, at));
          buf = buf.slice(at + 2);
        }
      });
      res.on('end', () => {
        if (!sse && buf !== '') call.json = JSON.parse(buf);
        call.trailers = { ...(res.trailers as Record<string, string>) };
        resolve(call);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
  return call;
}

function readEvent(call: SseCall, block: string): void {
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) call.comments.push(line.slice(1).trimStart());
    else if (line.startsWith('data:')) {
      const data = line.slice(5).trim();
      if (data === '[DONE]') {
        call.done = true;
        continue;
      }
      const event = JSON.parse(data) as Record<string, any>;
      if (event.error) call.error = event.error;
      else {
        call.events.push(event);
        call.text += event.choices?.[0]?.delta?.content ?? '';
      }
    }
  }
}

/** The `: lifeline {…}` summary comment of a finished stream. */
export function summaryOf(call: SseCall): Record<string, any> | undefined {
  const line = call.comments.find((c) => c.startsWith('lifeline '));
  return line === undefined ? undefined : (JSON.parse(line.slice('lifeline '.length)) as Record<string, any>);
}
