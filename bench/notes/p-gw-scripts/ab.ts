// Scratch A/B: bare Fastify vs this build vs baseline build, interleaved rounds, median CPU/req and ratios.
import { join } from 'node:path';
import { httpLoad } from '../../lib/http-load.ts';
import { startMockProcess } from '../../lib/mock-process.ts';
import { startServerProcess } from '../../lib/server-process.ts';
const mode = process.argv[2] ?? 'json';
const conns = Number(process.argv[3] ?? 32);
const rounds = Number(process.argv[4] ?? 7);
const amount = Number(process.argv[5] ?? (conns === 1 ? 400 : 1000));
const base = process.env.BASE ?? '/work/wt/p-base';
const apiKey = 'test-key';
const mock = await startMockProcess({ flavor: 'openai', apiKey, text: 'Lifeline keeps your app answering when the provider fails, rate-limits or slows down, and it tells you what every call cost.', maxRecorded: 1 });
const config = JSON.stringify({ providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey } }, routes: [{ model: '*', targets: ['ok'] }], ...(process.env.CFG ? JSON.parse(process.env.CFG) : {}) });
const here = process.env.HERE ?? join(import.meta.dirname, '../../..');
const canned = process.env.CANNED;
const systems = canned ? [
  { name: 'fastify', s: await startServerProcess({ script: join(import.meta.dirname, 'canned-fastify.ts') }) },
  { name: 'new', s: await startServerProcess({ script: join(import.meta.dirname, 'canned-gw.ts'), args: [here] }) },
  { name: 'base', s: await startServerProcess({ script: join(import.meta.dirname, 'canned-gw.ts'), args: [base] }) },
] : [
  { name: 'fastify', s: await startServerProcess({ script: join(here, 'bench/lib/bare-fastify-proxy.ts'), args: [JSON.stringify({ '*': [{ url: mock.url }] })] }) },
  { name: 'new', s: await startServerProcess({ script: join(here, 'bench/lib/lifeline-gateway.ts'), args: [config] }) },
  { name: 'base', s: await startServerProcess({ script: join(base, 'bench/lib/lifeline-gateway.ts'), args: [config] }) },
];
const body = JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Say hello, request [<id>]' }], max_tokens: 64, ...(mode === 'stream' && { stream: true }) });
for (const x of systems) await httpLoad({ url: `${x.s.url}/v1/chat/completions`, body, connections: conns, amount: Number(process.env.WARM ?? 3000) });
const cpu: Record<string, number[]> = {}; const p50: Record<string, number[]> = {};
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? [...systems].reverse() : systems;
  for (const x of order) {
    const res = await httpLoad({ url: `${x.s.url}/v1/chat/completions`, body, connections: conns, amount, server: x.s });
    if (res.non2xx + res.errors) throw new Error(`${x.name} failed ${res.non2xx + res.errors}`);
    (cpu[x.name] ??= []).push(res.cpuUsPerReq!);
    (p50[x.name] ??= []).push(res.p50Us);
  }
}
await Promise.all(systems.map((x) => x.s.close()));
await mock.close();
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const ratio = (a: string, b: string) => med(cpu[a]!.map((v, i) => v / cpu[b]![i]!));
if (process.env.RAW) console.log(JSON.stringify(cpu));
console.log(`${mode} ${conns} conns, ${rounds}×${amount}: cpu µs/req median fastify ${med(cpu.fastify!).toFixed(0)} new ${med(cpu.new!).toFixed(0)} base ${med(cpu.base!).toFixed(0)} | new/fastify ${ratio('new', 'fastify').toFixed(2)} base/fastify ${ratio('base', 'fastify').toFixed(2)} new/base ${ratio('new', 'base').toFixed(3)} | p50 µs fastify ${med(p50.fastify!).toFixed(0)} new ${med(p50.new!).toFixed(0)} base ${med(p50.base!).toFixed(0)}`);
