// CPU profile (sampling, 50 µs) of the canned gateway under 8-connection load: npx --no-install node cpuprof-gw.ts json|stream N; then python3 cpuprof-self.py /tmp/p4gw2/prof-<mode> [rows]
import { spawn } from 'node:child_process';
import { httpLoad } from '/work/wt/p4-gw/bench/lib/http-load.ts';
const [mode, nS] = process.argv.slice(2);
const body = JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Say hello, request [<id>]' }], max_tokens: 64, ...(mode === 'stream' && { stream: true }) });
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/p4gw2/prof-' + mode, '--cpu-prof-interval', '50', '/work/wt/p4-gw/bench/notes/p4-gw-scripts/canned-gw.ts', '/work/wt/p4-gw'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
const url = await new Promise<string>((res) => child.on('message', (m: any) => m.type === 'ready' && res(m.url)));
await httpLoad({ url: `${url}/v1/chat/completions`, body, connections: 8, amount: 2000 });
const r = await httpLoad({ url: `${url}/v1/chat/completions`, body, connections: 8, amount: Number(nS ?? 20000) });
console.log(r.non2xx, r.errors);
child.kill('SIGTERM'); await new Promise((res) => child.once('exit', res));
