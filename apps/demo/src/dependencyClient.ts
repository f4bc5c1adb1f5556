import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  circuitBreaker,
  compose,
  type FetchFunction,
  instrumentFetch,
  type Policy,
  retry,
  TimeoutError,
  timeout,
} from '@faultline/instrumentation';
import { context, propagation } from '@opentelemetry/api';
import type { Mode } from './config.js';
import type { ServiceName } from './topology.js';

/**
 * How a service calls one dependency, in both modes. Both clients are built
 * at start so switching mode is a variable flip; their breakers and
 * bulkheads keep their state across switches.
 *
 * unprotected — the incident: a 30 s timeout (scaled by the time
 *   compression) and 5 retries with exponential backoff, no breaker, no
 *   bulkhead, no retry budget.
 * protected — a retry budget, a breaker that opens on failures and slow
 *   calls, a bulkhead capping concurrent calls, and a short timeout.
 */
export interface CallResult {
  status: number;
  body: unknown;
}

export interface DependencyClient {
  call(method: string, path: string, body?: unknown): Promise<CallResult>;
}

/** Protected-mode limits of one edge; story-independent (real milliseconds). */
export interface ProtectedLimits {
  timeoutMs: number;
  maxConcurrent: number;
  maxQueue: number;
  maxAttempts: number;
  slowCallMs: number;
}

/**
 * Inner deadlines are shorter than outer ones: a leaf call (≤ 2 × 300 ms)
 * fits in a saga step (0.7 s), and a whole checkout (≤ 4 steps) in user →
 * order's 2 s, so a caller never gives up on work its callee still does.
 */
const DEFAULT_LIMITS: ProtectedLimits = {
  timeoutMs: 300,
  maxConcurrent: 60,
  maxQueue: 30,
  maxAttempts: 2,
  slowCallMs: 250,
};

const EDGE_LIMITS: Partial<Record<ServiceName, Partial<ProtectedLimits>>> = {
  // Charges are not retried (not idempotent); payment is slow before it fails. At most 10 calls in flight and a
  // 150 ms timeout bound what leaks each time the breaker re-closes on a still-exhausted pool (4–5 % of calls
  // instead of ~6.5 % with 40 and 300 ms), and keep a checkout caught by it under the map's 250 ms "blocked" p99.
  'payment-service': { timeoutMs: 150, maxConcurrent: 10, maxQueue: 20, maxAttempts: 1, slowCallMs: 100 },
  'order-service': { timeoutMs: 2000, maxConcurrent: 150, maxQueue: 50, maxAttempts: 1, slowCallMs: 1000 },
};

/** 30 s, the incident's timeout, in real ms. */
export function incidentTimeoutMs(timeScale: number): number {
  return 30_000 / timeScale;
}

export function protectedPolicy(dependency: ServiceName, limits: ProtectedLimits): Policy {
  return compose(
    retry({ maxAttempts: limits.maxAttempts, backoff: { initialMs: 20, maxMs: 200 }, budget: { ratio: 0.1 } }),
    circuitBreaker({
      name: dependency.replace(/-service$/, ''),
      dependency,
      // A count window reacts within a few dozen calls whatever the rate.
      window: { kind: 'count', size: 20 },
      minimumCalls: 10,
      failureRateThreshold: 0.5,
      slowCallDurationMs: limits.slowCallMs,
      slowCallRateThreshold: 0.5,
      openDurationMs: 5000,
      halfOpenMaxCalls: 1,
    }),
    bulkhead({
      name: `${dependency.replace(/-service$/, '')}-calls`,
      dependency,
      maxConcurrent: limits.maxConcurrent,
      maxQueue: limits.maxQueue,
      queueTimeoutMs: 100,
    }),
    timeout({ ms: limits.timeoutMs }),
  );
}

export function unprotectedPolicy(timeScale: number): Policy {
  return compose(
    retry({
      maxAttempts: 6,
      backoff: { initialMs: 1000 / timeScale, multiplier: 2, maxMs: incidentTimeoutMs(timeScale), jitter: 'none' },
    }),
    timeout({ ms: incidentTimeoutMs(timeScale) }),
  );
}

/** fetch that carries the current trace context and baggage (the saga id) to the callee. */
const propagatingFetch: FetchFunction = (input, init) => {
  const headers: Record<string, string> = { ...(init?.headers as Record<string, string> | undefined) };
  propagation.inject(context.active(), headers);
  return fetch(input, { ...init, headers });
};

/**
 * Compensations (release stock, refund) as a durable queue would send them:
 * retried, with a deadline, but never refused by the breaker that opened
 * because of the very failure being undone.
 */
export function compensationClient(dependency: ServiceName, baseUrl: string): DependencyClient {
  const policy = compose(retry({ maxAttempts: 3, backoff: { initialMs: 20, maxMs: 200 } }), timeout({ ms: 1000 }));
  return httpClient(baseUrl, instrumentFetch({ dependency, policy, fetch: propagatingFetch }));
}

function httpClient(baseUrl: string, fetcher: FetchFunction): DependencyClient {
  return {
    async call(method, path, body) {
      const response = await fetcher(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed };
    },
  };
}

export function dependencyClient(
  dependency: ServiceName,
  baseUrl: string,
  timeScale: number,
  mode: () => Mode,
): DependencyClient {
  const limits = { ...DEFAULT_LIMITS, ...EDGE_LIMITS[dependency] };
  const fetchers: Record<Mode, FetchFunction> = {
    protected: instrumentFetch({ dependency, policy: protectedPolicy(dependency, limits), fetch: propagatingFetch }),
    unprotected: instrumentFetch({ dependency, policy: unprotectedPolicy(timeScale), fetch: propagatingFetch }),
  };
  const byMode: Record<Mode, DependencyClient> = {
    protected: httpClient(baseUrl, fetchers.protected),
    unprotected: httpClient(baseUrl, fetchers.unprotected),
  };
  return { call: (method, path, body) => byMode[mode()].call(method, path, body) };
}

/** The HTTP status a service answers with when a dependency call threw. */
export function statusForError(error: unknown): number {
  if (error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError) return 503;
  if (error instanceof TimeoutError) return 504;
  return 502;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
