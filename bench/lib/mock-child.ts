import { startMockProvider } from '@lifeline/testing';

const options = JSON.parse(process.argv[2] ?? '{}');
const mock = await startMockProvider(options);
process.stdout.write(`${mock.url}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await mock.close();
  process.exit(0);
});
