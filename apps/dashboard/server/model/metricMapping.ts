import type { Attributes, AttributeValue, MetricPoint } from '../ingest/telemetry';
import { ATTR, METRIC, POLLY, RESILIENCE4J, STANDARD } from './contract';
import { type BreakerState, OUTCOMES, type Outcome } from './rollups';

/**
 * Which metric means what: every name the live model reads, ours and foreign,
 * mapped to one model signal. Unknown names map to null and are ignored.
 *
 * | Source      | Metric (attributes)                                             | Signal                                        |
 * |-------------|-----------------------------------------------------------------|-----------------------------------------------|
 * | Faultline   | resilience.call.duration (peer.service, resilience.outcome)     | edge calls, outcome, latency                  |
 * | Faultline   | resilience.retry.attempts (peer.service)                        | edge attempts (retry amplification)           |
 * | Faultline   | resilience.dependency.inflight (peer.service)                   | edge in-flight calls                          |
 * | Faultline   | resilience.circuit_breaker.state (…name, peer.service, …state)  | breaker state (series with value 1)           |
 * | Faultline   | resilience.circuit_breaker.transitions (…name, from, to)        | breaker transitions                           |
 * | Faultline   | resilience.circuit_breaker.failure_rate / slow_call_rate        | breaker rates (0–1)                           |
 * | Faultline   | resilience.bulkhead.active / queued / limit / queue.limit       | bulkhead gauges                               |
 * | Faultline   | resilience.bulkhead.rejections                                  | bulkhead rejections                           |
 * | OTel semconv| http.server.active_requests                                     | service in-flight requests (sum of series)    |
 * | OTel runtime| nodejs.eventloop.utilization                                    | service event-loop utilization                |
 * | OTel runtime| nodejs.eventloop.delay.p99 (unit s)                             | service event-loop delay p99 (ms)             |
 * | resilience4j| resilience4j.circuitbreaker.state (name, state)                 | breaker state (series with value 1)           |
 * | resilience4j| resilience4j.circuitbreaker.calls (name, kind)                  | edge calls: successful/ignored → success,     |
 * |             |                                                                 | failed → failure, not_permitted → short_circ. |
 * | resilience4j| resilience4j.circuitbreaker.failure.rate / slow.call.rate (%)   | breaker rates ÷ 100 (−1 = not enough calls)   |
 * | resilience4j| resilience4j.bulkhead.available.concurrent.calls                | bulkhead active = max.allowed − available     |
 * | resilience4j| resilience4j.bulkhead.max.allowed.concurrent.calls              | bulkhead limit                                |
 * | resilience4j| resilience4j.bulkhead.active.thread.count                       | bulkhead active (thread pool)                 |
 * | resilience4j| resilience4j.bulkhead.max.thread.pool.size (else thread.pool.size) | bulkhead limit (thread pool)               |
 * | resilience4j| resilience4j.bulkhead.queue.depth / queue.capacity              | bulkhead queued / queue limit                 |
 * | resilience4j| resilience4j.retry.calls — not read (counts calls, not attempts)|                                               |
 * | Polly v8    | resilience.polly.strategy.events event.name=OnCircuitOpened /   | breaker transition to open / half_open /      |
 * |             |   OnCircuitHalfOpened / OnCircuitClosed                         |   closed                                      |
 * | Polly v8    | resilience.polly.pipeline.duration (exception.type)             | edge calls; exception TimeoutRejected →       |
 * |             |                                                                 | timeout, BrokenCircuit/IsolatedCircuit →      |
 * |             |                                                                 | short_circuited, RateLimiterRejected →        |
 * |             |                                                                 | bulkhead_rejected, other → failure            |
 * | Polly v8    | resilience.polly.strategy.attempt.duration                      | edge attempts (its count, one per attempt)    |
 * | Polly v8    | …events OnTimeout / OnRetry — counted through the two above     |                                               |
 *
 * Foreign libraries carry no `peer.service`; the dependency is `peer.service`
 * when a service adds it, else the breaker / bulkhead / pipeline name (the
 * usual convention: resilience4j instances are named after the backend).
 * Metric names arriving Prometheus-style (`resilience4j_circuitbreaker_state`)
 * are normalised to dots.
 */

/** How the point's value is read. */
export type Measure = 'histogram' | 'counter' | 'histogramCount' | 'gauge';

export type BulkheadField = 'active' | 'queued' | 'limit' | 'queueLimit' | 'available' | 'maxAllowed' | 'poolSize';

