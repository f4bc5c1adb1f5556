import { metrics } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { faultlineMetricProducer } from '../metricProducer.js';
import { circuitBreaker } from '../policies/circuitBreaker.js';
import { compose } from '../policies/compose.js';
import { collectByName, points, TestReader } from './metricsContract.testSupport.js';
import { ATTR, METRIC } from './names.js';

// Policies made before any MeterProvider is registered, as an application
// that builds its clients at import time and starts the SDK later does.
const breaker = circuitBreaker({ name: 'late-breaker', dependency: 'late-dep', minimumCalls: 10 });
const guard = compose(breaker);

const producer = faultlineMetricProducer();
const reader = new TestReader([producer]);
const meterProvider = new MeterProvider({ readers: [reader] });

afterAll(async () => {
  producer.shutdown();
  await meterProvider.shutdown();
  metrics.disable();
});

describe('a MeterProvider registered after the policies', () => {
  it('gets the gauges by the second collection, though calls never look the provider up', async () => {
    metrics.setGlobalMeterProvider(meterProvider);
    await guard.execute(async () => 'ok');
    await collectByName(reader);
    const byName = await collectByName(reader);
    const state = points(byName.get(METRIC.BREAKER_STATE), { [ATTR.BREAKER_NAME]: 'late-breaker' });
    expect(state.find((point) => point.attributes[ATTR.BREAKER_STATE] === 'closed')?.value).toBe(1);
    const durations = points(byName.get(METRIC.CALL_DURATION), { [ATTR.PEER_SERVICE]: 'late-dep' });
    expect(durations).toHaveLength(1);
  });
});
