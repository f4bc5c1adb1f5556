import { chainFor } from '../policies/compose.js';
import { checkName, fail } from '../policies/optionChecks.js';
import { executeChain, type Policy, type Task } from '../policies/policy.js';
import { endpointFor } from '../telemetry/callScope.js';

/** Options of {@link instrumentFunction}. */
export interface InstrumentFunctionOptions {
  /** The dependency the function calls. */
  dependency: string;
  /** Operation in the span name. Default: the function's name, else `call`. */
  operation?: string;
  /** Policy every call goes through. Default: none (traced and counted only). */
  policy?: Policy;
}

/**
 * Wraps one function as {@link instrument} wraps a method: every call is a
 * guarded, traced call `"{dependency} {operation}"`, and returns a promise.
 *
 * @example
 * const lookup = instrumentFunction(db.lookup.bind(db), { dependency: 'inventory-db', policy: guard });
 */
export function instrumentFunction<A extends unknown[], R>(
  fn: (...args: A) => R,
  options: InstrumentFunctionOptions,
): (...args: A) => Promise<Awaited<R>> {
  if (typeof fn !== 'function') fail('instrumentFunction', 'fn', 'a function', fn);
  const dependency = checkName('instrumentFunction', 'dependency', options?.dependency);
  const operation =
    options.operation === undefined
      ? fn.name || 'call'
      : checkName('instrumentFunction', 'operation', options.operation);
  const chain = chainFor(options.policy);
  const endpoint = endpointFor(dependency, operation);
  return function (this: unknown, ...args: A): Promise<Awaited<R>> {
    const task = (() => Promise.resolve(fn.apply(this, args))) as Task<Awaited<R>>;
    return executeChain(chain, endpoint, task, undefined);
  };
}
