/**
 * Test helper: a TCP proxy on 127.0.0.1 in front of a Redis that can lose a reply — the command
 * reaches Redis and is applied, but its answer is dropped and the connection cut, as when a
 * network path dies between the two.
 * @module
 */
import { createConnection, createServer, type Socket } from 'node:net';

/** A running proxy. */
export interface DropProxy {
  /** `redis://127.0.0.1:<port>`: connect here instead of to Redis. */
  readonly url: string;
  /** Replies dropped so far. */
  readonly dropped: number;
  /** The next reply Redis sends (on any connection) is dropped and that connection cut. */
  dropNextReply(): void;
  close(): Promise<void>;
}

/**
 * Starts a proxy to `target` (`redis://host:port`).
 *
 * @param target - the Redis to forward to
 */
export async function startDropProxy(target: string): Promise<DropProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let armed = false;
  let dropped = 0;
  const server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (!armed) return void client.write(chunk);
      armed = false;
      dropped++;
      client.destroy();
      upstream.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as { port: number }).port}`,
    get dropped() {
      return dropped;
    },
    dropNextReply() {
      armed = true;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