export type Signal =
  | { kind: 'calls'; measure: 'histogram'; target: string; outcome: Outcome }
  | { kind: 'retryAttempts'; measure: 'counter' | 'histogramCount'; target: string }
  | { kind: 'inflight'; measure: 'gauge'; target: string }
  | { kind: 'activeRequests'; measure: 'gauge' }
  | { kind: 'eventLoopUtilization'; measure: 'gauge' }
  | { kind: 'eventLoopDelayP99'; measure: 'gauge'; toMs: number }
  /** The series of the breaker's current state (it reads 1; the other states' series map to `idle`). */
  | { kind: 'breakerState'; measure: 'gauge'; breaker: string; dependency: string; state: BreakerState }
  /** A point the model reads that changes nothing: a breaker-state series reading 0. */
  | { kind: 'idle'; measure: 'gauge' }
  | {
      kind: 'breakerTransitions';
      measure: 'counter';
      breaker: string;
      dependency: string;
      from: BreakerState | null;
      to: BreakerState;
    }
  | {
      kind: 'breakerRate';
      measure: 'gauge';
      breaker: string;
      dependency: string;
      rate: 'failure' | 'slow';
      scale: number;
    }
  | { kind: 'bulkheadGauge'; measure: 'gauge'; bulkhead: string; dependency: string; field: BulkheadField }
  | { kind: 'bulkheadRejections'; measure: 'counter'; bulkhead: string; dependency: string };

function str(v: AttributeValue | undefined): string | null {
  if (typeof v === 'string') return v.length > 0 ? v : null;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

const BREAKER_STATES: readonly BreakerState[] = [
  'closed',
  'open',
  'half_open',
  'forced_open',
  'disabled',
  'metrics_only',
];

/** 'HALF_OPEN', 'half-open', 'halfOpen' → 'half_open'; unknown → null. */
export function parseBreakerState(v: AttributeValue | undefined): BreakerState | null {
  const s = str(v);
  if (s === null) return null;
  const cached = BREAKER_STATE_CACHE.get(s);
  if (cached !== undefined) return cached;
  const state = normaliseBreakerState(s);
  if (BREAKER_STATE_CACHE.size >= 256) BREAKER_STATE_CACHE.clear();
  BREAKER_STATE_CACHE.set(s, state);
  return state;
}

/** Results of parseBreakerState by input text (a handful of spellings in practice; bounded). */
const BREAKER_STATE_CACHE = new Map<string, BreakerState | null>();

function normaliseBreakerState(s: string): BreakerState | null {
  const norm = s
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[-\s]/g, '_');
  return (BREAKER_STATES as readonly string[]).includes(norm) ? (norm as BreakerState) : null;
}

export function parseOutcome(v: AttributeValue | undefined): Outcome {
  const s = str(v);
  return s !== null && (OUTCOMES as readonly string[]).includes(s) ? (s as Outcome) : 'failure';
}

const R4J_CALL_KIND: Record<string, Outcome> = {
  successful: 'success',
  ignored: 'success',
  failed: 'failure',
  not_permitted: 'short_circuited',
};

function pollyOutcome(exceptionType: string | null): Outcome {
  if (exceptionType === null) return 'success';
  if (exceptionType.includes('TimeoutRejected')) return 'timeout';
  if (exceptionType.includes('BrokenCircuit') || exceptionType.includes('IsolatedCircuit')) return 'short_circuited';
  if (exceptionType.includes('RateLimiterRejected')) return 'bulkhead_rejected';
  return 'failure';
}

const POLLY_BREAKER_EVENTS: Record<string, BreakerState> = {
  [POLLY.EVENT_CIRCUIT_OPENED]: 'open',
  [POLLY.EVENT_CIRCUIT_HALF_OPENED]: 'half_open',
  [POLLY.EVENT_CIRCUIT_CLOSED]: 'closed',
};

const R4J_BULKHEAD_FIELDS: Record<string, BulkheadField> = {
  [RESILIENCE4J.BULKHEAD_AVAILABLE]: 'available',
  [RESILIENCE4J.BULKHEAD_MAX_ALLOWED]: 'maxAllowed',
  [RESILIENCE4J.THREAD_POOL_ACTIVE]: 'active',
  [RESILIENCE4J.THREAD_POOL_MAX_SIZE]: 'limit',
  [RESILIENCE4J.THREAD_POOL_SIZE]: 'poolSize',
  [RESILIENCE4J.THREAD_POOL_QUEUE_DEPTH]: 'queued',
  [RESILIENCE4J.THREAD_POOL_QUEUE_CAPACITY]: 'queueLimit',
};

