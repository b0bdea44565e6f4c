/**
 * Child process: Lifeline's gateway built from a config (JSON in argv[2]) with its default stack,
 * listening on 127.0.0.1:0. Announces `{ type: 'ready', url }` over IPC; SIGTERM closes it
 * gracefully and exits (so `--cpu-prof` can write its profile). Tuned as the `lifeline` command
 * tunes its process (`tuneHeapForServing()`), unless `BENCH_UNTUNED=1`.
 */
import { createGateway, tuneHeapForServing } from '@lifeline/gateway';

if (process.env.BENCH_UNTUNED !== '1') tuneHeapForServing();

const config = JSON.parse(process.argv[2] ?? '{}');
const gateway = createGateway(config);
const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ type: 'ready', url });
process.once('SIGTERM', () => {
  void gateway.close().finally(() => process.exit(0));
});
