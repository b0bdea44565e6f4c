/**
 * Command-line arguments the benches share: `--name=<number>` options, the baseline checkout to
 * compare with, and the mock's answer text.
 */

/** The number given as `--<name>=<n>`, or `fallback`. */
export function numberArg(name: string, fallback: number): number {
  return Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
}

/** The built checkout given as `--baseline=<dir>` (or `BENCH_BASELINE`), if any. */
export function baselineArg(): string | undefined {
  return process.argv.find((a) => a.startsWith('--baseline='))?.slice(11) ?? process.env.BENCH_BASELINE;
}

/** {@link baselineArg}, required: throws naming the bench when it is missing. */
export function requiredBaseline(bench: string): string {
  const dir = baselineArg();
  if (!dir) throw new Error(`${bench}: --baseline=<dir of a built checkout> is required`);
  return dir;
}

/** `n` words, `word0 word1 …`: an answer of `n` content chunks from the mock. */
export function words(n: number): string {
  return Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
}
