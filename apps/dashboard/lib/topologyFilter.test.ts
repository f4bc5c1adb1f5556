import { describe, expect, it } from 'vitest';
import type { Health, TopologyEdge, TopologyService } from './apiTypes';
import { apiEdge, apiService } from './testTopology';
import { filterTopology } from './topologyFilter';

const svc = (name: string, health: Health = 'healthy'): TopologyService => apiService(name, { health });
const edge = (source: string, target: string, errorRate = 0, state: 'open' | 'closed' | null = null): TopologyEdge =>
  apiEdge(source, target, {
    rps: 10,
    errorRate,
    p50Ms: 1,
    p99Ms: 2,
    breaker: state ? { name: `${target}-cb`, state } : null,
  });

const topo = {
  services: [svc('user'), svc('order', 'degraded'), svc('payment', 'failing'), svc('profile'), svc('email')],
  edges: [
    edge('user', 'order', 0.2),
    edge('order', 'payment', 0.5, 'open'),
    edge('user', 'profile'),
    edge('payment', 'email', 0, 'closed'),
  ],
};
const names = (r: { services: TopologyService[] }) => r.services.map((s) => s.name).sort();

describe('filterTopology', () => {
  it('returns everything without filters', () => {
    const r = filterTopology(topo, { q: '', onlyFailing: false, onlyOpenBreakers: false });
    expect(r.services).toBe(topo.services);
    expect(r.edges).toBe(topo.edges);
  });
  it('searches by name and keeps direct neighbours for context', () => {
    const r = filterTopology(topo, { q: 'PAY', onlyFailing: false, onlyOpenBreakers: false });
    expect([...r.matches]).toEqual(['payment']);
    expect(names(r)).toEqual(['email', 'order', 'payment']);
    expect(r.edges.map((e) => `${e.source}>${e.target}`)).toEqual(['order>payment', 'payment>email']);
  });
  it('keeps only failing edges and unhealthy services', () => {
    const r = filterTopology(topo, { q: '', onlyFailing: true, onlyOpenBreakers: false });
    expect(names(r)).toEqual(['order', 'payment', 'user']);
    expect(r.edges).toHaveLength(2);
  });
  it('keeps only edges whose breaker rejects calls', () => {
    const r = filterTopology(topo, { q: '', onlyFailing: false, onlyOpenBreakers: true });
    expect(names(r)).toEqual(['order', 'payment']);
    expect(r.edges).toHaveLength(1);
  });
});
