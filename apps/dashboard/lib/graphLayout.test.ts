import { describe, expect, it } from 'vitest';
import { elkLayeredLayout, fastLayeredLayout, layoutGraph, structureKey } from './graphLayout';

const reference = {
  nodes: ['email', 'user', 'order', 'payment', 'profile', 'inventory'],
  edges: [
    { source: 'user', target: 'order' },
    { source: 'user', target: 'profile' },
    { source: 'order', target: 'payment' },
    { source: 'order', target: 'inventory' },
    { source: 'payment', target: 'email' },
    { source: 'order', target: 'email' },
  ],
};

/** A synthetic microservice graph: each service calls up to 200 services after it (so it is a DAG before shuffling names). */
function synthetic(services: number, edgeCount: number) {
  const nodes = Array.from({ length: services }, (_, i) => `svc-${i}`);
  const edges: { source: string; target: string }[] = [];
  const seen = new Set<string>();
  let seed = 42;
  // mulberry32: a tiny deterministic PRNG, so the graph is the same on every run.
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  while (edges.length < edgeCount) {
    const a = Math.floor(rand() * (services - 1));
    const b = a + 1 + Math.floor(rand() * Math.min(200, services - a - 1));
    const id = `${a}>${b}`;
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({ source: nodes[a]!, target: nodes[b]! });
  }
  return { nodes, edges };
}

describe('fastLayeredLayout', () => {
  it('puts every caller left of its dependencies', () => {
    const pos = fastLayeredLayout(reference);
    for (const e of reference.edges) expect(pos.get(e.source)!.x).toBeLessThan(pos.get(e.target)!.x);
    expect(pos.size).toBe(6);
  });
  it('survives cycles and self loops without overlapping nodes', () => {
    const pos = fastLayeredLayout({
      nodes: ['a', 'b', 'c'],
      edges: [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
        { source: 'c', target: 'a' },
        { source: 'b', target: 'b' },
      ],
    });
    const spots = new Set([...pos.values()].map((p) => `${p.x},${p.y}`));
    expect(spots.size).toBe(3);
  });
  // Its speed is measured by `npm run bench -- --only ui`; here only that it lays big graphs out correctly.
  it('lays out 2 000 services and 10 000 edges with every caller left of its dependency', () => {
    const g = synthetic(2000, 10_000);
    const pos = fastLayeredLayout(g);
    expect(pos.size).toBe(2000);
    for (const e of g.edges) expect(pos.get(e.source)!.x).toBeLessThan(pos.get(e.target)!.x);
  });
});

describe('elkLayeredLayout', () => {
  it('lays the reference incident out left to right', async () => {
    const pos = await elkLayeredLayout(reference);
    for (const e of reference.edges) expect(pos.get(e.source)!.x).toBeLessThan(pos.get(e.target)!.x);
  });
  it('is picked for small graphs and skipped for large ones', async () => {
    expect((await layoutGraph(reference)).engine).toBe('elk');
    expect((await layoutGraph(synthetic(150, 450))).engine).toBe('fast');
  });
});

describe('structureKey', () => {
  it('ignores order and changes only with the node or edge set', () => {
    const a = structureKey(reference);
    const b = structureKey({ nodes: [...reference.nodes].reverse(), edges: [...reference.edges].reverse() });
    expect(a).toBe(b);
    expect(structureKey({ ...reference, edges: reference.edges.slice(1) })).not.toBe(a);
  });
});
