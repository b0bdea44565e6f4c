/**
 * Gives the Valkey suite a `valkey-server` (`LIFELINE_VALKEY_SERVER_BIN`, else from PATH) on a
 * free port: the single-node suite then runs against Valkey exactly as against Redis.
 * `vitest.config.ts` only adds the Valkey suite when the binary runs.
 * @module
 */
import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redis-server.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedisServer(process.env.LIFELINE_VALKEY_SERVER_BIN || 'valkey-server');
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
