import { describe, expect, it } from 'vitest';
import { METRIC, STANDARD_SIGNAL } from './names.js';

// The dashboard keeps its own copy of these names (apps/dashboard/server/model/contract.ts)
// and its contract test compares the two tables; this side pins the values themselves.
describe('telemetry contract names', () => {
  it('pins the signals of the incident: in-flight per dependency over in-flight requests, event-loop saturation', () => {
    expect(METRIC.DEPENDENCY_INFLIGHT).toBe('resilience.dependency.inflight');
    expect(METRIC.RETRY_ATTEMPTS).toBe('resilience.retry.attempts');
    expect(STANDARD_SIGNAL).toEqual({
      HTTP_SERVER_ACTIVE_REQUESTS: 'http.server.active_requests',
      NODEJS_EVENTLOOP_UTILIZATION: 'nodejs.eventloop.utilization',
      NODEJS_EVENTLOOP_DELAY_P99: 'nodejs.eventloop.delay.p99',
    });
  });
});
