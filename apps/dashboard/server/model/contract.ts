/**
 * The dashboard's copy of the telemetry contract (DESIGN.md, "Telemetry
 * contract"). The instrumentation package owns the same names in
 * packages/instrumentation/src/telemetry/names.ts; the dashboard must not
 * import that package, so `contract.test.ts` pins both tables against each
 * other. Below the shared part: the standard OpenTelemetry names and the
 * foreign libraries' names (resilience4j, Polly) the dashboard also reads.
 */

/** Instrumentation scope of @faultline/instrumentation's tracer and meter. */
export const SCOPE_NAME = '@faultline/instrumentation';

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

/** Bucket bounds (seconds) the instrumentation uses for every duration histogram. */
export const DURATION_BUCKETS_S: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** Standard OpenTelemetry names (semantic conventions, runtime instrumentation) the model reads. */
export const STANDARD = {
  /** HTTP semconv UpDownCounter: requests the service is serving now. */
  HTTP_SERVER_ACTIVE_REQUESTS: 'http.server.active_requests',
  /** @opentelemetry/instrumentation-runtime-node (0.37): gauge, ratio 0–1 since the last collection. */
  NODEJS_EVENTLOOP_UTILIZATION: 'nodejs.eventloop.utilization',
  /** @opentelemetry/instrumentation-runtime-node (0.37): gauge, unit `s`. */
  NODEJS_EVENTLOOP_DELAY_P99: 'nodejs.eventloop.delay.p99',
  /** Client span peer attributes, newest semconv first. */
  SERVER_ADDRESS: 'server.address',
  SERVER_PORT: 'server.port',
  NET_PEER_NAME: 'net.peer.name',
  /** Database attributes: `db.system.name` (semconv ≥ 1.26) and the older `db.system`. */
  DB_SYSTEM_NAME: 'db.system.name',
  DB_SYSTEM: 'db.system',
  DB_NAMESPACE: 'db.namespace',
  DB_NAME: 'db.name',
} as const;

/** resilience4j metric names as exported by Micrometer over OTLP (tags `name`, `state`, `kind`). */
export const RESILIENCE4J = {
  BREAKER_STATE: 'resilience4j.circuitbreaker.state',
  BREAKER_CALLS: 'resilience4j.circuitbreaker.calls',
  BREAKER_FAILURE_RATE: 'resilience4j.circuitbreaker.failure.rate',
  BREAKER_SLOW_CALL_RATE: 'resilience4j.circuitbreaker.slow.call.rate',
  BULKHEAD_AVAILABLE: 'resilience4j.bulkhead.available.concurrent.calls',
  BULKHEAD_MAX_ALLOWED: 'resilience4j.bulkhead.max.allowed.concurrent.calls',
  THREAD_POOL_ACTIVE: 'resilience4j.bulkhead.active.thread.count',
  THREAD_POOL_SIZE: 'resilience4j.bulkhead.thread.pool.size',
  THREAD_POOL_MAX_SIZE: 'resilience4j.bulkhead.max.thread.pool.size',
  THREAD_POOL_QUEUE_DEPTH: 'resilience4j.bulkhead.queue.depth',
  THREAD_POOL_QUEUE_CAPACITY: 'resilience4j.bulkhead.queue.capacity',
  RETRY_CALLS: 'resilience4j.retry.calls',
  TAG_NAME: 'name',
  TAG_STATE: 'state',
  TAG_KIND: 'kind',
} as const;

/** Polly v8 telemetry (meter `Polly`). */
export const POLLY = {
  STRATEGY_EVENTS: 'resilience.polly.strategy.events',
  ATTEMPT_DURATION: 'resilience.polly.strategy.attempt.duration',
  PIPELINE_DURATION: 'resilience.polly.pipeline.duration',
  TAG_EVENT_NAME: 'event.name',
  TAG_PIPELINE_NAME: 'pipeline.name',
  TAG_STRATEGY_NAME: 'strategy.name',
  TAG_EXCEPTION_TYPE: 'exception.type',
  EVENT_CIRCUIT_OPENED: 'OnCircuitOpened',
  EVENT_CIRCUIT_HALF_OPENED: 'OnCircuitHalfOpened',
  EVENT_CIRCUIT_CLOSED: 'OnCircuitClosed',
  EVENT_TIMEOUT: 'OnTimeout',
  EVENT_RETRY: 'OnRetry',
} as const;
