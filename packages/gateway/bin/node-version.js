// Which Node versions the `lifeline` command runs on. Plain JavaScript that any Node parses, so
// an old Node gets one clear line instead of a crash inside a dependency.

/** The oldest Node.js the gateway supports (the `engines` field says the same). */
export const MINIMUM_NODE = '22.19.0';

/**
 * Why this Node cannot run Lifeline, as the one line to print, or `undefined` when it can.
 * @param {string} version a Node version such as `process.version` (`v20.20.2`)
 * @returns {string | undefined}
 */
export function nodeVersionProblem(version) {
  const [major = 0, minor = 0] = String(version).replace(/^v/, '').split('.').map(Number);
  const [needMajor, needMinor] = MINIMUM_NODE.split('.').map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `Lifeline needs Node.js >= ${needMajor}.${needMinor}; this is ${version}`;
}
