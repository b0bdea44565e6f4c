import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const session = new Session(); session.connect();
await session.post('HeapProfiler.enable');
(globalThis as any).__startSampling = async () => session.post('HeapProfiler.startSampling', { samplingInterval: 128, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true } as any);
process.on('message', async (m: any) => {
  if (m === 'start') { await (globalThis as any).__startSampling(); process.send!('started'); }
  if (m === 'stop') { const { profile } = await session.post('HeapProfiler.stopSampling'); writeFileSync('/tmp/p4gw-hp/alloc.json', JSON.stringify(profile)); process.send!('stopped'); }
});
await import('/work/wt/p4-gw/bench/notes/p4-gw-scripts/canned-gw.ts');
