import { chainFor } from '../policies/compose.js';
import { checkName, fail } from '../policies/optionChecks.js';
import { executeChain, type Policy } from '../policies/policy.js';
import { endpointFor } from '../telemetry/callScope.js';

/** Options of {@link instrument}. */
export interface InstrumentOptions<T> {
  /** The dependency the object talks to: `peer.service`, first half of span names. */
  dependency: string;
  /** Policy every wrapped call goes through. Default: none (traced and counted only). */
  policy?: Policy;
  /** Methods to wrap. Default: every function-valued property except `constructor` and `Object.prototype`'s. */
  methods?: readonly (keyof T & string)[];
}

// biome-ignore lint/suspicious/noExplicitAny: a wrapped method keeps any signature.
type AnyFunction = (...args: any[]) => any;

/**
 * Methods of `T` as instrument() exposes them: wrapped methods return a
 * promise of their result (they run through a policy, which is asynchronous).
 */
export type Instrumented<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : T[K];
};

const OBJECT_METHODS = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Wraps a client object: each call of a selected method becomes one guarded
 * call to `dependency`, named `"{dependency} {method}"`, run through `policy`
 * and traced (see `compose` for the span and metrics). Other properties are
 * returned untouched, and `this` inside methods is the original object (so
 * private fields work and internal calls are not traced twice).
 *
 * Wrapped methods always return a promise; use `methods` to leave synchronous
 * helpers alone. The policy's `AbortSignal` cannot reach a method that does
 * not take one: a timeout still rejects the caller in time, but cannot cancel
 * the method's own work.
 *
 * @example
 * const payments = instrument(paymentClient, { dependency: 'payment-service', policy: guard });
 * await payments.charge(order);
 */
export function instrument<T extends object>(target: T, options: InstrumentOptions<T>): Instrumented<T> {
  if (target === null || (typeof target !== 'object' && typeof target !== 'function')) {
    fail('instrument', 'target', 'an object', target);
  }
  const dependency = checkName('instrument', 'dependency', options?.dependency);
  const chain = chainFor(options.policy);
  const selected = options.methods === undefined ? undefined : new Set<string>(options.methods);
  const wrappers = new Map<string, { original: AnyFunction; wrapper: AnyFunction }>();

  const proxy = new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      if (
        selected === undefined ? property === 'constructor' || OBJECT_METHODS.has(property) : !selected.has(property)
      ) {
        return value;
      }
      const cached = wrappers.get(property);
      if (cached !== undefined && cached.original === value) return cached.wrapper;
      const original = value as AnyFunction;
      const endpoint = endpointFor(dependency, property);
      const wrapper = function (this: unknown, ...args: unknown[]): Promise<unknown> {
        const self = this === proxy || this === undefined ? object : this;
        return executeChain(chain, endpoint, () => original.apply(self, args), undefined);
      };
      Object.defineProperty(wrapper, 'name', { value: property });
      wrappers.set(property, { original, wrapper });
      return wrapper;
    },
  });
  return proxy as Instrumented<T>;
}
