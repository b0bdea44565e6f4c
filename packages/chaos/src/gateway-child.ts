/**
 * The gateway under test, in its own process (run with `node --expose-gc`): built from the config
 * in argv[2], listening on 127.0.0.1. It counts unhandled rejections and uncaught exceptions, and
 * answers IPC messages: `heap` (heap after a full GC), `close` (graceful `close()`, then report and
 * let go of the IPC channel: from then on only a leaked socket or timer could keep it alive).
 * @module
 */
import { createGateway } from '@lifeline/gateway';

const problems: string[] = [];
process.on('unhandledRejection', (reason) => problems.push(`unhandledRejection: ${String((reason as Error)?.stack ?? reason)}`));
process.on('uncaughtException', (error) => problems.push(`uncaughtException: ${String(error?.stack ?? error)}`));

const gateway = createGateway(JSON.parse(process.argv[2]!));
const url = await gateway.listen({ host: '127.0.0.1', port: 0 });

async function settledHeap(): Promise<number> {
  // Let pending timers and sockets finish, then collect twice (weak refs, finalizers).
  await new Promise((r) => setTimeout(r, 200));
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

process.on('message', (msg: { type: string }) => {
  if (msg.type === 'heap') {
    void settledHeap().then((heapUsed) => process.send!({ type: 'heap', heapUsed }));
  } else if (msg.type === 'close') {
    const t0 = performance.now();
    void gateway.close().then(
      () => process.send!({ type: 'closed', closeMs: performance.now() - t0, problems }, () => process.disconnect()),
      (err: Error) => process.send!({ type: 'closed', closeMs: performance.now() - t0, problems: [...problems, `close() failed: ${err.stack}`] }, () => process.disconnect()),
    );
    // If something still holds the process 3 s later, say what (unref'd: it does not hold it itself).
    setTimeout(() => process.stderr.write(`chaos gateway still alive after close(): ${JSON.stringify(process.getActiveResourcesInfo())}\n`), 3_000).unref();
  }
});
process.send!({ type: 'ready', url });
