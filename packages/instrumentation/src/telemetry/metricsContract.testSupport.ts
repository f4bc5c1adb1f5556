/**
 * The metrics half of the telemetry contract as one scenario, run against the
 * real SDK on both metric paths: the @opentelemetry/api instruments
 * (`telemetry.test.ts`, no producer) and the pre-aggregated series exported
 * by the Faultline metric producer (`metricProducer.test.ts`).
 */
import {
  AggregationTemporality,
  DataPointType,
  type Histogram,
  type MetricData,
  type MetricProducer,
  MetricReader,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { expect } from 'vitest';
import { bulkhead } from '../policies/bulkhead.js';
import { circuitBreaker } from '../policies/circuitBreaker.js';
import { compose } from '../policies/compose.js';
import { retry } from '../policies/retry.js';
import { ATTR, DURATION_BUCKETS_S, METRIC, OUTCOME, SCOPE_NAME, UNIT } from './names.js';

export class TestReader extends MetricReader {
  constructor(metricProducers: MetricProducer[] = []) {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE, metricProducers });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The package's metrics by name. Fails if a name appears in more than one
 * scope entry or twice in one: a series exported by both paths would be
 * double-counted downstream.
 */
export async function collectByName(reader: MetricReader): Promise<Map<string, MetricData>> {
  const { resourceMetrics } = await reader.collect();
  const byName = new Map<string, MetricData>();
  for (const scope of resourceMetrics.scopeMetrics) {
    if (scope.scope.name !== SCOPE_NAME) continue;
    for (const metric of scope.metrics) {
      expect(byName.has(metric.descriptor.name), `${metric.descriptor.name} exported twice`).toBe(false);
      byName.set(metric.descriptor.name, metric);
    }
  }
  return byName;
}

export function points(metric: MetricData | undefined, filter: Record<string, unknown> = {}) {
  expect(metric).toBeDefined();
  return (metric?.dataPoints ?? []).filter((point) =>
    Object.entries(filter).every(([key, value]) => point.attributes[key] === value),
  );
}

const failing = async (): Promise<never> => {
  throw new Error('payment db exhausted');
};

/** Pins every metric name, unit, type and attribute set of the contract. */
export async function pinMetricsContract(collect: () => Promise<Map<string, MetricData>>): Promise<void> {
  const breaker = circuitBreaker({
    name: 'm-breaker',
    dependency: 'm-dep',
    window: { kind: 'count', size: 2 },
    minimumCalls: 2,
  });
  const pool = bulkhead({ name: 'm-pool', dependency: 'm-dep', maxConcurrent: 1, maxQueue: 1 });
  const guard = compose(pool, breaker, retry({ maxAttempts: 1 }));
  let release!: () => void;
  const held = guard.execute(() => new Promise<void>((resolve) => (release = resolve)));
  const queued = guard.execute(async () => 'queued');
  await guard.execute(async () => 1).catch(() => {}); // bulkhead_rejected

  let byName = await collect();
  expect(points(byName.get(METRIC.DEPENDENCY_INFLIGHT), { [ATTR.PEER_SERVICE]: 'm-dep' })[0]?.value).toBe(2);
  expect(points(byName.get(METRIC.BULKHEAD_ACTIVE), { [ATTR.BULKHEAD_NAME]: 'm-pool' })[0]?.value).toBe(1);
  expect(points(byName.get(METRIC.BULKHEAD_QUEUED), { [ATTR.BULKHEAD_NAME]: 'm-pool' })[0]?.value).toBe(1);
  release();
  await Promise.all([held, queued]);
  await guard.execute(failing).catch(() => {}); // window [success, failure]: 0.5 >= 0.5, opens
  await guard.execute(failing).catch(() => {}); // short-circuited
  await guard.execute(failing).catch(() => {}); // short-circuited

  byName = await collect();
  const expectations: [string, string, DataPointType][] = [
    [METRIC.CALL_DURATION, UNIT.SECONDS, DataPointType.HISTOGRAM],
    [METRIC.BREAKER_STATE, UNIT.RATIO, DataPointType.GAUGE],
    [METRIC.BREAKER_TRANSITIONS, UNIT.TRANSITIONS, DataPointType.SUM],
    [METRIC.BREAKER_FAILURE_RATE, UNIT.RATIO, DataPointType.GAUGE],
    [METRIC.BREAKER_SLOW_CALL_RATE, UNIT.RATIO, DataPointType.GAUGE],
    [METRIC.BULKHEAD_ACTIVE, UNIT.CALLS, DataPointType.GAUGE],
    [METRIC.BULKHEAD_QUEUED, UNIT.CALLS, DataPointType.GAUGE],
    [METRIC.BULKHEAD_LIMIT, UNIT.CALLS, DataPointType.GAUGE],
    [METRIC.BULKHEAD_QUEUE_LIMIT, UNIT.CALLS, DataPointType.GAUGE],
    [METRIC.BULKHEAD_REJECTIONS, UNIT.CALLS, DataPointType.SUM],
    [METRIC.BULKHEAD_QUEUE_WAIT, UNIT.SECONDS, DataPointType.HISTOGRAM],
    [METRIC.RETRY_ATTEMPTS, UNIT.ATTEMPTS, DataPointType.SUM],
    [METRIC.DEPENDENCY_INFLIGHT, UNIT.CALLS, DataPointType.GAUGE],
  ];
  for (const [name, unit, type] of expectations) {
    const metric = byName.get(name);
    expect(metric, name).toBeDefined();
    expect(metric?.descriptor.unit, name).toBe(unit);
    expect(metric?.dataPointType, name).toBe(type);
  }

  const durations = points(byName.get(METRIC.CALL_DURATION), { [ATTR.PEER_SERVICE]: 'm-dep' });
  expect(new Set(durations.map((p) => p.attributes[ATTR.OUTCOME]))).toEqual(
    new Set([OUTCOME.SUCCESS, OUTCOME.FAILURE, OUTCOME.BULKHEAD_REJECTED, OUTCOME.SHORT_CIRCUITED]),
  );
  for (const point of durations) {
    expect(Object.keys(point.attributes).sort()).toEqual([ATTR.OUTCOME, ATTR.PEER_SERVICE].sort());
    expect((point.value as Histogram).buckets.boundaries).toEqual(DURATION_BUCKETS_S);
  }

  const states = points(byName.get(METRIC.BREAKER_STATE), { [ATTR.BREAKER_NAME]: 'm-breaker' });
  expect(states).toHaveLength(5);
  for (const point of states) {
    expect(point.attributes[ATTR.PEER_SERVICE]).toBe('m-dep');
    expect(point.value).toBe(point.attributes[ATTR.BREAKER_STATE] === 'open' ? 1 : 0);
  }
  const transitions = points(byName.get(METRIC.BREAKER_TRANSITIONS), { [ATTR.BREAKER_NAME]: 'm-breaker' });
  expect(transitions.map((p) => p.attributes)).toEqual([
    {
      [ATTR.BREAKER_NAME]: 'm-breaker',
      [ATTR.PEER_SERVICE]: 'm-dep',
      [ATTR.TRANSITION_FROM]: 'closed',
      [ATTR.TRANSITION_TO]: 'open',
    },
  ]);
  expect(points(byName.get(METRIC.BREAKER_FAILURE_RATE), { [ATTR.BREAKER_NAME]: 'm-breaker' })[0]).toMatchObject({
    value: 0.5,
    attributes: { [ATTR.BREAKER_NAME]: 'm-breaker', [ATTR.PEER_SERVICE]: 'm-dep' },
  });
  expect(points(byName.get(METRIC.BREAKER_SLOW_CALL_RATE), { [ATTR.BREAKER_NAME]: 'm-breaker' })[0]?.value).toBe(0);

  const poolAttributes = { [ATTR.BULKHEAD_NAME]: 'm-pool', [ATTR.PEER_SERVICE]: 'm-dep' };
  expect(points(byName.get(METRIC.BULKHEAD_LIMIT), poolAttributes)[0]?.value).toBe(1);
  expect(points(byName.get(METRIC.BULKHEAD_QUEUE_LIMIT), poolAttributes)[0]?.value).toBe(1);
  expect(points(byName.get(METRIC.BULKHEAD_ACTIVE), poolAttributes)[0]?.value).toBe(0);
  expect(points(byName.get(METRIC.BULKHEAD_REJECTIONS), poolAttributes)[0]?.value).toBe(1);
  const queueWait = points(byName.get(METRIC.BULKHEAD_QUEUE_WAIT), poolAttributes)[0]?.value as Histogram;
  expect(queueWait.count).toBe(1);
  expect(queueWait.buckets.boundaries).toEqual(DURATION_BUCKETS_S);
  expect(points(byName.get(METRIC.DEPENDENCY_INFLIGHT), { [ATTR.PEER_SERVICE]: 'm-dep' })[0]?.value).toBe(0);

  const attempts = points(byName.get(METRIC.RETRY_ATTEMPTS), { [ATTR.PEER_SERVICE]: 'm-dep' });
  expect(Object.fromEntries(attempts.map((p) => [p.attributes[ATTR.OUTCOME], p.value]))).toEqual({
    [OUTCOME.SUCCESS]: 2,
    [OUTCOME.FAILURE]: 1, // short-circuited calls never reach the retry inside the breaker
  });
  for (const name of [METRIC.CALL_DURATION, METRIC.BULKHEAD_QUEUE_WAIT, METRIC.BULKHEAD_REJECTIONS]) {
    expect(byName.get(name)?.aggregationTemporality, name).toBe(AggregationTemporality.CUMULATIVE);
  }
  expect((byName.get(METRIC.BULKHEAD_REJECTIONS) as SumMetricData).isMonotonic).toBe(true);
}
