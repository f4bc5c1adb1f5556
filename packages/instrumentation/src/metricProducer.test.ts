import { metrics } from '@opentelemetry/api';
import { type Histogram, type HistogramMetricData, MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultlineMetricProducer } from './metricProducer.js';
import { compose } from './policies/compose.js';
import { timeout } from './policies/timeout.js';
import { FixedHistogram } from './telemetry/fixedHistogram.js';
import { metricRoute } from './telemetry/metricRoute.js';
import { collectByName, pinMetricsContract, points, TestReader } from './telemetry/metricsContract.testSupport.js';
import { ATTR, DURATION_BUCKETS_S, METRIC, OUTCOME } from './telemetry/names.js';

const producer = faultlineMetricProducer();
const reader = new TestReader([producer]);
const meterProvider = new MeterProvider({ readers: [reader] });
const collect = () => collectByName(reader);

beforeAll(() => {
  metrics.setGlobalMeterProvider(meterProvider);
});

afterAll(async () => {
  producer.shutdown();
  await meterProvider.shutdown();
  metrics.disable();
});

describe('metrics through the Faultline metric producer', () => {
  it('pins every name, unit and attribute of the contract', async () => {
    expect(metricRoute.preAggregated).toBe(true);
    await pinMetricsContract(collect);
  });

  it('buckets, count, sum, min and max match the SDK histogram fed the same values', async () => {
    const values = [0, 0.0005, 0.001, 0.0010001, 0.0025, 0.007, 0.5, 1, 2.5000001, 59.9, 60, 61, 3600, Number.NaN];
    const ours = new FixedHistogram({ x: 'y' });
    const sdkReader = new TestReader();
    const sdk = new MeterProvider({ readers: [sdkReader] });
    const histogram = sdk
      .getMeter('reference')
      .createHistogram('reference', { advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_S] } });
    for (const value of values) {
      ours.record(value);
      histogram.record(value, { x: 'y' });
    }
    const { resourceMetrics } = await sdkReader.collect();
    const expected = resourceMetrics.scopeMetrics[0]?.metrics[0]?.dataPoints[0]?.value as Histogram;
    await sdk.shutdown();
    expect(Array.from(ours.counts)).toEqual(expected.buckets.counts);
    expect([ours.count, ours.sum, ours.min, ours.max]).toEqual([
      expected.count,
      expected.sum,
      expected.min,
      expected.max,
    ]);
  });

  it('exports what was recorded: one point per dependency and outcome, counts cumulative', async () => {
    const guard = compose(timeout({ ms: 1000 }), { dependency: 'p-dep' });
    for (let i = 0; i < 7; i++) await guard.execute(async () => i);
    for (let i = 0; i < 3; i++) await guard.execute(async () => Promise.reject(new Error('no'))).catch(() => {});
    const first = await collect();
    const metric = first.get(METRIC.CALL_DURATION) as HistogramMetricData;
    const byOutcome = (data: HistogramMetricData) =>
      Object.fromEntries(
        points(data, { [ATTR.PEER_SERVICE]: 'p-dep' }).map((p) => [p.attributes[ATTR.OUTCOME], p.value as Histogram]),
      );
    const success = byOutcome(metric)[OUTCOME.SUCCESS];
    expect(Object.keys(byOutcome(metric)).sort()).toEqual([OUTCOME.FAILURE, OUTCOME.SUCCESS]);
    expect(success?.count).toBe(7);
    expect(success?.buckets.counts.reduce((a: number, b: number) => a + b, 0)).toBe(7);
    expect(success?.buckets.boundaries).toEqual(DURATION_BUCKETS_S);
    expect(success?.sum).toBeGreaterThan(0);
    expect(byOutcome(metric)[OUTCOME.FAILURE]?.count).toBe(3);

    await guard.execute(async () => 1);
    const second = (await collect()).get(METRIC.CALL_DURATION) as HistogramMetricData;
    const [before] = points(metric, { [ATTR.PEER_SERVICE]: 'p-dep', [ATTR.OUTCOME]: OUTCOME.SUCCESS });
    const [after] = points(second, { [ATTR.PEER_SERVICE]: 'p-dep', [ATTR.OUTCOME]: OUTCOME.SUCCESS });
    expect((after?.value as Histogram | undefined)?.count).toBe(8);
    expect(after?.startTime).toEqual(before?.startTime);
  });

  it('after the producer is shut down, records go through the API instruments, never to both', async () => {
    const guard = compose(timeout({ ms: 1000 }), { dependency: 'switch-dep' });
    await guard.execute(async () => 1);
    producer.shutdown();
    expect(metricRoute.preAggregated).toBe(false);
    for (let i = 0; i < 4; i++) await guard.execute(async () => i);
    // The producer no longer exports; the SDK's own series holds exactly the calls made since.
    const byName = await collect();
    const [point] = points(byName.get(METRIC.CALL_DURATION), { [ATTR.PEER_SERVICE]: 'switch-dep' });
    expect((point?.value as Histogram | undefined)?.count).toBe(4);
  });
});
