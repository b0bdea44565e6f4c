// autocannon ships no types; the bench uses its programmatic API only through lib/http-load.ts.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';
  interface Result {
    requests: { total: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  interface Instance extends EventEmitter, PromiseLike<Result> {}
  export default function autocannon(options: Record<string, unknown>): Instance;
}
