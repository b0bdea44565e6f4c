/**
 * Test helper: a real `redis-server` on a free loopback port, started and stopped by the tests
 * (the global setup, and the kill-and-restart test which needs a server of its own).
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisServerBinary } from '../../../test-support/redis-suites.js';

/** The message every Redis-less run fails with. */
export const NO_REDIS = 'redis-server not found: install redis-server (or valkey-server) or set REDIS_URL';

/** The redis-server binary (`LIFELINE_REDIS_SERVER_BIN`, else `redis-server` or `valkey-server` from PATH); undefined when none runs. */
export const redisServerBin = redisServerBinary;

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(200, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** A running redis-server. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills it at once (SIGKILL), like a crash. */
  kill(): Promise<void>;
  /** Freezes it (SIGSTOP), like a stalled host: connections stay open, nothing is answered until {@link RedisServer.thaw}. */
  freeze(): void;
  /** Lets a frozen server run again (SIGCONT). */
  thaw(): void;
  /** Starts it again on the same port (empty: no persistence). */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts a redis-server (no persistence) on a free port and waits until it answers PING.
 * @param bin - the server binary (`valkey-server` for the Valkey suite)
 * @throws Error({@link NO_REDIS}) when no redis-server binary can be run
 */
export async function startRedisServer(bin: string | undefined = redisServerBin()): Promise<RedisServer> {
  if (!bin) throw new Error(NO_REDIS);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    child.unref();
    for (let i = 0; i < 100; i++) {
      if (await ping(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const kill = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  try {
    await start();
  } catch (error) {
    await kill();
    rmSync(dir, { recursive: true, force: true }); // a server that did not start leaves no directory behind
    throw error;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    start,
    async stop() {
      try {
        await kill();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
