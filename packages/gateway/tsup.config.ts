import { defineConfig } from 'tsup';

export default defineConfig({
  // `cli` is the `lifeline` bin (dist/cli.js keeps its `#!/usr/bin/env node` line).
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node22',
});
