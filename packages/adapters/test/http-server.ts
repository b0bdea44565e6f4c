/**
 * A tiny HTTP server on 127.0.0.1:0 for tests that need precise control of the wire (split
 * packets, resets, stalls) beyond what the mock provider scripts. Tracks every socket so tests can
 * assert keep-alive reuse and socket release.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the server received it. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Index of the socket (in arrival order) the request came on. */
  socket: number;
}

export interface TestServer {
  url: string;
  origin: string;
  requests: ReceivedRequest[];
  /** Sockets accepted so far. */
  readonly connections: number;
  /** Sockets currently open. */
  readonly open: number;
  /** Resolves when socket `i` closes. */
  socketClosed(i: number): Promise<void>;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string, n: number) => unknown;

export async function startServer(handler: Handler): Promise<TestServer> {
  const sockets: Socket[] = [];
  const closed = new Map<number, Promise<void>>();
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const n = requests.length;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, socket: sockets.indexOf(req.socket) });
      void Promise.resolve(handler(req, res, body, n)).catch((err: unknown) => {
        res.destroy(err as Error);
      });
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    const i = sockets.push(socket) - 1;
    closed.set(i, new Promise((resolve) => socket.once('close', () => resolve())));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/v1`,
    origin,
    requests,
    get connections() {
      return sockets.length;
    },
    get open() {
      return sockets.filter((s) => !s.destroyed).length;
    },
    socketClosed: (i) => closed.get(i) ?? Promise.reject(new Error(`no socket ${i}`)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes an SSE body piece by piece (each element is one TCP write). */
export async function writeSlowly(res: ServerResponse, parts: string[], gapMs = 2): Promise<void> {
  for (const part of parts) {
    res.write(part);
    await new Promise((r) => setTimeout(r, gapMs));
  }
}
