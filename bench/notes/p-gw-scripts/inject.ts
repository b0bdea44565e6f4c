// Scratch: server-only cost in process via app.inject (no sockets): canned gateway (this build / baseline) vs bare Fastify.
import Fastify from 'fastify';
import { writeFileSync } from 'node:fs';
const dirs = (process.env.DIRS ?? '/work/wt/p-gw,/work/wt/p-base').split(',');
const N = Number(process.env.N ?? 20000);
const TEXT = 'Lifeline keeps your app answering when the provider fails, rate-limits or slows down, and it tells you what every call cost.';
const usage = { prompt_tokens: 12, completion_tokens: 24, total_tokens: 36 };
const client = {
  async chat(request: { model: string }) {
    const now = Date.now();
    const response = { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: request.model, choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }], usage };
    const meta = { provider: 'ok', model: request.model, attempts: 1, cache: 'miss', costUsd: 0.0000213, latencyMs: 0.8, usage, attemptLog: [{ target: 'ok', model: request.model, startedAt: now, latencyMs: 0.8, status: 200, outcome: 'ok', usage }] };
    return { response, meta };
  },
};
const apps: Array<{ name: string; app: { inject: (o: object) => Promise<{ statusCode: number }> } }> = [];
const bare = Fastify({ logger: false });
bare.post('/v1/chat/completions', async (req) => ({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: (req.body as { model: string }).model, choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }], usage }));
apps.push({ name: 'fastify', app: bare });
for (const dir of dirs) {
  const { createGateway, createPipeline } = await import(`${dir}/packages/gateway/dist/index.js`);
  const gw = createGateway({ pipeline: createPipeline({ routes: [{ model: '*', client }] }) }, process.env.SILENT ? { logLevel: 'silent' } : {});
  apps.push({ name: dir.split('/').pop()!, app: gw.app });
}
const payload = JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Say hello, request 1' }], max_tokens: 64 });
const opts = { method: 'POST', url: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, payload };
async function loop(app: (typeof apps)[0]['app'], n: number) {
  const conc = 8;
  await Promise.all(Array.from({ length: conc }, async () => { for (let i = 0; i < n / conc; i++) { const r = await app.inject(opts); if (r.statusCode !== 200) throw new Error(String(r.statusCode)); } }));
}
for (const a of apps) await loop(a.app, 5000);
const res: Record<string, number[]> = {};
for (let r = 0; r < Number(process.env.R ?? 5); r++) {
  for (const a of apps) {
    const t = process.cpuUsage();
    await loop(a.app, N);
    const d = process.cpuUsage(t);
    (res[a.name] ??= []).push((d.user + d.system) / N);
  }
}
const med = (x: number[]) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)]!;
console.error(Object.entries(res).map(([k, v]) => `${k} ${med(v).toFixed(1)}µs (${v.map((x) => x.toFixed(1)).join(' ')})`).join(' | '));
if (process.env.PROF) {
  const { Session } = await import('node:inspector/promises');
  const s = new Session(); s.connect();
  await s.post('Profiler.enable'); await s.post('Profiler.setSamplingInterval', { interval: 50 }); await s.post('Profiler.start');
  await loop(apps[1]!.app, N * 2);
  const { profile } = await s.post('Profiler.stop') as { profile: object };
  writeFileSync('/tmp/pgw-inject.cpuprofile', JSON.stringify(profile));
}
