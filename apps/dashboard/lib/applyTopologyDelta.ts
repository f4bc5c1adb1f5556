/**
 * Applying a live `topology:delta` to the topology on screen. Services and
 * edges the delta does not mention keep their object identity, so the map's
 * element cache and React skip them; the arrays are new only when something in
 * them changed.
 */
import type { Topology, TopologyDelta, TopologyEdge, TopologyService } from './apiTypes';

function patch<T>(prev: T[], changed: T[], removed: string[], keyOf: (item: T) => string): T[] {
  if (changed.length === 0 && removed.length === 0) return prev;
  const gone = new Set(removed);
  const pending = new Map<string, T>();
  for (const item of changed) pending.set(keyOf(item), item);
  const out: T[] = [];
  for (const item of prev) {
    const key = keyOf(item);
    if (gone.has(key)) continue;
    const next = pending.get(key);
    if (next !== undefined) {
      pending.delete(key);
      out.push(next);
    } else {
      out.push(item);
    }
  }
  // Services and edges the client has not seen yet.
  for (const item of pending.values()) out.push(item);
  return out;
}

const serviceKey = (s: TopologyService) => s.name;
const edgeKey = (e: TopologyEdge) => `${e.source}->${e.target}`;

export function applyTopologyDelta(current: Topology, delta: TopologyDelta): Topology {
  const next: Topology = {
    ...current,
    at: delta.at,
    services: patch(current.services, delta.services, delta.removedServices, serviceKey),
    edges: patch(current.edges, delta.edges, delta.removedEdges, edgeKey),
    cascade: sameCascade(current.cascade, delta.cascade) ? current.cascade : delta.cascade,
  };
  if (delta.windowSeconds !== undefined) next.windowSeconds = delta.windowSeconds;
  return next;
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameCascade(a: Topology['cascade'], b: Topology['cascade']): boolean {
  return (
    a.sentence === b.sentence &&
    sameList(a.rootCauses, b.rootCauses) &&
    sameList(a.blastRadius, b.blastRadius) &&
    sameList(a.path, b.path)
  );
}