const OUR_BULKHEAD_FIELDS: Record<string, BulkheadField> = {
  [METRIC.BULKHEAD_ACTIVE]: 'active',
  [METRIC.BULKHEAD_QUEUED]: 'queued',
  [METRIC.BULKHEAD_LIMIT]: 'limit',
  [METRIC.BULKHEAD_QUEUE_LIMIT]: 'queueLimit',
};

/** Metric name with Prometheus-style underscores turned into the dotted OTLP form (resilience4j only). */
export function normaliseName(name: string): string {
  // Most names are dotted already: one character tells them apart before the prefix is compared.
  if (name.charCodeAt(12) === 95 && name.startsWith('resilience4j_')) {
    return name.replace(/_/g, '.').replace(/\.(total|seconds)$/, '');
  }
  return name;
}

/** Reads one metric's signal from a point's attributes (and unit); `name` is the normalised name. */
type Mapper = (a: Attributes, name: string, unit: string) => Signal | null;

function peerOf(a: Attributes): string | null {
  return str(a[ATTR.PEER_SERVICE]);
}

const callDuration: Mapper = (a) => {
  const peer = peerOf(a);
  return peer ? { kind: 'calls', measure: 'histogram', target: peer, outcome: parseOutcome(a[ATTR.OUTCOME]) } : null;
};

const breakerState: Mapper = (a) => {
  const peer = peerOf(a);
  const breaker = str(a[ATTR.BREAKER_NAME]) ?? str(a[RESILIENCE4J.TAG_NAME]);
  const state = parseBreakerState(a[ATTR.BREAKER_STATE] ?? a[RESILIENCE4J.TAG_STATE]);
  if (!breaker || !state) return null;
  return { kind: 'breakerState', measure: 'gauge', breaker, dependency: peer ?? breaker, state };
};

const breakerRate: Mapper = (a, name) => {
  const peer = peerOf(a);
  const breaker = str(a[ATTR.BREAKER_NAME]) ?? str(a[RESILIENCE4J.TAG_NAME]);
  if (!breaker) return null;
  const r4j = name.startsWith('resilience4j.');
  const rate = name === METRIC.BREAKER_FAILURE_RATE || name === RESILIENCE4J.BREAKER_FAILURE_RATE ? 'failure' : 'slow';
  return { kind: 'breakerRate', measure: 'gauge', breaker, dependency: peer ?? breaker, rate, scale: r4j ? 0.01 : 1 };
};

function bulkheadGauge(field: BulkheadField, nameTag: string): Mapper {
  return (a) => {
    const peer = peerOf(a);
    const bulkhead = str(a[nameTag]);
    return bulkhead ? { kind: 'bulkheadGauge', measure: 'gauge', bulkhead, dependency: peer ?? bulkhead, field } : null;
  };
}

/**
 * Every metric name the model reads → its mapper: one map lookup per point
 * (the name string is shared by the points of a metric, so its hash is
 * computed once) instead of comparing it with each name in turn.
 */
