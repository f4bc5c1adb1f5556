import { describe, expect, it } from 'vitest';
import type { TopologyEdge, TopologyService } from '../lib/apiTypes';
import { DEFAULT_LAYOUT } from '../lib/graphLayout';
import { apiService } from '../lib/testTopology';
import { whatIfHighlight } from '../lib/whatIfView';
import { buildFlowElements } from './mapElements';

const svc = (name: string): TopologyService => apiService(name);
const edge: TopologyEdge = {
  source: 'order',
  target: 'payment',
  rps: 5,
  errorRate: 0.5,
  p50Ms: 10,
  p99Ms: 2000,
  outcomes: { success: 5, failure: 5, timeout: 0, short_circuited: 0, bulkhead_rejected: 0 },
  breaker: { name: 'pay', state: 'open' },
  bulkhead: null,
  retryAmplification: null,
  inflight: null,
  blockedShare: null,
};

describe('buildFlowElements', () => {
  const base = {
    services: [svc('order'), svc('payment'), svc('ghost')],
    edges: [edge],
    positions: new Map([
      ['order', { x: 0, y: 0 }],
      ['payment', { x: 300, y: 0 }],
    ]),
    layout: DEFAULT_LAYOUT,
    rootCauses: new Set(['payment']),
    blastRadius: new Set(['order']),
    pathIds: new Set(['order->payment']),
    matches: new Set<string>(),
    selection: { kind: 'edge' as const, source: 'order', target: 'payment' },
    emphasizePath: false,
  };
  it('builds named, selectable elements with declared sizes and handles', () => {
    const { nodes, edges } = buildFlowElements(base);
    expect(nodes.map((n) => n.id)).toEqual(['order', 'payment']); // no position yet → not drawn
    expect(nodes[1]?.data.role).toBe('root-cause');
    expect(nodes[1]?.ariaLabel).toBe('payment, healthy, root cause');
    expect(nodes[0]?.handles).toHaveLength(2);
    expect(edges[0]?.selected).toBe(true);
    expect(edges[0]?.ariaLabel).toContain('order → payment, breaker open, 50 % errors');
    expect(edges[0]?.data?.onPath).toBe(true);
  });
  it('dims what is off the path when the path is emphasised', () => {
    const { nodes } = buildFlowElements({ ...base, blastRadius: new Set(), emphasizePath: true });
    expect(nodes.find((n) => n.id === 'order')?.data.dimmed).toBe(true);
    expect(nodes.find((n) => n.id === 'payment')?.data.dimmed).toBe(false);
  });
  it('reuses unchanged elements and rebuilds changed ones', () => {
    const first = buildFlowElements(base);
    const same = buildFlowElements({ ...base, edges: [{ ...edge, rps: 5.01 }], previous: first.cache });
    expect(same.edges[0]).toBe(first.edges[0]); // label, width and name read the same
    expect(same.nodes[0]).toBe(first.nodes[0]);
    const changed = buildFlowElements({ ...base, edges: [{ ...edge, errorRate: 0.9 }], previous: first.cache });
    expect(changed.edges[0]).not.toBe(first.edges[0]);
    expect(changed.edges[0]?.data?.edge.errorRate).toBe(0.9);
  });
  it('names and marks a simulated failure, and rebuilds only what it changes', () => {
    const first = buildFlowElements(base);
    const whatIf = whatIfHighlight({
      failing: 'payment',
      predicted: ['order'],
      unprotected: ['order'],
      contained: [],
      path: ['order->payment'],
      sentence: 'If payment fails, order would be degraded',
    });
    const sim = buildFlowElements({ ...base, whatIf, previous: first.cache });
    const order = sim.nodes.find((n) => n.id === 'order');
    expect(order?.data.whatIf).toBe('predicted');
    expect(order?.ariaLabel).toBe('order, healthy, degraded by the root cause, predicted to degrade if payment fails');
    expect(order).not.toBe(first.nodes[0]);
    expect(sim.nodes.find((n) => n.id === 'payment')?.ariaLabel).toContain('simulated failure');
    expect(sim.edges[0]?.data?.whatIf).toEqual({ kind: 'path' });
    expect(sim.edges[0]?.ariaLabel).toContain('carries the simulated failure');
  });
});
