/**
 * Applying a live `topology:delta` to the topology on screen: whole items
 * replace or add, patches merge into the item held. Services and edges the
 * delta does not mention keep their object identity, so the map's
 * element cache and React skip them; the arrays are new only when something in
 * them changed.
 */
import type { Topology, TopologyDelta, TopologyEdge, TopologyService } from './apiTypes';

function patch<T extends object>(
  prev: T[],
  replaced: T[],
  patches: Partial<T>[],
  removed: string[],
  keyOf: (item: Partial<T>) => string,
): T[] {
  if (replaced.length === 0 && patches.length === 0 && removed.length === 0) return prev;
  const gone = new Set(removed);
  const full = new Map<string, T>();
  for (const item of replaced) full.set(keyOf(item), item);
  const partial = new Map<string, Partial<T>>();
  for (const p of patches) partial.set(keyOf(p), p);
  const out: T[] = [];
  for (const item of prev) {
    const key = keyOf(item);
    if (gone.has(key)) continue;
    const next = full.get(key);
    if (next !== undefined) {
      full.delete(key);
      out.push(next);
      continue;
    }
    const p = partial.get(key);
    out.push(p === undefined ? item : { ...item, ...p });
  }
  // Services and edges the client has not seen yet.
  for (const item of full.values()) out.push(item);
  return out;
}

const serviceKey = (s: Partial<TopologyService>) => s.name ?? '';
const edgeKey = (e: Partial<TopologyEdge>) => `${e.source}->${e.target}`;

export function applyTopologyDelta(current: Topology, delta: TopologyDelta): Topology {
  const next: Topology = {
    ...current,
    at: delta.at,
    services: patch(current.services, delta.services, delta.servicePatches, delta.removedServices, serviceKey),
    edges: patch(current.edges, delta.edges, delta.edgePatches, delta.removedEdges, edgeKey),
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
