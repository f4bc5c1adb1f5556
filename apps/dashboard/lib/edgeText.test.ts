import { describe, expect, it } from 'vitest';
import type { TopologyEdge, TopologyService } from './apiTypes';
import { edgeAccessibleName, edgeLabelParts, nodeAccessibleName } from './edgeText';

const edge: TopologyEdge = {
  source: 'order-service',
  target: 'payment-service',
  rps: 120,
  errorRate: 0.48,
  p50Ms: 300,
  p99Ms: 2000,
  outcomes: { success: 52, failure: 8, timeout: 30, short_circuited: 10, bulkhead_rejected: 0 },
  breaker: { name: 'payment', state: 'open' },
  bulkhead: null,
  retryAmplification: 3.14,
  inflight: 40,
  blockedShare: 0.9,
};

describe('edge text', () => {
  it('labels error rate, p99 and retry amplification above 1.2', () => {
    expect(edgeLabelParts(edge)).toEqual({ main: 'err 48 % · p99 2.0 s', amplification: '×3.1' });
    expect(edgeLabelParts({ ...edge, retryAmplification: 1.1 }).amplification).toBeNull();
  });
  it('names the edge for screen readers with the breaker state in words', () => {
    expect(edgeAccessibleName(edge)).toBe(
      'order-service → payment-service, breaker open, 48 % errors, p99 2.0 s, retries ×3.1',
    );
    expect(edgeAccessibleName({ ...edge, breaker: null, retryAmplification: null })).toContain('no breaker');
  });
  it('names nodes with kind, health and cascade role', () => {
    const svc: TopologyService = {
      name: 'payments-db',
      kind: 'database',
      health: 'failing',
      eventLoopUtilization: null,
      saturated: true,
    };
    expect(nodeAccessibleName(svc, 'root-cause')).toBe(
      'payments-db, database, failing, root cause, bulkhead saturated',
    );
    const busy: TopologyService = {
      name: 'order-service',
      kind: 'service',
      health: 'degraded',
      eventLoopUtilization: 0.97,
      eventLoopSaturated: true,
    };
    expect(nodeAccessibleName(busy, null)).toBe('order-service, degraded, event loop saturated');
  });
});
