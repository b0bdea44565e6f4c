import { startMockProvider, type MockProviderOptions, type Step } from '@lifeline/testing';

// JSON options for startMockProvider, plus `every: { n, offset?, step }`: request k gets `step`
// when k % n === offset (a deterministic share of slow or failing requests), else a normal reply.
const { every, ...options } = JSON.parse(process.argv[2] ?? '{}') as MockProviderOptions & { every?: { n: number; offset?: number; step: Step } };
if (every) options.script = (_req, k) => (k % every.n === (every.offset ?? 0) ? every.step : undefined);
const mock = await startMockProvider(options);
process.stdout.write(`${mock.url}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await mock.close();
  process.exit(0);
});
