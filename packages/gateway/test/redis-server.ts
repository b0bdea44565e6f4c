/**
 * A throwaway redis-server for tests: started from PATH (redis-server or valkey-server, or
 * LIFELINE_REDIS_SERVER_BIN) on a free port, without persistence. Tests that need Redis use
 * `REDIS_URL` when set, else this; with neither, test-support/redis-suites.ts skips their files
 * (CI, with LIFELINE_REQUIRE_REDIS=1, fails instead).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { RedisConnection } from '@lifeline/redis';
import { redisServerBinary } from '../../../test-support/redis-suites.js';

export const NO_REDIS = 'these tests need Redis: set REDIS_URL, or install redis-server (PATH or LIFELINE_REDIS_SERVER_BIN)';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A redis-server without persistence on a free port; resolves once it answers. */
export async function startRedisServer(): Promise<{ url: string; stop(): void }> {
  const bin = redisServerBinary();
  if (!bin) throw new Error(NO_REDIS);
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new RedisConnection({ url, connectTimeoutMs: 5000 });
  const up = await probe.ready(5000);
  await probe.close();
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`redis-server did not start on port ${port}`);
  }
  return { url, stop: () => child.kill('SIGKILL') };
}

/** `REDIS_URL` when set (left running), else a redis-server started here. */
export async function redisForTests(): Promise<{ url: string; stop(): void }> {
  return process.env.REDIS_URL ? { url: process.env.REDIS_URL, stop: () => {} } : startRedisServer();
}
