/**
 * Gives every test file a Redis: `REDIS_URL` when set (CI's `.ci/redis.sh`), else a
 * redis-server (or valkey-server) started here on a free port and stopped at the end. With
 * neither, `redisSuites()` (vitest.config.ts) has already arranged for the files that need Redis
 * to be skipped — or failed the run when `LIFELINE_REQUIRE_REDIS=1`.
 * @module
 */
import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const url = process.env.REDIS_URL || process.env.LIFELINE_REDIS_URL;
  if (url) {
    project.provide('redisUrl', url);
    return undefined;
  }
  if (project.config.env.LIFELINE_REDIS_ABSENT === '1') {
    project.provide('redisUrl', '');
    return undefined;
  }
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
