/**
 * Builders of API topology items for tests: a healthy service and an idle,
 * unguarded edge, with whatever a test cares about passed as overrides.
 */
import type { TopologyEdge, TopologyService } from './apiTypes';

export function apiService(name: string, over: Partial<TopologyService> = {}): TopologyService {
  return { name, kind: 'service', health: 'healthy', eventLoopUtilization: null, ...over };
}

export function apiEdge(source: string, target: string, over: Partial<TopologyEdge> = {}): TopologyEdge {
  return {
    source,
    target,
    rps: 1,
    errorRate: 0,
    p50Ms: null,
    p99Ms: null,
    outcomes: { success: 1, failure: 0, timeout: 0, short_circuited: 0, bulkhead_rejected: 0 },
    breaker: null,
    bulkhead: null,
    retryAmplification: null,
    inflight: null,
    blockedShare: null,
    ...over,
  };
}
