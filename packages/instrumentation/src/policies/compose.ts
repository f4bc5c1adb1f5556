import { type Endpoint, endpointFor } from '../telemetry/callScope.js';
import { checkName, checkOptionalName, fail } from './optionChecks.js';
import { type Call, type Chain, chainOf, executeChain, type Policy, type Stage, type Task } from './policy.js';

/** Options of {@link compose}, passed as the last argument. */
export interface ComposeOptions {
  /** Dependency of the composed call. Default: the first policy that has one. */
  dependency?: string;
  /** Operation in the span name `"{dependency} {operation}"`. Default `execute`. */
  operation?: string;
}

/** What {@link compose} returns. */
export interface ComposedPolicy extends Policy {
  /** The policies, outermost first. */
  readonly policies: readonly Policy[];
  readonly dependency: string | undefined;
}

/** A built-in policy: runs as a stage of a chain. */
function isStage(policy: Policy): policy is Policy & Stage {
  return typeof (policy as Partial<Stage>).runStage === 'function';
}

/** A policy not from this package: adapted with one closure per call. */
class ForeignStage implements Stage {
  constructor(private readonly policy: Policy) {}

  runStage<T>(call: Call<T>, index: number, signal: AbortSignal): Promise<T> {
    return this.policy.execute((inner) => call.invoke(index + 1, inner), signal);
  }
}

/** The stages a policy runs as. @internal */
export function stagesOf(policy: Policy): readonly Stage[] {
  if (policy instanceof Composed) return policy.chain.stages;
  if (isStage(policy)) return [policy];
  return [new ForeignStage(policy)];
}

const EMPTY_CHAIN = chainOf([]);

/** The chain a call guarded by `policy` (or by nothing) runs through. @internal */
export function chainFor(policy: Policy | undefined): Chain {
  if (policy === undefined) return EMPTY_CHAIN;
  if (policy instanceof Composed) return policy.chain;
  return chainOf(stagesOf(policy));
}

class Composed implements ComposedPolicy {
  readonly chain: Chain;
  readonly dependency: string | undefined;
  private readonly endpoint: Endpoint | undefined;

  constructor(
    readonly policies: readonly Policy[],
    options: ComposeOptions,
  ) {
    this.chain = chainOf(policies.flatMap(stagesOf));
    const dependency =
      checkOptionalName('compose', 'dependency', options.dependency) ??
      policies.find((policy) => policy.dependency !== undefined)?.dependency;
    this.dependency = dependency;
    const operation =
      options.operation === undefined ? 'execute' : checkName('compose', 'operation', options.operation);
    this.endpoint = dependency === undefined ? undefined : endpointFor(dependency, operation);
  }

  execute<T>(fn: Task<T>, signal?: AbortSignal): Promise<T> {
    return executeChain(this.chain, this.endpoint, fn, signal);
  }
}

function isPolicy(value: unknown): value is Policy {
  return typeof value === 'object' && value !== null && typeof (value as Policy).execute === 'function';
}

/**
 * Nests policies, outermost first: `compose(pool, breaker, timeout({ ms }),
 * retry())` runs a call through the bulkhead, then the breaker, the timeout
 * and the retry, then the function. Any order works; any object with an
 * `execute(fn, signal)` method can take part. An options object may come last.
 *
 * The composition is the call boundary for telemetry: when it knows its
 * dependency (option, or the first policy that has one) every `execute` is one
 * CLIENT span `"{dependency} {operation}"` with `peer.service` and
 * `resilience.outcome`, one `resilience.call.duration` record and one unit of
 * `resilience.dependency.inflight`; the policies inside annotate that span.
 * The span is the active span while the function runs, so trace context flows
 * through every policy to the dependency.
 *
 * @example
 * const guard = compose(pool, breaker, timeout({ ms: 2000 }), retry({ maxAttempts: 3 }));
 * await guard.execute((signal) => payment.charge(order, { signal }));
 */
export function compose(...items: readonly (Policy | ComposeOptions)[]): ComposedPolicy {
  const last = items[items.length - 1];
  const options: ComposeOptions = last !== undefined && !isPolicy(last) ? last : {};
  const policies = last !== undefined && !isPolicy(last) ? items.slice(0, -1) : items;
  policies.forEach((policy, index) => {
    if (!isPolicy(policy)) fail('compose', `argument ${index + 1}`, 'a policy (an object with execute)', policy);
  });
  return new Composed(policies as Policy[], options);
}
