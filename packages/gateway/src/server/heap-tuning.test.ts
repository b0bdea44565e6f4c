import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tuneHeapForServing } from './heap-tuning.js';

/**
 * Runs a child that (with `tune`) calls the built `tuneHeapForServing()`, then makes 400,000
 * objects at one allocation site that all outlive young collections — what V8 pretenures — and
 * returns the child's output with V8's pretenuring decisions traced.
 */
function child(tune: boolean, nodeFlags: string[] = []): { out: string; tenured: number } {
  const dist = new URL('../../dist/index.js', import.meta.url).href;
  const script = `const { tuneHeapForServing } = await import(${JSON.stringify(dist)});
${tune ? "console.log('tuned:', tuneHeapForServing());" : ''}
const keep = [];
function make(i) { return { i, next: null }; }
for (let i = 0; i < 400000; i++) keep.push(make(i));
console.log('kept:', keep.length);`;
  const run = spawnSync(process.execPath, [...nodeFlags, '--trace-pretenuring-statistics', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(run.status).toBe(0);
  const afterTune = tune ? run.stdout.slice(run.stdout.indexOf('tuned:')) : run.stdout;
  return { out: run.stdout, tenured: afterTune.split('\n').filter((l) => l.includes('=> tenure')).length };
}

describe('tuneHeapForServing', () => {
  it('stops V8 from pretenuring an allocation site whose objects outlive young collections', () => {
    const untuned = child(false);
    expect(untuned.out).toContain('kept: 400000');
    expect(untuned.tenured).toBeGreaterThan(0);
    const tuned = child(true);
    expect(tuned.out).toContain('tuned: true');
    expect(tuned.out).toContain('kept: 400000');
    expect(tuned.tenured).toBe(0);
  });

  it('leaves pretenuring on when the process was started with --allocation-site-pretenuring', () => {
    const chosen = child(true, ['--allocation-site-pretenuring']);
    expect(chosen.out).toContain('tuned: false');
    expect(chosen.tenured).toBeGreaterThan(0);
  });

  it('respects a choice in the flags or NODE_OPTIONS, in either spelling', () => {
    expect(tuneHeapForServing(['--no-allocation-site-pretenuring'], undefined)).toBe(false);
    expect(tuneHeapForServing(['--allocation-site-pretenuring'], '')).toBe(false);
    expect(tuneHeapForServing([], '--max-old-space-size=512 --no_allocation_site_pretenuring')).toBe(false);
    expect(tuneHeapForServing(['--max-old-space-size=512'], '--enable-source-maps')).toBe(true);
  });
});
