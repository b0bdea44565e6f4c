/**
 * Gives every test file a Redis: `REDIS_URL` when set (CI's `.ci/redis.sh`), else a
 * redis-server started here on a free port (and stopped at the end). With neither, the run
 * FAILS — in CI (`LIFELINE_REQUIRE_REDIS=1`) and locally alike: these tests never pass silently.
 * @module
 */
import type { TestProject } from 'vitest/node';
import { NO_REDIS, startRedisServer } from './redis-server.js';

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
  let server;
  try {
    server = await startRedisServer();
  } catch (error) {
    const ci = process.env.LIFELINE_REQUIRE_REDIS === '1' ? ' (LIFELINE_REQUIRE_REDIS=1)' : '';
    throw new Error(`@lifeline/redis tests need Redis${ci}: ${error instanceof Error && error.message === NO_REDIS ? NO_REDIS : String(error)}`);
  }
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
