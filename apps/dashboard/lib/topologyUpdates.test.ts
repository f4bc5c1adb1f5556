import { describe, expect, it } from 'vitest';
import type { Topology, TopologyEdge } from './apiTypes';
import { apiEdge } from './testTopology';
import { applyBreakerTransition, cascadePathIds } from './topologyUpdates';

const edge = (source: string, target: string, breaker: TopologyEdge['breaker']): TopologyEdge =>
  apiEdge(source, target, { breaker });

const topo: Topology = {
  at: 0,
  services: [],
  edges: [edge('order', 'payment', { name: 'payment-cb', state: 'closed' }), edge('user', 'order', null)],
  cascade: { rootCauses: ['payment'], blastRadius: ['order', 'user'], sentence: '' },
};

describe('applyBreakerTransition', () => {
  it('sets the new state on the edge the breaker guards', () => {
    const next = applyBreakerTransition(topo, {
      name: 'payment-cb',
      service: 'order',
      dependency: 'payment',
      from: 'closed',
      to: 'open',
      atMs: 1,
    });
    expect(next.edges[0]?.breaker).toEqual({ name: 'payment-cb', state: 'open' });
    expect(next.edges[1]).toBe(topo.edges[1]);
  });
  it('returns the same object when nothing changes', () => {
    const ev = { name: 'x', service: 'nobody', dependency: 'none', from: 'closed', to: 'open', atMs: 1 } as const;
    expect(applyBreakerTransition(topo, ev)).toBe(topo);
  });
});

describe('cascadePathIds', () => {
  it('derives the path from cascade members when the server sends none', () => {
    expect([...cascadePathIds(topo)].sort()).toEqual(['order->payment', 'user->order']);
    expect([...cascadePathIds({ ...topo, cascade: { ...topo.cascade, path: ['a->b'] } })]).toEqual(['a->b']);
  });
});
