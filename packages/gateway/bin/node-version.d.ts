/** The oldest Node.js the gateway supports (the `engines` field says the same). */
export declare const MINIMUM_NODE: string;
/** Why this Node cannot run Lifeline, as the one line to print, or `undefined` when it can. */
export declare function nodeVersionProblem(version: string): string | undefined;
