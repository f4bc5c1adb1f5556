/**
 * Search and filters that keep a large map usable: by name (matches plus their
 * direct neighbours, for context), "only failing" and "only with open breakers".
 */
import type { Topology, TopologyEdge, TopologyService } from './apiTypes';
import { isBreakerTripped } from './breakerStyle';

export interface TopologyFilter {
  q: string;
  onlyFailing: boolean;
  onlyOpenBreakers: boolean;
}

export interface FilteredTopology {
  services: TopologyService[];
  edges: TopologyEdge[];
  /** Names that matched the search text (highlighted on the map); empty without a search. */
  matches: Set<string>;
}

/** An edge counts as failing at 5 % errors or with a breaker that rejects calls. */
export const FAILING_EDGE_ERROR_RATE = 0.05;

export function isEdgeFailing(edge: TopologyEdge): boolean {
  return edge.errorRate >= FAILING_EDGE_ERROR_RATE || isBreakerTripped(edge.breaker?.state);
}

export function filterTopology(topology: Pick<Topology, 'services' | 'edges'>, f: TopologyFilter): FilteredTopology {
  const q = f.q.trim().toLowerCase();
  if (!q && !f.onlyFailing && !f.onlyOpenBreakers) {
    return { services: topology.services, edges: topology.edges, matches: new Set() };
  }

  let edges = topology.edges;
  let keep: Set<string>;
  if (f.onlyFailing || f.onlyOpenBreakers) {
    edges = edges.filter(
      (e) => (!f.onlyFailing || isEdgeFailing(e)) && (!f.onlyOpenBreakers || isBreakerTripped(e.breaker?.state)),
    );
    keep = new Set();
    if (!f.onlyOpenBreakers) {
      for (const s of topology.services) if (s.health !== 'healthy') keep.add(s.name);
    }
    for (const e of edges) {
      keep.add(e.source);
      keep.add(e.target);
    }
  } else {
    keep = new Set(topology.services.map((s) => s.name));
  }

  const matches = new Set<string>();
  if (q) {
    for (const name of keep) if (name.toLowerCase().includes(q)) matches.add(name);
    edges = edges.filter((e) => matches.has(e.source) || matches.has(e.target));
    keep = new Set(matches);
    for (const e of edges) {
      keep.add(e.source);
      keep.add(e.target);
    }
  }

  return {
    services: topology.services.filter((s) => keep.has(s.name)),
    edges: edges.filter((e) => keep.has(e.source) && keep.has(e.target)),
    matches,
  };
}
