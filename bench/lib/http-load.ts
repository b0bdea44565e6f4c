/**
 * HTTP load with autocannon (closed loop, `connections` in flight, `amount` requests), keeping every
 * response's latency (autocannon's own histogram has 1 ms resolution; loopback needs µs), plus the
 * CPU time the server process spent on them, read over IPC before and after.
 */
import autocannon from 'autocannon';
import { request } from 'undici';
import type { ServerProcess } from './server-process.ts';
import { percentile, sortedCopy } from './stats.ts';

export interface HttpLoadOptions {
  /** Full URL of the endpoint. */
  url: string;
  /** JSON body; every `[<id>]` is replaced by a fresh id per request (cache misses). */
  body: string;
  headers?: Record<string, string>;
  connections: number;
  amount: number;
  /** The process whose CPU is billed to the requests (none for a direct call). */
  server?: ServerProcess;
}

export interface HttpLoadResult {
  requests: number;
  non2xx: number;
  errors: number;
  rps: number;
  /** Sorted latencies in µs. */
  latenciesUs: Float64Array;
  p50Us: number;
  p99Us: number;
  cpuUsPerReq: number | undefined;
}

export async function httpLoad(o: HttpLoadOptions): Promise<HttpLoadResult> {
  const latencies: number[] = [];
  const cpu0 = await o.server?.cpuUs();
  const t0 = performance.now();
  const instance = autocannon({
    url: o.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...o.headers },
    body: o.body,
    idReplacement: true,
    connections: o.connections,
    amount: o.amount,
    timeout: 30,
    sampleInt: 20, // autocannon notices the end of `amount` on its sampling tick (default 1 s)
  });
  let tEnd = t0;
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms * 1000);
    tEnd = performance.now();
  });
  const result = await instance;
  const wallMs = tEnd - t0;
  const cpu1 = await o.server?.cpuUs();
  const sorted = sortedCopy(latencies);
  return {
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    rps: (result.requests.total / wallMs) * 1000,
    latenciesUs: sorted,
    p50Us: percentile(sorted, 50),
    p99Us: percentile(sorted, 99),
    cpuUsPerReq: cpu0 === undefined || cpu1 === undefined ? undefined : (cpu1 - cpu0) / Math.max(1, result.requests.total),
  };
}

/**
 * Time to the first content chunk of a streamed answer, sequentially, in µs (sorted): what a user
 * waits before text starts to appear.
 */
export async function timeToFirstChunk(url: string, body: (i: number) => string, headers: Record<string, string>, n: number): Promise<Float64Array> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body(i) });
    let seen = false;
    let buf = '';
    for await (const part of res.body) {
      if (!seen) {
        buf += part.toString();
        if (/"content":"[^"]/.test(buf)) {
          out.push((performance.now() - t0) * 1000);
          seen = true;
        }
      }
    }
    if (res.statusCode !== 200 || !seen) throw new Error(`stream via ${url} failed: ${res.statusCode}`);
  }
  return sortedCopy(out);
}
