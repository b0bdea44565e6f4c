/**
 * Redis for the test suites that need one (`@lifeline/redis`, the gateway's `store.redis` tests).
 *
 * - `REDIS_URL` set: the suites use it.
 * - else a `redis-server` (or `valkey-server`) on PATH, or `LIFELINE_REDIS_SERVER_BIN`: the suites
 *   start a throwaway server on a free loopback port and stop it afterwards.
 * - else the files that need Redis are skipped, and one line says how many tests were skipped and
 *   how to run them — unless `LIFELINE_REQUIRE_REDIS=1` (CI), which turns the skip into a failure.
 *
 * A test file needs Redis when it calls `redisUrl()`, `redisTarget()`, `startRedisServer()` or `redisForTests()`.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Reporter, TestModule } from 'vitest/node';
import { NEEDS_REDIS } from './redis-runner.js';

/** How this run gets its Redis. */
export type RedisSource = { kind: 'url'; url: string } | { kind: 'binary'; bin: string } | { kind: 'none' };

/** The first of `LIFELINE_REDIS_SERVER_BIN`, `redis-server`, `valkey-server` that runs, if any. */
export function redisServerBinary(): string | undefined {
  const candidates = [process.env.LIFELINE_REDIS_SERVER_BIN, 'redis-server', 'valkey-server'].filter((c): c is string => !!c);
  return candidates.find((bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0);
}

/** Where this run's Redis comes from. */
export function redisSource(): RedisSource {
  const url = process.env.REDIS_URL || process.env.LIFELINE_REDIS_URL;
  if (url) return { kind: 'url', url };
  const bin = redisServerBinary();
  return bin ? { kind: 'binary', bin } : { kind: 'none' };
}

/** The message a run without Redis fails with when `LIFELINE_REQUIRE_REDIS=1`. */
export const REDIS_REQUIRED =
  'LIFELINE_REQUIRE_REDIS=1 but no Redis: set REDIS_URL, or put redis-server (or valkey-server) on PATH';

const HOW_TO_RUN = 'run them with REDIS_URL=redis://127.0.0.1:6379 npm test, or install redis-server (apt-get install redis-server) and rerun';

/** Prints one line at the end of a run that skipped the Redis suites. */
class RedisSkipReporter implements Reporter {
  constructor(private readonly packageName: string) {}
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let skipped = 0;
    // Only the files skipped for want of Redis (others may skip for their own reasons, e.g. no browser).
    for (const module of modules) if (module.state() === 'skipped' && NEEDS_REDIS.test(readFileSync(module.moduleId, 'utf8'))) skipped += [...module.children.allTests()].length;
    if (skipped > 0) console.warn(`\n⚠ ${this.packageName}: ${skipped} tests SKIPPED because no Redis is available — ${HOW_TO_RUN}.\n`);
  }
}

/**
 * Vitest settings for a package with Redis suites, to merge (`mergeConfig`) over the shared ones:
 * the runner that skips them when no Redis is available, the environment that tells the tests
 * which server binary to start, and the reporter that prints the skip line.
 * @throws Error({@link REDIS_REQUIRED}) when `LIFELINE_REQUIRE_REDIS=1` and no Redis is available
 */
export function redisSuites(packageName: string) {
  const source = redisSource();
  if (source.kind === 'none' && process.env.LIFELINE_REQUIRE_REDIS === '1') throw new Error(`${packageName}: ${REDIS_REQUIRED}`);
  const env: Record<string, string> = {};
  if (source.kind === 'binary') env.LIFELINE_REDIS_SERVER_BIN = source.bin;
  if (source.kind === 'none') env.LIFELINE_REDIS_ABSENT = '1';
  return {
    runner: fileURLToPath(new URL('./redis-runner.ts', import.meta.url)),
    env,
    reporters: [new RedisSkipReporter(packageName)],
  };
}
