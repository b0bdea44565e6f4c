/**
 * What every bench server child does with its `node:http` server: keep-alive connections, listen on
 * 127.0.0.1:0, announce `{ type: 'ready', url }` over IPC; SIGTERM closes every connection, then the
 * server, then `close()`, and exits.
 */
import type { Server } from 'node:http';

export function serveChild(server: Server, close: () => Promise<unknown> = () => Promise.resolve()): void {
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}` });
  });
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => void close().finally(() => process.exit(0)));
  });
}
