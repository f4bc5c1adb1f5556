/**
 * The telemetry contract between @faultline/instrumentation and the dashboard
 * (see DESIGN.md, "Telemetry contract"). Every span name, attribute and metric
 * the package emits is named here and nowhere else; tests pin these values and
 * the dashboard keeps an identical table of its own.
 */

/** Instrumentation scope used for the tracer and the meter. */
export const SCOPE_NAME = '@faultline/instrumentation';
/** Its version, the same for every tracer and meter the package creates (policies, sagas, producer). */
export const SCOPE_VERSION = '0.1.0';

export const ATTR = {
  SERVICE_NAME: 'service.name',
  SERVICE_INSTANCE_ID: 'service.instance.id',
  PEER_SERVICE: 'peer.service',
  OUTCOME: 'resilience.outcome',
  BREAKER_NAME: 'resilience.circuit_breaker.name',
  BREAKER_STATE: 'resilience.circuit_breaker.state',
  BULKHEAD_NAME: 'resilience.bulkhead.name',
  BULKHEAD_QUEUE_WAIT: 'resilience.bulkhead.queue_wait',
  RETRY_ATTEMPT: 'resilience.retry.attempt',
  TRANSITION_FROM: 'from',
  TRANSITION_TO: 'to',
  SAGA_NAME: 'resilience.saga.name',
  SAGA_ID: 'resilience.saga.id',
  SAGA_STATUS: 'resilience.saga.status',
  SAGA_STEP_NAME: 'resilience.saga.step.name',
  SAGA_STEP_INDEX: 'resilience.saga.step.index',
  SAGA_STEP_KIND: 'resilience.saga.step.kind',
  SAGA_STEP_STATUS: 'resilience.saga.step.status',
  /** HTTP semantic conventions, set by the fetch wrapper. */
  HTTP_REQUEST_METHOD: 'http.request.method',
  HTTP_RESPONSE_STATUS_CODE: 'http.response.status_code',
} as const;

export const EVENT = {
  BREAKER_STATE_CHANGE: 'resilience.circuit_breaker.state_change',
} as const;

export const OUTCOME = {
  SUCCESS: 'success',
  FAILURE: 'failure',
  TIMEOUT: 'timeout',
  SHORT_CIRCUITED: 'short_circuited',
  BULKHEAD_REJECTED: 'bulkhead_rejected',
} as const;
export type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];

export const SAGA_STATUS = { COMPLETED: 'completed', COMPENSATED: 'compensated', FAILED: 'failed' } as const;
export const SAGA_STEP_KIND = { ACTION: 'action', COMPENSATION: 'compensation' } as const;

export const METRIC = {
  CALL_DURATION: 'resilience.call.duration',
  BREAKER_STATE: 'resilience.circuit_breaker.state',
  BREAKER_TRANSITIONS: 'resilience.circuit_breaker.transitions',
  BREAKER_FAILURE_RATE: 'resilience.circuit_breaker.failure_rate',
  BREAKER_SLOW_CALL_RATE: 'resilience.circuit_breaker.slow_call_rate',
  BULKHEAD_ACTIVE: 'resilience.bulkhead.active',
  BULKHEAD_QUEUED: 'resilience.bulkhead.queued',
  BULKHEAD_LIMIT: 'resilience.bulkhead.limit',
  BULKHEAD_QUEUE_LIMIT: 'resilience.bulkhead.queue.limit',
  BULKHEAD_REJECTIONS: 'resilience.bulkhead.rejections',
  BULKHEAD_QUEUE_WAIT: 'resilience.bulkhead.queue.wait',
  RETRY_ATTEMPTS: 'resilience.retry.attempts',
  DEPENDENCY_INFLIGHT: 'resilience.dependency.inflight',
  SAGA_RUNS: 'resilience.saga.runs',
  SAGA_DURATION: 'resilience.saga.duration',
  SAGA_STEP_DURATION: 'resilience.saga.step.duration',
} as const;

export const UNIT = {
  SECONDS: 's',
  CALLS: '{call}',
  RATIO: '1',
  TRANSITIONS: '{transition}',
  ATTEMPTS: '{attempt}',
  RUNS: '{run}',
} as const;

/**
 * Explicit bucket boundaries (seconds) for every duration histogram, so that
 * histograms from all instances share bounds and merge exactly in the dashboard.
 */
export const DURATION_BUCKETS_S: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/**
 * Standard OpenTelemetry signals the dashboard reads beside ours (issue 9): a
 * service's in-flight requests (HTTP semantic conventions) over which
 * `resilience.dependency.inflight` gives the share blocked on a dependency, and
 * the event-loop metrics the setup helper enables (runtime-node instrumentation).
 */
export const STANDARD_SIGNAL = {
  HTTP_SERVER_ACTIVE_REQUESTS: 'http.server.active_requests',
  NODEJS_EVENTLOOP_UTILIZATION: 'nodejs.eventloop.utilization',
  NODEJS_EVENTLOOP_DELAY_P99: 'nodejs.eventloop.delay.p99',
} as const;
