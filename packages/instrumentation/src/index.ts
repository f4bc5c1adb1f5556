/**
 * @faultline/instrumentation — circuit breakers, bulkheads, timeouts and
 * retries that report themselves through OpenTelemetry (API only; bring an
 * SDK, or use `@faultline/instrumentation/setup`).
 */

export { type FetchFunction, type FetchOptions, guardedFetch, instrumentFetch } from './clients/fetch.js';
export { type Instrumented, type InstrumentOptions, instrument } from './clients/instrument.js';
export { type InstrumentFunctionOptions, instrumentFunction } from './clients/instrumentFunction.js';
export type { Clock } from './clock.js';
export {
  BrokenCircuitError,
  BulkheadRejectedError,
  type BulkheadRejectionReason,
  HttpStatusError,
  ResilienceError,
  TimeoutError,
} from './errors.js';
export { type Bulkhead, type BulkheadOptions, bulkhead } from './policies/bulkhead.js';
export {
  type BreakerState,
  type BreakerStats,
  type BreakerWindow,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  circuitBreaker,
  type StateChangeEvent,
} from './policies/circuitBreaker.js';
export { type ComposedPolicy, type ComposeOptions, compose } from './policies/compose.js';
export type { Policy, Task } from './policies/policy.js';
export {
  type BackoffOptions,
  type GiveUpEvent,
  type GiveUpReason,
  type Jitter,
  type RetryBudgetOptions,
  type RetryEvent,
  type RetryOptions,
  type RetryPolicy,
  retry,
} from './policies/retry.js';
export { type TimeoutOptions, type TimeoutPolicy, timeout } from './policies/timeout.js';
export * from './saga/index.js';
export { registerTelemetry } from './telemetry/instruments.js';
export {
  ATTR,
  DURATION_BUCKETS_S,
  EVENT,
  METRIC,
  OUTCOME,
  type Outcome,
  SAGA_STATUS,
  SAGA_STEP_KIND,
  SCOPE_NAME,
  STANDARD_SIGNAL,
  UNIT,
} from './telemetry/names.js';
export { configureTracing, type TracingOptions } from './telemetry/tracingOptions.js';
