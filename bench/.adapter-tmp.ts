import { openai } from '@lifeline/adapters';
import { Agent, request } from 'undici';
const base = await import('/tmp/i23-base/packages/adapters/dist/index.js');
import { startMockProcess } from './lib/mock-process.ts';
const W = Number(process.env.WORDS ?? 100);
const text = Array.from({ length: W }, (_, i) => `w${i}`).join(' ');
const mock = await startMockProcess({ flavor: 'openai', apiKey: 'k', text, maxRecorded: 1 });
const a = openai({ baseURL: mock.url, apiKey: 'k', connections: 8 });
const b = base.openai({ baseURL: mock.url, apiKey: 'k', connections: 8 });
const agent = new Agent({ connections: 8 });
const req = (i: number) => ({ model: 'm', messages: [{ role: 'user' as const, content: `hi ${i}` }], stream: true });
const cases: Array<[string, (i: number) => Promise<unknown>]> = [
  ['raw undici body', async (i) => { const r = await request(`${mock.url}/chat/completions`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body: JSON.stringify(req(i)) }); for await (const _ of r.body); }],
  ['adapter.stream (baseline build)', async (i) => { const s = await b.stream(req(i), { signal: new AbortController().signal, metadata: {} } as never); for await (const _ of s); }],
  ['adapter.stream', async (i) => { const s = await a.stream(req(i), { signal: new AbortController().signal, metadata: {} } as never); for await (const _ of s); }],
];
for (let round = 0; round < 3; round++) for (const [name, f] of cases) {
  const N = 1500; let k = 0;
  const c0 = process.cpuUsage();
  await Promise.all(Array.from({ length: 8 }, async () => { while (k < N) await f(k++); }));
  const c = process.cpuUsage(c0);
  console.log(W, name, ((c.user + c.system) / N).toFixed(0), 'µs/stream');
}
await a.close?.(); await agent.close(); await mock.close();
