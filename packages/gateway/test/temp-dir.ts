/**
 * Test helper: a fresh directory in the OS temp dir (`lifeline-<prefix>-XXXXXX`), removed with
 * everything in it when the current test ends — passed or failed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * Creates a temp directory for the running test and registers its removal.
 * Call it inside a test (not at describe level or in a hook).
 * @param prefix - what the directory's name says after `lifeline-` (e.g. `cli` → `lifeline-cli-…`)
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `lifeline-${prefix}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
