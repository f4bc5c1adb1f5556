/**
 * Graph layout for the cascade map: callers on the left, dependencies to the
 * right. Small and medium graphs go through ELK's layered algorithm (fewer
 * crossings, nicer routing); above ELK_MAX_NODES / ELK_MAX_EDGES we use
 * `fastLayeredLayout`, a plain Sugiyama-style layering that is linear per
 * sweep, because ELK needs seconds on thousands of edges (see the measurements
 * in the test) and the map must render 2 000 services in under 2 s. In the
 * browser ELK runs in a Web Worker (`elkEngine.ts`), so it never blocks the page.
 */

import { elkEngine } from './elkEngine';

export interface LayoutInput {
  nodes: readonly string[];
  edges: readonly { source: string; target: string }[];
}

export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  /** Horizontal space between layers. */
  layerGap: number;
  /** Vertical space between nodes of one layer. */
  nodeGap: number;
}

export type Positions = Map<string, { x: number; y: number }>;

export const DEFAULT_LAYOUT: LayoutOptions = { nodeWidth: 220, nodeHeight: 64, layerGap: 200, nodeGap: 56 };

/** Above these sizes ELK is skipped. */
export const ELK_MAX_NODES = 100;
export const ELK_MAX_EDGES = 250;

/**
 * A key that changes only when the set of nodes or edges changes, never when
 * their numbers do: the map recomputes positions only when this key changes.
 * Order-independent and O(n) (no sort): counts plus the sum and the xor of two
 * 32-bit FNV-1a hashes per element, so 10 000 edges cost ~1 ms per snapshot.
 */
export function structureKey(input: LayoutInput): string {
  const acc = new Uint32Array(6);
  const add = (text: string, base: number) => {
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    acc[base] = (acc[base]! + (h1 >>> 0)) >>> 0;
    acc[base + 1] = (acc[base + 1]! ^ h2) >>> 0;
    acc[base + 2] = (acc[base + 2]! + (h2 >>> 0)) >>> 0;
  };
  for (const n of input.nodes) add(n, 0);
  for (const e of input.edges) add(`${e.source}\u0000${e.target}`, 3);
  return `${input.nodes.length}:${input.edges.length}:${Array.from(acc, (v) => v.toString(36)).join(':')}`;
}

/**
 * Layered layout in four steps:
 * 1. break cycles by reversing DFS back edges (a retry loop must not make layering impossible);
 * 2. longest-path layering: layer(v) = 1 + max layer(u) over callers u, so every call points right;
 * 3. order nodes inside each layer by the barycenter (mean position) of their neighbours in the
 *    previous layer, sweeping left→right then right→left a few times to cut crossings;
 * 4. place layers in columns, each column centred vertically.
 * Cost: O((V + E) · sweeps + V log V).
 */
