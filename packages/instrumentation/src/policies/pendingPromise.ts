/**
 * A promise and its settle functions without a closure per promise.
 *
 * `new Promise((resolve, reject) => { … })` allocates an executor closure on
 * every call; Node 20 has no `Promise.withResolvers`. The executor here is one
 * module-level function that parks the two functions in module variables,
 * read back synchronously right after the constructor returns (the executor
 * runs synchronously, so nothing can interleave).
 */

let parkedResolve: ((value: never) => void) | undefined;
let parkedReject: ((error: unknown) => void) | undefined;

function park(resolve: (value: never) => void, reject: (error: unknown) => void): void {
  parkedResolve = resolve;
  parkedReject = reject;
}

/** What {@link pendingPromise} fills in. @internal */
export interface PromiseSettlers<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** A new pending promise whose settle functions are stored on `into`. @internal */
export function pendingPromise<T>(into: PromiseSettlers<T>): Promise<T> {
  const promise = new Promise<T>(park as (resolve: (value: T) => void, reject: (error: unknown) => void) => void);
  into.resolve = parkedResolve as (value: T) => void;
  into.reject = parkedReject as (error: unknown) => void;
  parkedResolve = undefined;
  parkedReject = undefined;
  return promise;
}
