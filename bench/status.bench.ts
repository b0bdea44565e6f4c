/**
 * What the status page costs the gateway, in one run: the same gateway with `status: false`
 * (the baseline), with the page on and nobody watching, and with one `/status/events` stream open
 * (its figures recomputed after calls, its deltas sent). JSON calls, sequential and 32 concurrent,
 * and calls whose primary always fails (every call a failover entry in the timeline). CPU per
 * request is the gateway process's own CPU time, read over IPC.
 *
 * Run: `npm run build && node bench/status.bench.ts [--quick]`
 */
import { request } from 'undici';
import { httpLoad, type HttpLoadResult } from './lib/http-load.ts';
import { startMockProcess } from './lib/mock-process.ts';
import { startServerProcess, type ServerProcess } from './lib/server-process.ts';
import { median } from './lib/stats.ts';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 1 : 3;
const AMOUNT = { sequential: quick ? 300 : 1000, concurrent: quick ? 1000 : 3000 };
const CONNECTIONS = { sequential: 1, concurrent: 32 };
const apiKey = 'test-key';

const mock = await startMockProcess({ flavor: 'openai', apiKey, text: 'Hello from the mock.', maxRecorded: 1 });
const dead = await startMockProcess({ flavor: 'openai', apiKey, script: { status: 503 }, maxRecorded: 1 });
const config = (status: boolean) => ({
  server: { logLevel: 'warn' },
  providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey }, dead: { kind: 'openai', baseURL: dead.url, apiKey } },
  // The failing route: one attempt per target and a breaker that never opens, so every call fails over.
  routes: [{ model: 'bench-failover', targets: ['dead', 'ok'] }, { model: '*', targets: ['ok'] }],
  retry: { maxAttempts: 1 },
  circuitBreaker: { failureThreshold: 1_000_000_000 },
  status: { enabled: status },
});
const gateway = new URL('./lib/lifeline-gateway.ts', import.meta.url).pathname;
const start = (status: boolean) => startServerProcess({ script: gateway, args: [JSON.stringify(config(status))] });
const [off, on, watched] = await Promise.all([start(false), start(true), start(true)]);

// One watcher on `watched`: read and dropped, as a browser tab would keep it open.
const stream = await request(`${watched.url}/status/events`);
let streamed = 0;
stream.body.on('data', (chunk: Buffer) => (streamed += chunk.length));

const systems: Array<{ name: string; server: ServerProcess }> = [
  { name: 'status: false (baseline)', server: off },
  { name: 'status page on, nobody watching', server: on },
  { name: 'status page on, one stream open', server: watched },
];
const bodyOf = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello, request [<id>]' }], max_tokens: 16 });

const rows: string[] = [];
for (const [mode, model] of [['json', 'gpt-4.1-mini'], ['failover', 'bench-failover']] as const) {
  for (const load of ['sequential', 'concurrent'] as const) {
    for (const s of systems) await httpLoad({ url: `${s.server.url}/v1/chat/completions`, body: bodyOf(model), connections: CONNECTIONS[load], amount: quick ? 200 : 500 });
    const runs = new Map<string, HttpLoadResult[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of systems) {
        const r = await httpLoad({ url: `${s.server.url}/v1/chat/completions`, body: bodyOf(model), connections: CONNECTIONS[load], amount: AMOUNT[load], server: s.server });
        if (r.non2xx + r.errors > 0) throw new Error(`${s.name}: ${r.non2xx + r.errors} failed requests`);
        runs.set(s.name, [...(runs.get(s.name) ?? []), r]);
      }
    }
    const base = median(runs.get(systems[0]!.name)!.map((r) => r.cpuUsPerReq!));
    for (const s of systems) {
      const rs = runs.get(s.name)!;
      const cpu = median(rs.map((r) => r.cpuUsPerReq!));
      const rps = median(rs.map((r) => r.rps));
      rows.push(`| ${mode} | ${load} | ${s.name} | ${Math.round(rps)} | ${Math.round(median(rs.map((r) => r.p50Us)))} | ${Math.round(cpu)} | ${(cpu / base).toFixed(2)}× |`);
    }
  }
}

console.log('| calls | load | gateway | req/s | p50 µs | CPU µs/req | CPU vs baseline |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(`\nThe open stream received ${(streamed / 1024).toFixed(0)} KiB during the run.`);

stream.body.destroy();
await Promise.all([off.close(), on.close(), watched.close(), mock.close(), dead.close()]);