export function fastLayeredLayout(input: LayoutInput, opts: LayoutOptions = DEFAULT_LAYOUT): Positions {
  const n = input.nodes.length;
  const index = new Map<string, number>();
  input.nodes.forEach((id, i) => {
    index.set(id, i);
  });
  const out: number[][] = Array.from({ length: n }, () => []);
  for (const e of input.edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t) continue;
    out[s]!.push(t);
  }

  // 1. Iterative DFS; an edge to a node still on the stack is a back edge and gets reversed.
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const dag: number[][] = Array.from({ length: n }, () => []);
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [v, i] = top;
      const succ = out[v]!;
      if (i < succ.length) {
        top[1]++;
        const w = succ[i]!;
        if (state[w] === 1) dag[w]!.push(v);
        else {
          dag[v]!.push(w);
          if (state[w] === 0) {
            state[w] = 1;
            stack.push([w, 0]);
          }
        }
      } else {
        state[v] = 2;
        stack.pop();
      }
    }
  }

  // 2. Longest-path layering in topological order (Kahn).
  const indeg = new Int32Array(n);
  for (const succ of dag) for (const w of succ) indeg[w]!++;
  const layer = new Int32Array(n);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (indeg[v] === 0) queue.push(v);
  for (let qi = 0; qi < queue.length; qi++) {
    const v = queue[qi]!;
    for (const w of dag[v]!) {
      if (layer[v]! + 1 > layer[w]!) layer[w] = layer[v]! + 1;
      if (--indeg[w]! === 0) queue.push(w);
    }
  }
  const preds: number[][] = Array.from({ length: n }, () => []);
  for (let v = 0; v < n; v++) for (const w of dag[v]!) preds[w]!.push(v);

  const layerCount = n ? Math.max(...layer) + 1 : 0;
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  for (const v of queue) layers[layer[v]!]!.push(v); // topological order is a good first ordering

  // 3. Barycenter sweeps. pos[v] is v's index centred on its layer, so layers of different sizes compare.
  const pos = new Float64Array(n);
  const place = (l: number[]) => {
    const mid = (l.length - 1) / 2;
    l.forEach((v, i) => {
      pos[v] = i - mid;
    });
  };
  for (const l of layers) place(l);
  const bary = new Float64Array(n);
  const sweep = (neighbours: number[][], l: number[]) => {
    for (const v of l) {
      const nb = neighbours[v]!;
      if (nb.length === 0) {
        bary[v] = pos[v]!;
        continue;
      }
      let sum = 0;
      for (const u of nb) sum += pos[u]!;
      bary[v] = sum / nb.length;
    }
    l.sort((a, b) => bary[a]! - bary[b]! || a - b);
    place(l);
  };
  for (let it = 0; it < 4; it++) {
    for (let i = 1; i < layerCount; i++) sweep(preds, layers[i]!);
    for (let i = layerCount - 2; i >= 0; i--) sweep(dag, layers[i]!);
  }

  // 4. Coordinates.
  const positions: Positions = new Map();
  const rowH = opts.nodeHeight + opts.nodeGap;
  const colW = opts.nodeWidth + opts.layerGap;
  for (let li = 0; li < layerCount; li++) {
    const l = layers[li]!;
    const mid = (l.length - 1) / 2;
    l.forEach((v, i) => {
      positions.set(input.nodes[v]!, { x: li * colW, y: (i - mid) * rowH });
    });
  }
  return positions;
}

interface ElkNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  children?: ElkNode[];
}

/** ELK layered layout (loaded on demand: it is ~1.5 MB of JavaScript; in a Web Worker in the browser). */
export async function elkLayeredLayout(input: LayoutInput, opts: LayoutOptions = DEFAULT_LAYOUT): Promise<Positions> {
  const elk = await elkEngine();
  const known = new Set(input.nodes);
  const seen = new Set<string>();
  const edges = [];
  for (const e of input.edges) {
    const id = `${e.source}->${e.target}`;
    if (!known.has(e.source) || !known.has(e.target) || e.source === e.target || seen.has(id)) continue;
    seen.add(id);
    edges.push({ id, sources: [e.source], targets: [e.target] });
  }
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': String(opts.layerGap),
      'elk.spacing.nodeNode': String(opts.nodeGap),
      'elk.layered.cycleBreaking.strategy': 'GREEDY',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.separateConnectedComponents': 'true',
      'elk.spacing.componentComponent': String(opts.nodeGap * 2),
    },
    children: input.nodes.map((id) => ({ id, width: opts.nodeWidth, height: opts.nodeHeight })),
    edges,
  });
  const positions: Positions = new Map();
  for (const c of (graph.children ?? []) as ElkNode[]) positions.set(c.id, { x: c.x ?? 0, y: c.y ?? 0 });
  return positions;
}

/** ELK for graphs it lays out quickly, the fast layered layout above that. */
export async function layoutGraph(
  input: LayoutInput,
  opts: LayoutOptions = DEFAULT_LAYOUT,
): Promise<{ positions: Positions; engine: 'elk' | 'fast' }> {
  if (input.nodes.length <= ELK_MAX_NODES && input.edges.length <= ELK_MAX_EDGES) {
    try {
      return { positions: await elkLayeredLayout(input, opts), engine: 'elk' };
    } catch {
      // ELK failing on an odd graph must not leave the map empty.
    }
  }
  return { positions: fastLayeredLayout(input, opts), engine: 'fast' };
}
