#!/usr/bin/env node
// The `lifeline` command. It checks the Node version before loading the CLI (whose dependencies
// need Node >= 22.19), and in a checkout whose build is missing it says how to build.
// LIFELINE_NODE_VERSION stands in for process.version (how the version check is tested).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem(process.env.LIFELINE_NODE_VERSION || process.version);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('lifeline: the gateway is not built yet (no dist/cli.js): run `npm run build` at the repository root\n');
  process.exit(1);
}
await import(cli.href);
