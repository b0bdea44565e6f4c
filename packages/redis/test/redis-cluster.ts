/**
 * Test helper: a real Redis Cluster of 3 masters on loopback (`redis-server --cluster-enabled yes`
 * ×3 + `redis-cli --cluster create … --cluster-replicas 0`), started and stopped by the tests —
 * for the cluster suite's global setup, and for tests that kill a shard or move a slot (they need
 * a cluster of their own). Works with Valkey's binaries too (`LIFELINE_REDIS_SERVER_BIN`,
 * `LIFELINE_REDIS_CLI_BIN`).
 * @module
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, redisServerBin } from './redis-server.js';

const exec = promisify(execFile);

/** The message a cluster-less run skips (or, under `LIFELINE_REQUIRE_REDIS=1`, fails) with. */
export const NO_CLUSTER = 'redis-server and redis-cli not found: install them, or set REDIS_CLUSTER_NODES';

/** The redis-cli binary: `LIFELINE_REDIS_CLI_BIN`, else `redis-cli` from PATH; undefined when neither runs. */
export function redisCliBin(): string | undefined {
  const bin = process.env.LIFELINE_REDIS_CLI_BIN || 'redis-cli';
  return spawnSync(bin, ['--version'], { encoding: 'utf8' }).status === 0 ? bin : undefined;
}

/** One node of a test cluster. */
export interface ClusterNode {
  readonly port: number;
  readonly address: string;
  /** Kills it at once (SIGKILL), like a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same cluster config (it rejoins, empty). */
  start(): Promise<void>;
  /** Runs redis-cli against it; resolves with its output. */
  cli(...args: string[]): Promise<string>;
}

/** A running test cluster. */
export interface RedisCluster {
  readonly rootNodes: string[];
  readonly nodes: ClusterNode[];
  /** Stops every node and removes their directory. */
  stop(): Promise<void>;
}

/**
 * Starts 3 masters (no persistence, 2 s node timeout, serving their slots even while another
 * shard is down) and joins them; resolves once every node sees the cluster `ok`.
 * @throws Error({@link NO_CLUSTER}) when the binaries cannot be run
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const server = redisServerBin();
  const cli = redisCliBin();
  if (!server || !cli) throw new Error(NO_CLUSTER);
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-cluster-'));
  const nodes: Array<ClusterNode & { stopNow(): Promise<void> }> = [];
  for (let i = 0; i < 3; i++) nodes.push(clusterNode(server, cli, dir, await freePort(), await freePort()));
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await exec(cli, ['--cluster', 'create', ...nodes.map((n) => n.address), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    for (let i = 0; i < 200; i++) {
      const infos = await Promise.all(nodes.map((n) => n.cli('CLUSTER', 'INFO')));
      if (infos.every((info) => info.includes('cluster_state:ok') && info.includes('cluster_known_nodes:3'))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (error) {
    await Promise.all(nodes.map((n) => n.stopNow()));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    rootNodes: nodes.map((n) => `redis://${n.address}`),
    nodes,
    async stop() {
      try {
        await Promise.all(nodes.map((n) => n.stopNow()));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function clusterNode(server: string, cli: string, dir: string, port: number, busPort: number): ClusterNode & { stopNow(): Promise<void> } {
  let child: ChildProcess | undefined;
  const address = `127.0.0.1:${port}`;
  const run = (...args: string[]) => exec(cli, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5000 }).then((r) => r.stdout);
  const kill = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  return {
    port,
    address,
    cli: run,
    kill,
    stopNow: kill,
    async start() {
      child = spawn(server, [
        '--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--dir', dir,
        '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000',
        '--cluster-require-full-coverage', 'no', '--save', '', '--appendonly', 'no',
      ], { stdio: 'ignore' });
      child.unref();
      for (let i = 0; i < 100; i++) {
        if (await run('PING').then((out) => out.trim() === 'PONG', () => false)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`redis-server (cluster node) did not start on port ${port}`);
    },
  };
}
