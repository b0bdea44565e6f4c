/**
 * Pass-through stages that step aside: an iterator that has become a plain pass-through names the
 * iterator it reads, and whoever reads it reads that one instead — one stage less for every chunk
 * after that.
 * @module
 */

/**
 * An async iterator that, once it only passes its source's results on unchanged (its `next()`,
 * `take()` and `return()` then do exactly what its source's would), sets `delegate` to that source.
 * A primed stream's replay does so once its head is handed out.
 */
export interface DelegatingIterator<T> extends AsyncIterator<T> {
  readonly delegate?: AsyncIterator<T> | undefined;
}

/**
 * The iterator that reading `it` comes down to: `it`'s delegate, its delegate's, and so on; `it`
 * itself when it names none. A stage reading `it` may read this one instead from now on.
 */
export function innermost<T>(it: AsyncIterator<T>): AsyncIterator<T> {
  // Small enough to be inlined on every read: the chain is followed only when there is one.
  const next = (it as DelegatingIterator<T>).delegate;
  return next === undefined ? it : follow(next);
}

function follow<T>(it: AsyncIterator<T>): AsyncIterator<T> {
  for (let next = (it as DelegatingIterator<T>).delegate; next !== undefined; next = (it as DelegatingIterator<T>).delegate) it = next;
  return it;
}