const MAPPERS = new Map<string, Mapper>([
  [METRIC.CALL_DURATION, callDuration],
  [
    METRIC.RETRY_ATTEMPTS,
    (a) => {
      const peer = peerOf(a);
      return peer ? { kind: 'retryAttempts', measure: 'counter', target: peer } : null;
    },
  ],
  [
    METRIC.DEPENDENCY_INFLIGHT,
    (a) => {
      const peer = peerOf(a);
      return peer ? { kind: 'inflight', measure: 'gauge', target: peer } : null;
    },
  ],
  [STANDARD.HTTP_SERVER_ACTIVE_REQUESTS, () => ({ kind: 'activeRequests', measure: 'gauge' })],
  [STANDARD.NODEJS_EVENTLOOP_UTILIZATION, () => ({ kind: 'eventLoopUtilization', measure: 'gauge' })],
  [
    STANDARD.NODEJS_EVENTLOOP_DELAY_P99,
    (_a, _name, unit) => ({ kind: 'eventLoopDelayP99', measure: 'gauge', toMs: delayUnitToMs(unit) }),
  ],
  [METRIC.BREAKER_STATE, breakerState],
  [RESILIENCE4J.BREAKER_STATE, breakerState],
  [
    METRIC.BREAKER_TRANSITIONS,
    (a) => {
      const peer = peerOf(a);
      const breaker = str(a[ATTR.BREAKER_NAME]);
      const to = parseBreakerState(a[ATTR.TRANSITION_TO]);
      if (!breaker || !to) return null;
      const from = parseBreakerState(a[ATTR.TRANSITION_FROM]);
      return { kind: 'breakerTransitions', measure: 'counter', breaker, dependency: peer ?? breaker, from, to };
    },
  ],
  [METRIC.BREAKER_FAILURE_RATE, breakerRate],
  [METRIC.BREAKER_SLOW_CALL_RATE, breakerRate],
  [RESILIENCE4J.BREAKER_FAILURE_RATE, breakerRate],
  [RESILIENCE4J.BREAKER_SLOW_CALL_RATE, breakerRate],
  [
    RESILIENCE4J.BREAKER_CALLS,
    (a) => {
      const peer = peerOf(a);
      const breaker = str(a[RESILIENCE4J.TAG_NAME]);
      const kind = str(a[RESILIENCE4J.TAG_KIND]);
      const outcome = kind ? R4J_CALL_KIND[kind] : undefined;
      if (!breaker || !outcome) return null;
      return { kind: 'calls', measure: 'histogram', target: peer ?? breaker, outcome };
    },
  ],
  [
    METRIC.BULKHEAD_REJECTIONS,
    (a) => {
      const peer = peerOf(a);
      const bulkhead = str(a[ATTR.BULKHEAD_NAME]);
      return bulkhead
        ? { kind: 'bulkheadRejections', measure: 'counter', bulkhead, dependency: peer ?? bulkhead }
        : null;
    },
  ],
  [
    POLLY.STRATEGY_EVENTS,
    (a) => {
      const peer = peerOf(a);
      const to = POLLY_BREAKER_EVENTS[str(a[POLLY.TAG_EVENT_NAME]) ?? ''];
      const pipeline = str(a[POLLY.TAG_PIPELINE_NAME]);
      const breaker = str(a[POLLY.TAG_STRATEGY_NAME]) ?? pipeline;
      if (!to || !breaker) return null;
      return {
        kind: 'breakerTransitions',
        measure: 'counter',
        breaker,
        dependency: peer ?? pipeline ?? breaker,
        from: null,
        to,
      };
    },
  ],
  [
    POLLY.PIPELINE_DURATION,
    (a) => {
      const target = peerOf(a) ?? str(a[POLLY.TAG_PIPELINE_NAME]);
      if (!target) return null;
      return { kind: 'calls', measure: 'histogram', target, outcome: pollyOutcome(str(a[POLLY.TAG_EXCEPTION_TYPE])) };
    },
  ],
  [
    POLLY.ATTEMPT_DURATION,
    (a) => {
      const target = peerOf(a) ?? str(a[POLLY.TAG_PIPELINE_NAME]);
      return target ? { kind: 'retryAttempts', measure: 'histogramCount', target } : null;
    },
  ],
  ...Object.entries(OUR_BULKHEAD_FIELDS).map(([name, field]): [string, Mapper] => [
    name,
    bulkheadGauge(field, ATTR.BULKHEAD_NAME),
  ]),
  ...Object.entries(R4J_BULKHEAD_FIELDS).map(([name, field]): [string, Mapper] => [
    name,
    bulkheadGauge(field, RESILIENCE4J.TAG_NAME),
  ]),
]);

const STATE_SERIES = new Set<string>([METRIC.BREAKER_STATE, RESILIENCE4J.BREAKER_STATE]);
const IDLE: Signal = { kind: 'idle', measure: 'gauge' };

/** The model signal a metric point carries, or null when the model does not read it. */
export function mapMetric(p: MetricPoint): Signal | null {
  const name = normaliseName(p.name);
  // State gauges export one series per state and only the current state's reads 1: the others
  // are decided here, before their attributes are read.
  if ((p.type === 'gauge' || p.type === 'sum') && p.value < 0.5 && STATE_SERIES.has(name)) return IDLE;
  const mapper = MAPPERS.get(name);
  return mapper === undefined ? null : mapper(p.attributes, name, p.unit);
}

/** Event-loop delay gauges: the runtime instrumentation reports seconds; older versions used ms/ns. */
function delayUnitToMs(unit: string): number {
  if (unit === 'ms') return 1;
  if (unit === 'ns') return 1e-6;
  return 1000;
}

/** Stable identity of an attribute set (sorted keys). */
export function attributesKey(a: Attributes): string {
  const keys = Object.keys(a);
  if (keys.length === 0) return '';
  keys.sort();
  let out = '';
  for (const k of keys) out += `${k}=${JSON.stringify(a[k])};`;
  return out;
}
