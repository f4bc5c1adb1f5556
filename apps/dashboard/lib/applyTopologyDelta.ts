/**
 * Applying a live `topology:delta` to the topology on screen: whole items
 * replace or add, patches merge into the item held. Services and edges the
 * delta does not mention keep their object identity, so the map's
 * element cache and React skip them; the arrays are new only when something in
 * them changed.
 */
import type { Topology, TopologyDelta, TopologyEdge, TopologyService } from './apiTypes';

/**
 * Items by a two-part key (an edge's source and target; a service's name and
 * ''): a live delta on a 10 000-edge map patches every edge each second, and
 * building a "source->target" string per held edge to look it up cost as
 * much as the rest of applying the delta.
 */
class ByKey<V> {
  private readonly outer = new Map<string, Map<string, V>>();
  set(a: string, b: string, value: V): void {
    let inner = this.outer.get(a);
    if (inner === undefined) {
      inner = new Map();
      this.outer.set(a, inner);
    }
    inner.set(b, value);
  }
  get(a: string, b: string): V | undefined {
    return this.outer.get(a)?.get(b);
  }
}

interface Keys<T> {
  first(item: Partial<T>): string;
  second(item: Partial<T>): string;
  /** The joined form `removed` lists. */
  joined(item: Partial<T>): string;
}

function patch<T extends object>(
  prev: T[],
  replaced: T[],
  patches: Partial<T>[],
  removed: string[],
  keys: Keys<T>,
): T[] {
  if (replaced.length === 0 && patches.length === 0 && removed.length === 0) return prev;
  const gone = removed.length > 0 ? new Set(removed) : null;
  const full = new ByKey<T>();
  const used = new Set<T>();
  for (const item of replaced) full.set(keys.first(item), keys.second(item), item);
  const partial = new ByKey<Partial<T>>();
  for (const p of patches) partial.set(keys.first(p), keys.second(p), p);
  const out: T[] = [];
  for (const item of prev) {
    if (gone?.has(keys.joined(item))) continue;
    const a = keys.first(item);
    const b = keys.second(item);
    const next = full.get(a, b);
    if (next !== undefined) {
      used.add(next);
      out.push(next);
      continue;
    }
    const p = partial.get(a, b);
    out.push(p === undefined ? item : Object.assign({}, item, p));
  }
  // Services and edges the client has not seen yet.
  for (const item of replaced) if (!used.has(item)) out.push(item);
  return out;
}

const serviceKeys: Keys<TopologyService> = {
  first: (s) => s.name ?? '',
  second: () => '',
  joined: (s) => s.name ?? '',
};
const edgeKeys: Keys<TopologyEdge> = {
  first: (e) => e.source ?? '',
  second: (e) => e.target ?? '',
  joined: (e) => `${e.source}->${e.target}`,
};

export function applyTopologyDelta(current: Topology, delta: TopologyDelta): Topology {
  const next: Topology = {
    ...current,
    at: delta.at,
    services: patch(current.services, delta.services, delta.servicePatches, delta.removedServices, serviceKeys),
    edges: patch(current.edges, delta.edges, delta.edgePatches, delta.removedEdges, edgeKeys),
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
