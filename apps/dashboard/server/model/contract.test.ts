import { describe, expect, it } from 'vitest';
import * as instrumentation from '../../../../packages/instrumentation/src/telemetry/names';
import * as dashboard from './contract';

describe('telemetry contract', () => {
  it('matches the instrumentation package name for name', () => {
    expect(dashboard.SCOPE_NAME).toBe(instrumentation.SCOPE_NAME);
    expect(dashboard.ATTR).toEqual(instrumentation.ATTR);
    expect(dashboard.EVENT).toEqual(instrumentation.EVENT);
    expect(dashboard.OUTCOME).toEqual(instrumentation.OUTCOME);
    expect(dashboard.METRIC).toEqual(instrumentation.METRIC);
    expect(dashboard.UNIT).toEqual(instrumentation.UNIT);
    expect(dashboard.SAGA_STATUS).toEqual(instrumentation.SAGA_STATUS);
    expect(dashboard.SAGA_STEP_KIND).toEqual(instrumentation.SAGA_STEP_KIND);
    expect(dashboard.DURATION_BUCKETS_S).toEqual(instrumentation.DURATION_BUCKETS_S);
    for (const [key, name] of Object.entries(instrumentation.STANDARD_SIGNAL)) {
      expect(dashboard.STANDARD[key as keyof typeof dashboard.STANDARD], key).toBe(name);
    }
  });

  it('pins the DESIGN.md names', () => {
    expect(dashboard.METRIC.CALL_DURATION).toBe('resilience.call.duration');
    expect(dashboard.METRIC.DEPENDENCY_INFLIGHT).toBe('resilience.dependency.inflight');
    expect(dashboard.ATTR.PEER_SERVICE).toBe('peer.service');
    expect(dashboard.EVENT.BREAKER_STATE_CHANGE).toBe('resilience.circuit_breaker.state_change');
    expect(dashboard.STANDARD.HTTP_SERVER_ACTIVE_REQUESTS).toBe('http.server.active_requests');
    expect(dashboard.STANDARD.NODEJS_EVENTLOOP_UTILIZATION).toBe('nodejs.eventloop.utilization');
    expect(dashboard.STANDARD.NODEJS_EVENTLOOP_DELAY_P99).toBe('nodejs.eventloop.delay.p99');
  });
});

describe('canonical latency bounds', () => {
  it('equal the instrumentation duration buckets in ms, so our histograms map exactly', async () => {
    const { LATENCY_BOUNDS_MS } = await import('./rollups');
    expect(dashboard.DURATION_BUCKETS_S.map((s) => Math.round(s * 1e6) / 1e3)).toEqual([...LATENCY_BOUNDS_MS]);
  });
});
