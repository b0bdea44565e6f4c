/**
 * Failover, as a caller feels it: how long until an answer when the primary is down — refusing
 * connections, answering 503, or silent — with its circuit breaker closed (every call pays the
 * retries and the timeout) and open (calls go straight to the backup); and what hedging does to
 * p99 when one primary request in ten is slow. Mocks run in their own processes.
 *
 * Run: `npm run build && node bench/failover.bench.ts [--quick]` (`BENCH_OUT=file.json` writes JSON).
 */
import { writeFileSync } from 'node:fs';
import { openai } from '@lifeline/adapters';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { createClient, timeout, type Adapter } from '@lifeline/core';
import { failover } from '@lifeline/failover';
import { retry } from '@lifeline/retry';
import { startMockProcess } from './lib/mock-process.ts';
import { freePort } from './lib/server-process.ts';
import { percentile, sortedCopy } from './lib/stats.ts';

const quick = process.argv.includes('--quick');
const apiKey = 'test-key';
const ATTEMPT_MS = 1_000;
const RETRY = { maxAttempts: 3, initialDelayMs: 250, maxDelayMs: 4_000 };
const HEDGE_AFTER_MS = 50;
const SLOW_MS = 300;

const backupMock = await startMockProcess({ flavor: 'openai', apiKey, maxRecorded: 1 });
const down503 = await startMockProcess({ flavor: 'openai', apiKey, script: { status: 503 }, maxRecorded: 1 });
const silent = await startMockProcess({ flavor: 'openai', apiKey, script: { hang: true }, maxRecorded: 1 });
const slowEvery10 = await startMockProcess({ flavor: 'openai', apiKey, latencyMs: 2, maxRecorded: 1, every: { n: 10, offset: 3, step: { delayMs: SLOW_MS } } });
const refusedURL = `http://127.0.0.1:${await freePort()}/v1`;

const adapters: Adapter[] = [];
const make = (name: string, baseURL: string) => {
  const a = openai({ name, baseURL, apiKey, connections: 32 });
  adapters.push(a);
  return a;
};
const backup = make('backup', backupMock.url);
const request = (i: number) => ({ model: 'gpt-4.1-mini', messages: [{ role: 'user' as const, content: `hello ${i}` }] });

export interface FailoverRow {
  primary: string;
  breaker: 'closed' | 'open';
  samples: number;
  p50Ms: number;
  maxMs: number;
  attempts: number;
  answeredBy: string;
}

const rows: FailoverRow[] = [];
const cases: Array<[string, string]> = [
  ['refuses connections', refusedURL],
  ['answers 503', down503.url],
  [`silent (attempt timeout ${ATTEMPT_MS} ms)`, silent.url],
];
let i = 0;
for (const [label, url] of cases) {
  for (const state of ['closed', 'open'] as const) {
    const primary = make('primary', url);
    // Closed: a breaker that never opens, so every call meets the dead primary. Open: tripped first.
    const breaker = circuitBreaker(state === 'closed' ? { failureThreshold: 1_000_000 } : { failureThreshold: 3, breakDurationMs: 600_000 });
    const client = createClient({ use: [failover([primary, backup]), retry(RETRY), breaker, timeout({ ms: ATTEMPT_MS })] });
    if (state === 'open') for (let k = 0; k < 3; k++) await client.chat(request(i++));
    const samples = label.startsWith('silent') ? (quick ? 2 : 4) : quick ? 4 : 10;
    const times: number[] = [];
    let attempts = 0;
    let answeredBy = '';
    for (let s = 0; s < samples; s++) {
      const t0 = performance.now();
      const { meta } = await client.chat(request(i++));
      times.push(performance.now() - t0);
      attempts += meta.attempts;
      answeredBy = meta.provider ?? '';
    }
    const sorted = sortedCopy(times);
    rows.push({ primary: label, breaker: state, samples, p50Ms: percentile(sorted, 50), maxMs: sorted[sorted.length - 1]!, attempts: attempts / samples, answeredBy });
    console.error(`failover: ${label}, breaker ${state} done`);
  }
}

// Hedging: one primary request in ten takes SLOW_MS longer; the backup is fast.
export interface HedgeRow {
  mode: string;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  attemptsPerRequest: number;
}
const hedgeRows: HedgeRow[] = [];
const slowPrimary = make('primary', slowEvery10.url);
for (const hedge of [false, true]) {
  const client = createClient({ use: [failover([slowPrimary, backup], hedge ? { hedgeAfterMs: HEDGE_AFTER_MS } : {}), retry(RETRY), circuitBreaker(), timeout({ ms: 5_000 })] });
  const n = quick ? 100 : 300;
  for (let w = 0; w < 20; w++) await client.chat(request(i++));
  const times: number[] = [];
  let attempts = 0;
  for (let s = 0; s < n; s++) {
    const t0 = performance.now();
    const { meta } = await client.chat(request(i++));
    times.push(performance.now() - t0);
    attempts += meta.attempts;
  }
  const sorted = sortedCopy(times);
  hedgeRows.push({ mode: hedge ? `hedged after ${HEDGE_AFTER_MS} ms` : 'no hedging', requests: n, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), attemptsPerRequest: attempts / n });
}

await Promise.all(adapters.map((a) => a.close?.()));
await Promise.all([backupMock, down503, silent, slowEvery10].map((m) => m.close()));

console.log(`\nTime to an answer when the primary is down — retry ${JSON.stringify(RETRY)}, attempt timeout ${ATTEMPT_MS} ms, failover([primary, backup])`);
console.log('| primary | breaker | samples | p50 ms | max ms | upstream attempts/call | answered by |');
for (const r of rows) console.log(`| ${r.primary} | ${r.breaker} | ${r.samples} | ${r.p50Ms.toFixed(1)} | ${r.maxMs.toFixed(1)} | ${r.attempts.toFixed(1)} | ${r.answeredBy} |`);
console.log(`\nHedging — primary: 1 request in 10 is ${SLOW_MS} ms slower; backup fast; sequential`);
console.log('| mode | requests | p50 ms | p99 ms | upstream attempts/request |');
for (const h of hedgeRows) console.log(`| ${h.mode} | ${h.requests} | ${h.p50Ms.toFixed(1)} | ${h.p99Ms.toFixed(1)} | ${h.attemptsPerRequest.toFixed(2)} |`);
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify({ rows, hedgeRows, config: { retry: RETRY, attemptMs: ATTEMPT_MS, hedgeAfterMs: HEDGE_AFTER_MS, slowMs: SLOW_MS } }));
