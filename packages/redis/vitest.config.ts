import { spawnSync } from 'node:child_process';
import { defineConfig } from 'vitest/config';
import { shared } from '../../vitest.shared.js';
import { redisSuites } from '../../test-support/redis-suites.js';

/**
 * Three suites over one set of tests:
 * - `redis`: everything on a single Redis (`test/global-setup.ts`): `REDIS_URL`, else a server
 *   started from PATH, else the files that need Redis are skipped with one line (`redisSuites`);
 * - `redis-cluster`: the cross-process tests, unchanged, plus the cluster's own tests, on a
 *   3-master Redis Cluster (`REDIS_CLUSTER_NODES`, else started by `test/cluster-setup.ts` when
 *   redis-server and redis-cli run); without either it is skipped with one line — or fails the
 *   run under `LIFELINE_REQUIRE_REDIS=1` (CI);
 * - `valkey`: the single-node suite again on `valkey-server`, when it runs.
 */
const runs = (bin: string) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0;
const CLUSTER_TESTS = ['test/cross-process.test.ts', 'test/cluster.test.ts'];
const { reporters, include, ...base } = shared.test!;
const single = redisSuites('@lifeline/redis');

const clusterPossible = Boolean(process.env.REDIS_CLUSTER_NODES) || (runs(process.env.LIFELINE_REDIS_SERVER_BIN || 'redis-server') && runs(process.env.LIFELINE_REDIS_CLI_BIN || 'redis-cli'));
if (!clusterPossible) {
  const why = 'no Redis Cluster: redis-server and redis-cli not found and REDIS_CLUSTER_NODES not set';
  if (process.env.LIFELINE_REQUIRE_REDIS === '1') throw new Error(`@lifeline/redis: the cluster suite is required (LIFELINE_REQUIRE_REDIS=1) but cannot run: ${why}`);
  console.warn(`\n⚠ @lifeline/redis: Redis Cluster suite SKIPPED — ${why}. Install redis-server (+ redis-cli) or set REDIS_CLUSTER_NODES to run it.\n`);
}
const valkeyBin = process.env.LIFELINE_VALKEY_SERVER_BIN || 'valkey-server';
const valkeyPossible = runs(valkeyBin);
if (!valkeyPossible) console.warn(`⚠ @lifeline/redis: Valkey suite skipped — ${valkeyBin} not found (set LIFELINE_VALKEY_SERVER_BIN to run the suite on Valkey too).`);

export default defineConfig({
  test: {
      reporters: [...(reporters as unknown[]), ...single.reporters] as typeof reporters,
      projects: [
        { test: { ...base, name: 'redis', include, exclude: ['test/cluster.test.ts', '**/node_modules/**'], globalSetup: ['test/global-setup.ts'], runner: single.runner, env: single.env } },
        ...(clusterPossible ? [{ test: { ...base, name: 'redis-cluster', include: CLUSTER_TESTS, globalSetup: ['test/cluster-setup.ts'] } }] : []),
        ...(valkeyPossible
          ? [{ test: { ...base, name: 'valkey', include, exclude: ['test/cluster.test.ts', '**/node_modules/**'], globalSetup: ['test/valkey-setup.ts'], env: { LIFELINE_REDIS_SERVER_BIN: valkeyBin, REDIS_URL: '', LIFELINE_REDIS_URL: '' } } }]
          : []),
      ],
    },
});
