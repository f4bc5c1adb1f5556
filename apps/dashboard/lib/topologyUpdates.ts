/**
 * Applying live events to the topology on screen. A breaker transition is
 * applied at once (it arrives before the next topology delta) so an opened
 * breaker turns its edge red within a second.
 */
import type { BreakerTransitionEvent, Topology } from './apiTypes';

export function applyBreakerTransition(topology: Topology, ev: BreakerTransitionEvent): Topology {
  let changed = false;
  const edges = topology.edges.map((e) => {
    const sameBreaker = e.breaker?.name === ev.name && e.source === ev.service;
    const sameEdge = e.source === ev.service && e.target === ev.dependency;
    if (!sameBreaker && !sameEdge) return e;
    if (e.breaker?.state === ev.to && e.breaker.name === ev.name) return e;
    changed = true;
    return { ...e, breaker: { name: ev.name, state: ev.to } };
  });
  return changed ? { ...topology, edges } : topology;
}

/** Edges on the propagation path: the server's `cascade.path` or, if absent, edges between cascade members. */
export function cascadePathIds(topology: Topology): Set<string> {
  if (topology.cascade.path) return new Set(topology.cascade.path);
  const members = new Set([...topology.cascade.rootCauses, ...topology.cascade.blastRadius]);
  const ids = new Set<string>();
  if (topology.cascade.rootCauses.length === 0) return ids;
  for (const e of topology.edges) {
    if (members.has(e.source) && members.has(e.target)) ids.add(`${e.source}->${e.target}`);
  }
  return ids;
}
