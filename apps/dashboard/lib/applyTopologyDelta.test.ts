import { describe, expect, it } from 'vitest';
import type { Topology, TopologyDelta, TopologyEdge, TopologyService } from './apiTypes';
import { applyTopologyDelta } from './applyTopologyDelta';
import { apiEdge, apiService } from './testTopology';

const svc = (name: string, rps = 1): TopologyService => apiService(name, { rps, errorRate: 0 });

const edge = (source: string, target: string, rps = 1): TopologyEdge =>
  apiEdge(source, target, { rps, p50Ms: 1, p99Ms: 2 });

const topo: Topology = {
  at: 1,
  windowSeconds: 60,
  services: [svc('a'), svc('b'), svc('c')],
  edges: [edge('a', 'b'), edge('b', 'c'), edge('a', 'c')],
  cascade: { rootCauses: [], blastRadius: [], sentence: 'all healthy' },
};

const delta = (d: Partial<TopologyDelta>): TopologyDelta => ({
  at: 2,
  base: 1,
  seq: 2,
  services: [],
  edges: [],
  servicePatches: [],
  edgePatches: [],
  removedServices: [],
  removedEdges: [],
  cascade: { rootCauses: [], blastRadius: [], sentence: 'all healthy' },
  ...d,
});

describe('applyTopologyDelta', () => {
  it('replaces changed items in place and keeps the identity of the others', () => {
    const b2 = svc('b', 5);
    const bc2 = edge('b', 'c', 7);
    const next = applyTopologyDelta(topo, delta({ services: [b2], edges: [bc2] }));
    expect(next.services.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(next.services[0]).toBe(topo.services[0]);
    expect(next.services[1]).toBe(b2);
    expect(next.services[2]).toBe(topo.services[2]);
    expect(next.edges[0]).toBe(topo.edges[0]);
    expect(next.edges[1]).toBe(bc2);
    expect(next.edges[2]).toBe(topo.edges[2]);
    expect(next.at).toBe(2);
    expect(next.windowSeconds).toBe(60);
    // The input is not mutated.
    expect(topo.services[1]?.rps).toBe(1);
  });

  it('merges patches into the held item, leaving its other fields as they were', () => {
    const next = applyTopologyDelta(
      topo,
      delta({
        servicePatches: [{ name: 'c', health: 'failing' }],
        edgePatches: [{ source: 'a', target: 'c', rps: 42 }],
      }),
    );
    expect(next.services[2]).toEqual({ ...topo.services[2], health: 'failing' });
    expect(next.services[0]).toBe(topo.services[0]);
    expect(next.edges[2]).toEqual({ ...topo.edges[2], rps: 42 });
    expect(next.edges[0]).toBe(topo.edges[0]);
    expect(topo.edges[2]?.rps).toBe(1);
  });

  it('keeps the arrays and the cascade object when they did not change', () => {
    const next = applyTopologyDelta(topo, delta({}));
    expect(next).not.toBe(topo);
    expect(next.services).toBe(topo.services);
    expect(next.edges).toBe(topo.edges);
    expect(next.cascade).toBe(topo.cascade);
  });

  it('appends new items and drops removed ones', () => {
    const d = svc('d');
    const cd = edge('c', 'd');
    const next = applyTopologyDelta(
      topo,
      delta({ services: [d], edges: [cd], removedServices: ['a'], removedEdges: ['a->b', 'a->c'] }),
    );
    expect(next.services.map((s) => s.name)).toEqual(['b', 'c', 'd']);
    expect(next.edges.map((e) => `${e.source}->${e.target}`)).toEqual(['b->c', 'c->d']);
    expect(next.edges[0]).toBe(topo.edges[1]);
  });

  it('takes the new cascade when it changed', () => {
    const cascade = { rootCauses: ['c'], blastRadius: ['b'], path: ['b->c'], sentence: 'c is failing' };
    const next = applyTopologyDelta(topo, delta({ cascade }));
    expect(next.cascade).toBe(cascade);
  });

  it('replays a chain of deltas onto the same state a full snapshot would give', () => {
    const step1 = applyTopologyDelta(topo, delta({ edges: [edge('a', 'b', 3)] }));
    const step2 = applyTopologyDelta(step1, delta({ base: 2, seq: 3, at: 3, edges: [edge('a', 'b', 4)] }));
    expect(step2.edges.find((e) => e.source === 'a' && e.target === 'b')?.rps).toBe(4);
    expect(step2.edges.length).toBe(3);
    expect(step2.at).toBe(3);
  });
});
