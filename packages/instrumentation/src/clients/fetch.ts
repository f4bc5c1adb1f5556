import { HttpStatusError } from '../errors.js';
import { chainFor } from '../policies/compose.js';
import { checkName, checkOptionalFunction, fail } from '../policies/optionChecks.js';
import { type Chain, executeChain, type Policy } from '../policies/policy.js';
import { ambientScope, endpointFor } from '../telemetry/callScope.js';
import { ATTR } from '../telemetry/names.js';

/** A `fetch`-compatible function. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of {@link instrumentFetch} and {@link guardedFetch}. */
export interface FetchOptions {
  /** The dependency, or a function of the request URL giving it. */
  dependency: string | ((url: URL) => string);
  /** Policy every request goes through. Default: none (traced and counted only). */
  policy?: Policy;
  /**
   * Response statuses that count as failures for the policy (breaker,
   * retry) and the span. Default: `status >= 500`. The caller still receives
   * the `Response` of the last attempt.
   */
  isFailureStatus?: (status: number) => boolean;
  /** The fetch to wrap. Default: `globalThis.fetch`. */
  fetch?: FetchFunction;
}

interface ResolvedFetchOptions {
  readonly dependency: string | ((url: URL) => string);
  readonly chain: Chain;
  readonly isFailureStatus: (status: number) => boolean;
  readonly fetch: FetchFunction | undefined;
}

function resolve(policy: string, options: FetchOptions): ResolvedFetchOptions {
  if (options === null || typeof options !== 'object') fail(policy, 'options', 'an object', options);
  const dependency =
    typeof options.dependency === 'function' ? options.dependency : checkName(policy, 'dependency', options.dependency);
  return {
    dependency,
    chain: chainFor(options.policy),
    isFailureStatus: checkOptionalFunction(policy, 'isFailureStatus', options.isFailureStatus) ?? ((s) => s >= 500),
    fetch: checkOptionalFunction(policy, 'fetch', options.fetch),
  };
}

function urlOf(input: string | URL | Request): URL {
  if (input instanceof URL) return input;
  return new URL(typeof input === 'string' ? input : input.url);
}

async function guarded(
  options: ResolvedFetchOptions,
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<Response> {
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const dependency = typeof options.dependency === 'string' ? options.dependency : options.dependency(urlOf(input));
  const endpoint = endpointFor(dependency, method);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const isFailureStatus = options.isFailureStatus;
  try {
    return await executeChain(
      options.chain,
      endpoint,
      async (signal) => {
        const scope = ambientScope();
        scope?.target?.setAttribute(ATTR.HTTP_REQUEST_METHOD, method);
        const response = await fetchImpl(input, { ...init, signal });
        scope?.target?.setAttribute(ATTR.HTTP_RESPONSE_STATUS_CODE, response.status);
        if (isFailureStatus(response.status)) throw new HttpStatusError(response);
        return response;
      },
      init?.signal ?? undefined,
    );
  } catch (error) {
    // A failure status was a failure for the policy and the span; the caller
    // gets the response, as plain fetch would have given it.
    if (error instanceof HttpStatusError) return error.response;
    throw error;
  }
}

/**
 * Wraps `fetch`: every request is a guarded call `"{dependency} {METHOD}"`
 * through `policy`, traced, with the policy's `AbortSignal` (linked to
 * `init.signal`) passed to fetch. 5xx responses count as failures for the
 * breaker, the retry and the span, but are still returned to the caller.
 *
 * @example
 * const paymentFetch = instrumentFetch({ dependency: 'payment-service', policy: guard });
 * const response = await paymentFetch('http://payment/charge', { method: 'POST', body });
 */
export function instrumentFetch(options: FetchOptions): FetchFunction {
  const resolved = resolve('instrumentFetch', options);
  return (input, init) => guarded(resolved, input, init);
}

/**
 * One guarded request without building a wrapper first:
 * `guardedFetch(url, init, { dependency, policy })`. Prefer
 * {@link instrumentFetch} on hot paths (it validates options once).
 */
export function guardedFetch(
  input: string | URL | Request,
  init: RequestInit | undefined,
  options: FetchOptions,
): Promise<Response> {
  return guarded(resolve('guardedFetch', options), input, init);
}
