/**
 * Gives the cluster suite a Redis Cluster: `REDIS_CLUSTER_NODES` (comma-separated root node URLs,
 * as `.ci/redis.sh` exports them) when set, else 3 masters started here and stopped at the end.
 * `vitest.config.ts` only adds the cluster suite when one of the two is possible.
 * @module
 */
import type { TestProject } from 'vitest/node';
import { startRedisCluster } from './redis-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Root node URLs of the cluster the suite runs against (cluster suite only). */
    redisClusterNodes?: string[];
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.REDIS_CLUSTER_NODES;
  if (given) {
    project.provide('redisClusterNodes', given.split(',').map((s) => s.trim()).filter(Boolean));
    return undefined;
  }
  const cluster = await startRedisCluster();
  project.provide('redisClusterNodes', cluster.rootNodes);
  return () => cluster.stop();
}
