/**
 * Cost of the Responses API front door against Chat Completions, in one run: the same gateway
 * process (default stack, logs at warn), the same mock upstream (its own process), the same
 * prompt; `POST /v1/chat/completions` is the baseline, `POST /v1/responses` is measured with the
 * response kept (the default) and with `store: false`, JSON and streams, sequential and 32
 * concurrent. Prints p50, p99, req/s and the gateway's CPU per request, with ratios to the baseline.
 *
 * Run: `npm run build && node bench/front-doors.bench.ts [--quick]`
 */
import { join } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpLoad } from './lib/http-load.ts';
import { startMockProcess } from './lib/mock-process.ts';
import { startServerProcess } from './lib/server-process.ts';
import { median } from './lib/stats.ts';

const quick = process.argv.includes('--quick');
const here = dirname(fileURLToPath(import.meta.url));
const apiKey = 'test-key';
const ROUNDS = quick ? 1 : 3;
const AMOUNT = { sequential: quick ? 300 : 1000, concurrent: quick ? 1000 : 3000 };
const CONNECTIONS = { sequential: 1, concurrent: 32 };

const mock = await startMockProcess({ flavor: 'openai', apiKey, text: 'Lifeline keeps your app answering when the provider fails.', maxRecorded: 1 });
const gateway = await startServerProcess({
  script: join(here, 'lib/lifeline-gateway.ts'),
  args: [JSON.stringify({ server: { logLevel: 'warn' }, providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey } }, routes: [{ model: '*', targets: ['ok'] }] })],
});

const prompt = 'Say hello, request [<id>]';
const cases = [
  { name: 'chat.completions (baseline)', path: '/v1/chat/completions', body: (stream: boolean) => ({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: prompt }], max_tokens: 64, stream }) },
  { name: 'responses (kept)', path: '/v1/responses', body: (stream: boolean) => ({ model: 'gpt-4.1-mini', input: prompt, max_output_tokens: 64, stream }) },
  { name: 'responses (store: false)', path: '/v1/responses', body: (stream: boolean) => ({ model: 'gpt-4.1-mini', input: prompt, max_output_tokens: 64, stream, store: false }) },
];

const out: string[] = [];
for (const stream of [false, true]) {
  for (const load of ['sequential', 'concurrent'] as const) {
    const results = new Map<string, Array<Awaited<ReturnType<typeof httpLoad>>>>();
    for (const c of cases) await httpLoad({ url: `${gateway.url}${c.path}`, body: JSON.stringify(c.body(stream)), connections: CONNECTIONS[load], amount: quick ? 200 : 500 });
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of cases) {
        const r = await httpLoad({ url: `${gateway.url}${c.path}`, body: JSON.stringify(c.body(stream)), connections: CONNECTIONS[load], amount: AMOUNT[load], server: gateway });
        results.set(c.name, [...(results.get(c.name) ?? []), r]);
      }
    }
    const base = results.get(cases[0]!.name)!;
    const baseP50 = median(base.map((r) => r.p50Us));
    const baseCpu = median(base.map((r) => r.cpuUsPerReq!));
    const baseRps = median(base.map((r) => r.rps));
    out.push(`\n${stream ? 'stream' : 'json'}, ${load} (${CONNECTIONS[load]} connection${CONNECTIONS[load] > 1 ? 's' : ''})`);
    out.push('| case | failed | p50 µs | p99 µs | req/s | CPU µs/req | p50 × | CPU × | req/s × |');
    out.push('|---|---|---|---|---|---|---|---|---|');
    for (const c of cases) {
      const rs = results.get(c.name)!;
      const p50 = median(rs.map((r) => r.p50Us));
      const cpu = median(rs.map((r) => r.cpuUsPerReq!));
      const rps = median(rs.map((r) => r.rps));
      const failed = rs.reduce((t, r) => t + r.non2xx + r.errors, 0);
      out.push(`| ${c.name} | ${failed} | ${p50.toFixed(0)} | ${median(rs.map((r) => r.p99Us)).toFixed(0)} | ${rps.toFixed(0)} | ${cpu.toFixed(0)} | ${(p50 / baseP50).toFixed(2)} | ${(cpu / baseCpu).toFixed(2)} | ${(rps / baseRps).toFixed(2)} |`);
    }
    console.error(`front-doors: ${stream ? 'stream' : 'json'} ${load} done`);
  }
}
console.log(out.join('\n'));
await Promise.all([gateway.close(), mock.close()]);
