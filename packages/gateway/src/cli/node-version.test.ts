import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MINIMUM_NODE, nodeVersionProblem } from '../../bin/node-version.js';

const bin = fileURLToPath(new URL('../../bin/lifeline.js', import.meta.url));

describe('the Node version check', () => {
  it.each([
    ['v20.20.2', 'Lifeline needs Node.js >= 22.19; this is v20.20.2'],
    ['v22.18.9', 'Lifeline needs Node.js >= 22.19; this is v22.18.9'],
    ['v18.0.0', 'Lifeline needs Node.js >= 22.19; this is v18.0.0'],
  ])('refuses %s with one line', (version, message) => {
    expect(nodeVersionProblem(version)).toBe(message);
  });

  it.each(['v22.19.0', 'v22.20.1', 'v23.0.0', 'v24.21.0', 'v26.1.0'])('accepts %s', (version) => {
    expect(nodeVersionProblem(version)).toBeUndefined();
  });

  it('matches the engines field of the package', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${MINIMUM_NODE.replace(/\.0$/, '')}`);
  });

  it('the lifeline command prints the line and exits 1 on an old Node, before loading anything else', () => {
    const run = spawnSync(process.execPath, [bin, 'check', '--config', 'nowhere.yaml'], {
      env: { ...process.env, LIFELINE_NODE_VERSION: 'v20.20.2' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('Lifeline needs Node.js >= 22.19; this is v20.20.2\n');
    expect(run.stdout).toBe('');
  });

  it('the lifeline command runs the CLI on a supported Node', () => {
    const run = spawnSync(process.execPath, [bin, 'help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: lifeline <command> \[options\]/);
  });
});
