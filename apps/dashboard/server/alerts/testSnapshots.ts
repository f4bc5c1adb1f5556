import type { BulkheadRow, Cascade, TopologyEdge, TopologyService } from '../../lib/apiTypes';
import { apiEdge } from '../../lib/testTopology';
import type { AlertSnapshot, RunningSaga, SagaTypeStats } from './alertTypes';
import { type AlertRule, validateRule } from './ruleSchema';

/**
 * Builders for alert tests: snapshots of the reference incident and rules. An
 * edge is the shared API builder's (lib/testTopology.ts) with busier defaults
 * than its idle edge: 100 calls a second, latencies, no retries or waiters.
 */
export function edge(source: string, target: string, overrides: Partial<TopologyEdge> = {}): TopologyEdge {
  return apiEdge(source, target, {
    rps: 100,
    p50Ms: 5,
    p99Ms: 20,
    outcomes: { success: 100, failure: 0, timeout: 0, short_circuited: 0, bulkhead_rejected: 0 },
    retryAmplification: 1,
    inflight: 0,
    ...overrides,
  });
}

export function bulkhead(service: string, dependency: string, overrides: Partial<BulkheadRow> = {}): BulkheadRow {
  return {
    service,
    dependency,
    name: `${service}->${dependency}`,
    active: 1,
    limit: 10,
    queued: 0,
    queueLimit: 10,
    rejectionsPerSec: 0,
    saturation: 0.1,
    saturatedShare: 0,
    ...overrides,
  };
}

export interface SnapshotParts {
  edges?: TopologyEdge[];
  bulkheads?: BulkheadRow[];
  services?: TopologyService[];
  cascade?: Cascade;
  sagaStats?: SagaTypeStats[];
  running?: RunningSaga[];
}

export function snapshot(parts: SnapshotParts = {}): AlertSnapshot {
  return {
    topology: {
      at: 0,
      services: parts.services ?? [],
      edges: parts.edges ?? [],
      cascade: parts.cascade ?? { rootCauses: [], blastRadius: [], path: [], sentence: '' },
    },
    bulkheads: parts.bulkheads ?? [],
    sagas: { stats: parts.sagaStats ?? [], running: parts.running ?? [] },
  };
}

let nextId = 0;

export function rule(input: Record<string, unknown>): AlertRule {
  nextId += 1;
  const r = validateRule({ name: `rule ${nextId}`, ...input }, { id: `r${nextId}` });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.rule;
}
