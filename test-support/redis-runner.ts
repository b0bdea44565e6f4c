/**
 * Vitest runner for packages with Redis suites: when the run has no Redis
 * (`LIFELINE_REDIS_ABSENT=1`, set by `redisSuites()`), every test file that calls `redisUrl()`, `redisTarget()`,
 * `startRedisServer()` or `redisForTests()` is skipped as a whole — its hooks do not run — and counted as skipped.
 * @module
 */
import { readFileSync } from 'node:fs';
import { TestRunner } from 'vitest';

type Suite = Parameters<TestRunner['onBeforeRunSuite']>[0];

/** What a test file that needs Redis calls. */
export const NEEDS_REDIS = /\b(?:redisUrl|redisTarget|startRedisServer|redisForTests)\(/;

export default class RedisSuitesRunner extends TestRunner {
  override async onBeforeRunSuite(suite: Suite): Promise<void> {
    if (process.env.LIFELINE_REDIS_ABSENT === '1' && 'filepath' in suite && NEEDS_REDIS.test(readFileSync(String(suite.filepath), 'utf8'))) {
      suite.mode = 'skip';
    }
    return super.onBeforeRunSuite(suite);
  }
}
