// Scratch: instructions per request of a server under callgrind (valgrind), N1 vs N2 requests: per-request Ir = (Ir2-Ir1)/(N2-N1).
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { httpLoad } from '/work/wt/p4-gw/bench/lib/http-load.ts';
import { startMockProcess } from '/work/wt/p4-gw/bench/lib/mock-process.ts';
const [which, dir, n1s, n2s, mode, connsS] = process.argv.slice(2);
const n1 = Number(n1s ?? 500), n2 = Number(n2s ?? 1500), conns = Number(connsS ?? 8);
const apiKey = 'test-key';
const mock = which === 'full' || which === 'fastify' ? await startMockProcess({ flavor: 'openai', apiKey, text: 'Lifeline keeps your app answering when the provider fails, rate-limits or slows down, and it tells you what every call cost.', maxRecorded: 1 }) : undefined;
const config = mock && JSON.stringify({ providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey } }, routes: [{ model: '*', targets: ['ok'] }], ...(process.env.CFG ? JSON.parse(process.env.CFG) : {}) });
const script = { canned: [join(import.meta.dirname + '/canned-gw.ts'), dir!], cannedfastify: [import.meta.dirname + '/canned-fastify.ts'], full: [join(dir!, 'bench/lib/lifeline-gateway.ts'), config!], fastify: ['/work/wt/p4-gw/bench/lib/bare-fastify-proxy.ts', JSON.stringify({ '*': [{ url: mock?.url }] })] }[which!]!;
const body = JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Say hello, request [<id>]' }], max_tokens: 64, ...(mode === 'stream' && { stream: true }) });
async function run(n: number): Promise<number> {
  const out = `/tmp/p4gw-vg/${process.env.TAG ?? which}-${n}`;
  rmSync(out, { recursive: true, force: true }); mkdirSync(out, { recursive: true });
  const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}/cg.out`, '--dump-line=no', '--dump-instr=no', '--compress-strings=no', process.execPath, ...(process.env.VFLAGS ? process.env.VFLAGS.split(' ') : []), ...script], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let err = ''; child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((res, rej) => { child.on('message', (m: { type?: string; url?: string }) => m.type === 'ready' && res(m.url!)); child.once('exit', (c) => rej(new Error('exit ' + c + err))); });
  const r = await httpLoad({ url: `${url}/v1/chat/completions`, body, connections: conns, amount: n });
  if (r.non2xx + r.errors) throw new Error('failed ' + (r.non2xx + r.errors));
  child.kill('SIGTERM');
  await new Promise((res) => child.once('exit', res));
  const m = /Collected : (\d+)/.exec(err) ?? /refs:\s+([\d,]+)/.exec(err);
  const text = readFileSync(`${out}/cg.out`, 'utf8');
  const s = /summary: (\d+)/.exec(text) ?? /totals: (\d+)/.exec(text);
  return Number((s ?? m)![1]!.replace(/,/g, ''));
}
const a = await run(n1);
const b = await run(n2);
console.log(`${which} ${dir ?? ''} ${mode ?? 'json'}: Ir/req ${((b - a) / (n2 - n1)).toFixed(0)} (${a} @${n1}, ${b} @${n2})`);
await mock?.close();
